"""notebooks/conftest.py: a kernel that dies while starting is started again once and its stderr is shown."""
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]

# A kernel launcher that dies (saying why on stderr) the first `deaths` times, then runs a real ipykernel.
LAUNCHER = textwrap.dedent("""
    import sys
    from pathlib import Path

    count = Path(__file__).with_name("starts")
    starts = int(count.read_text()) if count.exists() else 0
    count.write_text(str(starts + 1))
    if starts < {deaths}:
        sys.exit("boom: this kernel dies while starting")
    from ipykernel import kernelapp
    kernelapp.launch_new_instance()
""")


def _run_notebook(tmp_path, deaths):
    shutil.copy(ROOT / "notebooks" / "conftest.py", tmp_path / "conftest.py")
    cell = nbformat.v4.new_code_cell("# NBVAL_CHECK_OUTPUT\nprint(6 * 7)", execution_count=1,
                                     outputs=[nbformat.v4.new_output("stream", name="stdout", text="42\n")])
    nb = nbformat.v4.new_notebook(cells=[cell])
    nbformat.write(nb, tmp_path / "answer.ipynb")
    (tmp_path / "launcher.py").write_text(LAUNCHER.format(deaths=deaths))
    spec = tmp_path / "jupyter" / "kernels" / "flaky"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, str(tmp_path / "launcher.py"), "-f", "{connection_file}"],
        "display_name": "flaky", "language": "python"}))
    env = {**os.environ, "JUPYTER_PATH": str(tmp_path / "jupyter")}
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--nbval-lax",
                           "--nbval-kernel-name", "flaky", "answer.ipynb"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    return done, int((tmp_path / "starts").read_text())


def test_a_kernel_that_dies_once_while_starting_is_started_again_with_a_warning(tmp_path):
    done, starts = _run_notebook(tmp_path, deaths=1)
    assert done.returncode == 0, done.stdout[-3000:]
    assert starts == 2
    assert "1 passed" in done.stdout
    assert "died while starting" in done.stdout and "boom: this kernel dies while starting" in done.stdout


def test_a_kernel_that_dies_twice_fails_the_notebook_with_its_stderr(tmp_path):
    done, starts = _run_notebook(tmp_path, deaths=2)
    assert done.returncode == 1, done.stdout[-3000:]
    assert starts == 2
    assert "twice" in done.stdout and "boom: this kernel dies while starting" in done.stdout


def test_a_healthy_kernel_starts_once_without_a_warning(tmp_path):
    done, starts = _run_notebook(tmp_path, deaths=0)
    assert done.returncode == 0, done.stdout[-3000:]
    assert starts == 1 and "died while starting" not in done.stdout
