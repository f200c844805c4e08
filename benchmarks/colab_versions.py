"""The notebook series under nbval with Colab's package versions, in a throw-away venv (`make test-versions`).

    python benchmarks/colab_versions.py --torch "torch==2.11.0+cpu" --torch-index https://download.pytorch.org/whl/cpu

The venv gets the torch given (a CPU build), the pins of benchmarks/colab/requirements.txt (Keras, TensorFlow,
JAX, numpy, ipywidgets, pandas) and rnnlab built from this checkout (no dependencies of its own: the pins decide).
Then `pytest notebooks` runs with the flags of `make test` (--nbval-lax, the sanitizer, two workers) on the Keras
backend given (default jax). The last result — versions installed, cells passed and failed, wall time, machine,
commit, date — is written to benchmarks/results/colab_versions.md, pass or fail. The venv is removed afterwards
(--keep keeps it and prints where). Exit status: 0 when every cell passed.
"""
import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from report import ONE_THREAD, commit, machine, write_report  # noqa: E402

REQUIREMENTS = HERE / "colab" / "requirements.txt"
NBVAL = ["--nbval-lax", "--nbval-sanitize-with", "notebooks/nbval_sanitize.cfg", "-n", "2", "--dist", "loadfile"]
SHOWN = ("torch", "keras", "jax", "jaxlib", "tensorflow-cpu", "numpy", "ipywidgets", "pandas", "matplotlib", "scipy",
         "ipykernel", "nbval")
INSTALL_TIMEOUT = 1800


def run(command, **kwargs):
    print("+", " ".join(map(str, command)), flush=True)
    return subprocess.run(command, text=True, **kwargs)


def installed(python):
    """{distribution: version} of SHOWN in the venv."""
    code = ("import json, importlib.metadata as m\nout = {}\nfor d in %r:\n    try: out[d] = m.version(d)\n"
            "    except m.PackageNotFoundError: pass\nprint(json.dumps(out))" % (SHOWN,))
    return json.loads(run([python, "-c", code], capture_output=True, check=True).stdout)


def counts(junit):
    """(passed, failed, errors, skipped) cells from pytest's JUnit XML."""
    suites = ET.parse(junit).getroot()
    suites = [suites] if suites.tag == "testsuite" else list(suites)
    total = {k: sum(int(s.get(k, 0)) for s in suites) for k in ("tests", "failures", "errors", "skipped")}
    passed = total["tests"] - total["failures"] - total["errors"] - total["skipped"]
    return passed, total["failures"], total["errors"], total["skipped"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--torch", default="torch==2.11.0+cpu", help="the torch requirement (a CPU build)")
    parser.add_argument("--torch-index", default="https://download.pytorch.org/whl/cpu",
                        help="extra index for torch ('' for none)")
    parser.add_argument("--keras-backend", default="jax", choices=["jax", "tensorflow"])
    parser.add_argument("--note", default="", help="a sentence for the report, e.g. why this torch was chosen")
    parser.add_argument("--keep", action="store_true", help="keep the venv")
    args = parser.parse_args()

    venv = Path(tempfile.mkdtemp(prefix="rnnlab-colab-versions-"))
    python = str(venv / "bin" / "python")
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}
    env.pop("PYTHONPATH", None)   # the venv's own rnnlab, not a checkout on the path
    started = time.monotonic()
    tested = commit()   # the tree the venv installs now: a commit made while the series runs is not what ran
    try:
        run([sys.executable, "-m", "venv", str(venv)], check=True)
        index = ["--extra-index-url", args.torch_index] if args.torch_index else []
        for command in ([python, "-m", "pip", "install", "--quiet", args.torch, *index],
                        [python, "-m", "pip", "install", "--quiet", "-r", str(REQUIREMENTS)],
                        [python, "-m", "pip", "install", "--quiet", "--no-deps", str(ROOT)]):
            done = run(command, env=env, capture_output=True, timeout=INSTALL_TIMEOUT)
            if done.returncode:
                sys.exit(f"could not make the venv:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
        setup_seconds = time.monotonic() - started
        versions = installed(python)
        with tempfile.TemporaryDirectory() as tmp:
            junit = Path(tmp) / "junit.xml"
            began = time.monotonic()
            done = run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "notebooks", *NBVAL,
                        f"--junitxml={junit}"], cwd=ROOT, capture_output=True,
                       env={**env, **ONE_THREAD, "KERAS_BACKEND": args.keras_backend})
            seconds = time.monotonic() - began
            passed, failed, errors, skipped = counts(junit) if junit.exists() else (0, 0, 0, 0)
        tail = [line for line in done.stdout.strip().splitlines() if line.strip()][-12:]
    finally:
        if args.keep:
            print(f"kept the venv: {venv}")
        else:
            shutil.rmtree(venv, ignore_errors=True)
    ok = done.returncode == 0 and failed == errors == 0 and passed > 0
    lines = ["# The notebook series with Colab's package versions", "",
             "`make test-versions` (benchmarks/colab_versions.py): the notebooks under nbval as `make test` runs them "
             "(--nbval-lax, the sanitizer, two workers), in a throw-away venv with the versions below. Pins: "
             "benchmarks/colab/requirements.txt; torch from the Makefile's COLAB_TORCH.", "",
             f"Last run: {datetime.date.today().isoformat()}; machine: {machine()}; commit {tested}; "
             f"Keras backend {args.keras_backend}; torch requested as `{args.torch}`"
             + (f" from {args.torch_index}" if args.torch_index else " from PyPI and the local indexes") + ".", ""]
    if args.note:
        lines += [args.note, ""]
    lines += ["| package | version |", "|---|---|", *[f"| {k} | {v} |" for k, v in versions.items()], "",
              f"**Result: {'passed' if ok else 'FAILED'}** — {passed} cells passed, {failed} failed, {errors} errors, "
              f"{skipped} skipped; pytest exit status {done.returncode}; {seconds / 60:.1f} min for the series, "
              f"{setup_seconds / 60:.1f} min to make the venv.", "", "pytest's last lines:", "", "```", *tail, "```"]
    write_report("colab_versions", lines)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
