"""The widgets under Colab's ipywidgets (7.7.1): every widget of the series is built and its callback called.

The check runs in a throw-away virtual environment with ``ipywidgets==7.7.1`` (plus torch and rnnlab's own
dependencies at the versions installed here), made once under the temp folder and reused while the requirements stay
the same. rnnlab itself comes from this checkout through PYTHONPATH. No browser is needed: the Train button is
clicked from Python, as in tests/test_widgets.py, with tqdm's notebook progress bar (ipywidgets) as on Colab.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from filelock import FileLock

pytestmark = pytest.mark.colab_widgets

ROOT = Path(__file__).resolve().parents[1]
COLAB_IPYWIDGETS = "ipywidgets==7.7.1"
VENV_TIMEOUT = 900


def requirements():
    """ipywidgets 7.7.1, and torch, numpy, pandas, matplotlib, tqdm and joblib at the versions installed here."""
    pinned = []
    for name in ("torch", "numpy", "pandas", "matplotlib", "tqdm", "joblib"):
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            pytest.skip(f"{name} is not installed here, so the Colab environment cannot mirror this one")
        pinned.append(f"{name}=={version.split('+')[0]}")
    return [COLAB_IPYWIDGETS, *pinned]


@pytest.fixture(scope="session")
def colab_python():
    """Python of a venv with Colab's ipywidgets, made once per set of requirements (a minute or so)."""
    reqs = requirements()
    key = hashlib.sha256("\n".join([sys.version, *reqs]).encode()).hexdigest()[:12]
    venv = Path(tempfile.gettempdir()) / f"rnnlab-colab-widgets-{key}"
    python = venv / "bin" / "python"
    with FileLock(f"{venv}.lock"):   # one build at a time across pytest processes
        if not (venv / ".complete").exists():
            shutil.rmtree(venv, ignore_errors=True)
            started = time.monotonic()
            env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
            for command in ([sys.executable, "-m", "venv", str(venv)],
                            [str(python), "-m", "pip", "install", "--quiet", *reqs]):
                done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=VENV_TIMEOUT)
                if done.returncode:
                    shutil.rmtree(venv, ignore_errors=True)
                    pytest.fail(f"could not make the Colab venv ({' '.join(command)}):\n{done.stdout}{done.stderr}")
            (venv / ".complete").write_text(f"{' '.join(reqs)}\nmade in {time.monotonic() - started:.0f} s\n")
    return python


CHECK = r'''
import contextlib, io, re
import ipywidgets as w
assert w.__version__ == "7.7.1", w.__version__

# On Colab, tqdm.auto gives the notebook bar (ipywidgets); outside a kernel it would fall back to text.
import tqdm.auto, tqdm.notebook
tqdm.auto.tqdm = tqdm.notebook.tqdm

import rnnlab
from rnnlab import backends
from rnnlab.experiments import EXPERIMENTS
from rnnlab.widgets import SLIDERS, _epoch_default, experiment_widget
assert "/site-packages/" not in rnnlab.__file__, rnnlab.__file__


def find(box, kind):
    found = []
    for child in getattr(box, "children", ()):
        found += [child] if isinstance(child, kind) else []
        found += find(child, kind)
    return found


def click(box):
    button = find(box, w.Button)[0]
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        button.click()
    assert not button.disabled, "the Train button should be enabled again after a run"
    # outside a kernel, Output.clear_output() writes a terminal erase sequence
    return re.sub(r"\x1b\[2K\r", "", stdout.getvalue()).strip()


runs = 0
for experiment, spec in EXPERIMENTS.items():
    (t_min, _, _, t_default), (h_min, _, h_default) = SLIDERS[experiment]
    box = experiment_widget(experiment)
    sliders = {s.description: s for s in find(box, w.IntSlider)}
    menus = {d.description: d for d in find(box, w.Dropdown)}
    assert sorted(sliders) == ["hidden size", "max epochs", "seeds", "sequence length"], sorted(sliders)
    assert sorted(menus) == ["backend", "cell", "recipe"], sorted(menus)
    assert (sliders["sequence length"].value, sliders["hidden size"].value) == (t_default, h_default)
    assert [b.description for b in find(box, w.Button)] == ["Train"]
    assert len(find(box, w.Output)) == 1
    # every state the front end would get serialises
    for widget in [box, *find(box, w.Widget)]:
        widget.get_state()

    seq_len, hidden = t_min, max(h_min, 4)
    sliders["sequence length"].value, sliders["hidden size"].value, sliders["seeds"].value = seq_len, hidden, 1
    for recipe in menus["recipe"].options:
        # the recipe menu's callback: the epoch slider follows the recipe's budget (capped for interactive runs)
        menus["recipe"].value = recipe
        assert sliders["max epochs"].value == _epoch_default(spec["recipes"][recipe]), recipe
        for cell in menus["cell"].options:
            menus["cell"].value, menus["backend"].value, sliders["max epochs"].value = cell, "torch", 1
            out = click(box)
            expected = f"{cell} on torch, T={seq_len}, hidden={hidden}, recipe {recipe}: "
            assert expected in out and "Could not train" not in out, out
            runs += 1

    # a failing run: the message reaches the student as one line
    real = backends.is_available
    backends.is_available = lambda b: False if b == "keras" else real(b)
    try:
        menus["backend"].value = "keras"
        out = click(box)
    finally:
        backends.is_available = real
    assert out.startswith("Could not train: the keras backend is not installed") and "pip install" in out, out
    assert len(out.splitlines()) == 1, out
    print(f"{experiment}: widget built, recipe callback and Train clicked for every cell and recipe, error as one line")
print(f"ipywidgets {w.__version__}: {runs} runs OK")
'''


def test_every_widget_and_callback_works_with_colab_ipywidgets(colab_python):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(PYTHONPATH=str(ROOT), PYTHONNOUSERSITE="1", OMP_NUM_THREADS="1", MPLBACKEND="Agg")
    done = subprocess.run([str(colab_python), "-c", CHECK], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    assert "ipywidgets 7.7.1:" in done.stdout and "runs OK" in done.stdout, done.stdout
