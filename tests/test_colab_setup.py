"""The Colab set-up block (rnnlab.instructor.colab.setup_block), the one place naming the repository
(rnnlab._project), and the warning of `rnnlab student` when it drops Open-in-Colab links."""
from __future__ import annotations

import sys
import types
import warnings
from pathlib import Path

import pytest

from rnnlab import _project
from rnnlab.cli import main
from rnnlab.instructor.colab import (COLAB_BLOCK, colab_links, install_lines, install_spec, set_install, setup_block,
                                     setup_cells)
from rnnlab.instructor.student import build_student_notebooks

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

nbformat = pytest.importorskip("nbformat")

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
MISSING_WHEEL = "/nonexistent/rnnlab-0.1.0-py3-none-any.whl"   # pip fails at once, without the network


def test_the_repository_is_named_once():
    assert PROJECT["urls"]["Source"] == _project.repository_url() == f"https://github.com/{_project.REPOSITORY}"
    assert _project.install_spec() == f"rnnlab @ git+https://github.com/{_project.REPOSITORY}@v{PROJECT['version']}"
    assert _project.install_spec("1.2.3").endswith("@v1.2.3")
    for bad in ("", "1 2"):
        with pytest.raises(ValueError, match="version"):
            _project.release_tag(bad)
    with pytest.raises(TypeError, match="version"):
        _project.release_tag(1)


def test_notebooks_hold_the_generated_setup_block():
    """Each notebook's set-up cell holds, after `import sys`, exactly the block setup_block writes for this release
    (tools/pin_notebooks.py writes it)."""
    assert NOTEBOOKS
    for path in NOTEBOOKS:
        (cell,) = setup_cells(nbformat.read(path, as_version=4))
        blocks = COLAB_BLOCK.findall(cell.source)
        assert blocks == [setup_block(_project.install_spec())], path.name
        assert cell.source.index("import sys\n") < cell.source.index(blocks[0]), path.name


def colab_namespace(monkeypatch):
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    return {"sys": sys}


def test_block_stops_with_one_sentence_when_pip_fails(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    namespace = colab_namespace(monkeypatch)
    with pytest.raises(Exception) as caught:
        exec(setup_block(MISSING_WHEEL), namespace)
    error = caught.value
    assert type(error).__name__ == "SetupStopped"
    sentence = str(error)
    assert sentence.startswith(f"rnnlab could not be installed from {MISSING_WHEEL}: ask your instructor")
    assert "--repo" in sentence and "--install" in sentence and "Files panel" in sentence
    assert sentence.count(". ") == 0 and sentence.endswith(".") and "\n" not in sentence   # one sentence
    assert error._render_traceback_() == [sentence]   # what Jupyter and Colab show instead of a traceback
    assert namespace["pip"].returncode != 0 and namespace["pip"].stderr   # pip's message kept for who wants it


def test_ipython_shows_the_sentence_alone(monkeypatch, capsys):
    """Run as a cell, the failed install shows the sentence only: no traceback, no ModuleNotFoundError."""
    from IPython.core.interactiveshell import InteractiveShell

    colab_namespace(monkeypatch)
    shell = InteractiveShell.instance()
    try:
        result = shell.run_cell("import sys\n" + setup_block(MISSING_WHEEL) + "import rnnlab_not_installed_here\n")
    finally:
        InteractiveShell.clear_instance()
    shown = capsys.readouterr().out
    assert type(result.error_in_exec).__name__ == "SetupStopped"
    assert "rnnlab could not be installed from" in shown
    assert "Traceback" not in shown and "ModuleNotFoundError" not in shown and "ERROR:" not in shown


def test_block_does_nothing_off_colab(monkeypatch):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    monkeypatch.setattr("subprocess.run", lambda *a, **k: pytest.fail("pip ran outside Colab"))
    namespace = {"sys": sys}
    exec(setup_block(MISSING_WHEEL), namespace)
    assert "pip" not in namespace


def test_block_installs_the_spec_or_an_uploaded_wheel(monkeypatch):
    """pip is called with the spec; a wheel found in /content (Colab's Files panel) is installed instead."""
    import glob
    import subprocess

    calls = []
    monkeypatch.setattr(subprocess, "run", lambda command, **k: calls.append(command) or types.SimpleNamespace(
        returncode=0, stderr=""))
    spec = "rnnlab @ git+https://github.com/alice/course@v2"
    for uploaded in ([], ["/content/rnnlab-0.1.0-py3-none-any.whl", "/content/rnnlab-0.2.0-py3-none-any.whl"]):
        monkeypatch.setattr(glob, "glob", lambda pattern, found=uploaded: found if pattern == "/content/rnnlab-*.whl"
                            else pytest.fail(pattern))
        exec(setup_block(spec), colab_namespace(monkeypatch))
        assert calls.pop() == [sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                               uploaded[-1] if uploaded else spec]


def test_block_refuses_a_bad_spec():
    with pytest.raises(ValueError, match="install"):
        setup_block('rnnlab"; import os')
    with pytest.raises(ValueError, match="would install numpy"):
        setup_block("numpy==2.0")


def notebook(setup_source):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(setup_source)
    cell.metadata["tags"] = ["colab-setup"]
    nb.cells = [nbformat.v4.new_markdown_cell("# T\n\n[Open in Colab](https://colab.research.google.com/github/a/b/blob/"
                                              "main/notebooks/t.ipynb)"), cell]
    return nb


def test_install_line_read_and_set_in_both_forms():
    """The generated block and an older notebook's `!pip install … "SPEC"` line are both read and rewritten, and
    only the spec changes."""
    new = notebook("import sys\n" + setup_block("rnnlab==0.1.0") + "import rnnlab\n")
    old = notebook('import sys\nif "google.colab" in sys.modules:\n    !pip install -q --no-deps "rnnlab==0.1.0"\n'
                   "import rnnlab\n")
    for nb in (new, old):
        before = nb.cells[1].source
        assert install_spec(nb) == "rnnlab==0.1.0"
        set_install(nb, "rnnlab==0.2.0", "t.ipynb")
        assert install_spec(nb) == "rnnlab==0.2.0"
        assert nb.cells[1].source == before.replace('"rnnlab==0.1.0"', '"rnnlab==0.2.0"')
        assert len(install_lines(nb.cells[1].source)) == 1


def write(nb, folder):
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / "t.ipynb")
    return folder / "t.ipynb"


def test_student_warns_when_it_drops_colab_links(tmp_path):
    src = write(notebook("import sys\n" + setup_block("rnnlab==0.1.0") + "import rnnlab\n"), tmp_path / "src")
    with pytest.warns(UserWarning, match=r"removed the Open-in-Colab link of 1 notebook\(s\) \(t\.ipynb\).*--repo"):
        (out,) = build_student_notebooks(src, tmp_path / "a")
    assert not colab_links(nbformat.read(out, as_version=4))
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # a link kept (--repo), removed on purpose (--no-colab) or absent: no warning
        build_student_notebooks(src, tmp_path / "b", repo="alice/course@v1", path="x")
        build_student_notebooks(src, tmp_path / "c", colab=False)
        build_student_notebooks(tmp_path / "c" / "t.ipynb", tmp_path / "d")


def test_student_cli_prints_the_warning(tmp_path, capsys):
    src = write(notebook("import sys\n" + setup_block("rnnlab==0.1.0") + "import rnnlab\n"), tmp_path / "src")
    assert main(["student", str(src), "--out", str(tmp_path / "a")]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("rnnlab: warning: removed the Open-in-Colab link of 1 notebook(s)")
    assert main(["student", str(src), "--out", str(tmp_path / "b"), "--repo", "alice/course", "--path", "x"]) == 0
    assert capsys.readouterr().err == ""


def test_binder_installs_what_the_notebooks_need_with_cpu_torch():
    """binder/requirements.txt names every dependency of rnnlab and of its torch, keras and notebooks extras (the
    postBuild script installs rnnlab itself without dependencies), and takes torch's CPU build."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    lines = [line.strip() for line in (ROOT / "binder" / "requirements.txt").read_text().splitlines()]
    lines = [line for line in lines if line and not line.startswith("#")]
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in lines
    binder = {canonicalize_name(Requirement(line).name) for line in lines if not line.startswith("-")}
    extras = PROJECT["optional-dependencies"]
    wanted = [*PROJECT["dependencies"], *extras["torch"], *extras["keras"], *extras["notebooks"]]
    needed = {canonicalize_name(r.name) for r in map(Requirement, wanted) if r.marker is None or r.marker.evaluate()}
    assert needed <= binder, needed - binder
    assert "--no-deps" in (ROOT / "binder" / "postBuild").read_text()


def test_block_defaults_to_this_release():
    assert setup_block() == setup_block(_project.install_spec())
    assert f'RNNLAB = "{_project.install_spec()}"' in setup_block()
