"""rnnlab installs like a real package: one version (pyproject.toml's), notebooks pinned to it, and an sdist
and a wheel that carry every file of the package (tables, corpora) and nothing else.

The archives are built here (``python -m build --no-isolation``), or taken from ``RNNLAB_DIST_DIR`` when
``.ci/package_check.sh`` has built them in an isolated environment."""
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

import rnnlab
from rnnlab.instructor.colab import colab_links, colab_url, install_spec

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
VERSION = PROJECT["version"]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
PIN_SCRIPT = ROOT / "tools" / "pin_notebooks.py"


def test_version_has_one_source():
    assert rnnlab.__version__ == VERSION == metadata.version("rnnlab")
    written = [p.name for p in (ROOT / "rnnlab").rglob("*.py") if re.search(r"^__version__ = ['\"]", p.read_text(), re.M)]
    assert not written, f"a version written by hand besides pyproject.toml: {written}"


def read(path):
    import nbformat

    return nbformat.read(path, as_version=4)


def test_notebooks_install_and_open_this_release():
    """Each notebook's Colab set-up installs the tag vX.Y.Z of the project's repository, and its link opens the
    notebook at that tag: the two always match the package version."""
    source = PROJECT["urls"]["Source"]
    owner, name = source.removeprefix("https://github.com/").split("/")
    assert NOTEBOOKS
    for path in NOTEBOOKS:
        nb = read(path)
        assert install_spec(nb) == f"rnnlab @ git+{source}@v{VERSION}", path.name
        links = colab_links(nb)
        assert links and set(links) == {colab_url(owner, name, f"v{VERSION}", f"notebooks/{path.name}")}, path.name


def test_pin_script_repins_a_stale_notebook(tmp_path):
    for path in NOTEBOOKS:
        shutil.copy(path, tmp_path / path.name)
    stale = tmp_path / NOTEBOOKS[0].name
    stale.write_text(stale.read_text().replace(f"@v{VERSION}", "@v0.0.1"))
    run = lambda *args: subprocess.run([sys.executable, str(PIN_SCRIPT), *args, str(tmp_path)],  # noqa: E731
                                       capture_output=True, text=True)
    check = run("--check")
    assert check.returncode == 1 and stale.name in check.stdout and "@v0.0.1" in stale.read_text()
    assert run().returncode == 0
    assert all((tmp_path / p.name).read_bytes() == p.read_bytes() for p in NOTEBOOKS)
    assert run("--check").returncode == 0


# ----------------------------------------------------------------------------- the built archives

def package_files():
    """Every file under rnnlab/ (modules, tables, corpora and their README), as paths inside the package."""
    return {p.relative_to(ROOT).as_posix() for p in (ROOT / "rnnlab").rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def archives(tmp_path_factory):
    folder = os.environ.get("RNNLAB_DIST_DIR")
    if not folder:
        pytest.importorskip("build")
        folder = tmp_path_factory.mktemp("dist")
        result = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(folder), str(ROOT)],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    (sdist,) = Path(folder).glob(f"rnnlab-{VERSION}.tar.gz")
    (wheel,) = Path(folder).glob(f"rnnlab-{VERSION}-py3-none-any.whl")
    return sdist, wheel


def test_archives_hold_every_package_file(archives):
    sdist, wheel = archives
    expected = package_files()
    assert {"rnnlab/tables/maps.csv", "rnnlab/tables/maps.json", "rnnlab/corpora/tinyshakespeare.txt"} <= expected
    with zipfile.ZipFile(wheel) as zf:
        in_wheel = set(zf.namelist())
        entry_points = zf.read(f"rnnlab-{VERSION}.dist-info/entry_points.txt").decode()
    assert not expected - in_wheel, f"missing from the wheel: {sorted(expected - in_wheel)}"
    stale = {n for n in in_wheel if n.startswith("rnnlab/")} - expected   # e.g. left in build/lib by an older build
    assert not stale, f"in the wheel but not in the package: {sorted(stale)}"
    # the wheel is what students install: the package and its metadata, no tests, instructor files or tools
    assert {n.split("/")[0] for n in in_wheel} == {"rnnlab", f"rnnlab-{VERSION}.dist-info"}
    assert "rnnlab = rnnlab.cli:main" in entry_points
    prefix = f"rnnlab-{VERSION}/"
    with tarfile.open(sdist) as tf:
        in_sdist = {m.name.removeprefix(prefix) for m in tf.getmembers() if m.isfile()}
    assert not expected - in_sdist, f"missing from the sdist: {sorted(expected - in_sdist)}"
    assert {"pyproject.toml", "README.md", "LICENSE"} <= in_sdist
    # nothing beside the package: tests/ holds working solutions of the exercises (the self-checks' tests)
    assert not any(n.startswith(("instructor/", "notebooks/", "tests/", "benchmarks/", "tools/")) for n in in_sdist)
