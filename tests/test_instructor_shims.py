"""rnnlab.instructor: the old module paths (rnnlab.student, rnnlab.assign, rnnlab.colab) still work for one
release, warning where the module went; the instructor libraries are imported only when needed, and a missing
one names the extra that installs it."""
import importlib
import subprocess
import sys

import nbformat
import pytest

import rnnlab
from rnnlab.cli import main
from rnnlab.instructor import colab
from rnnlab.instructor.student import build_student_notebooks

MOVED = {"rnnlab.student": "rnnlab.instructor.student", "rnnlab.assign": "rnnlab.instructor.assign",
         "rnnlab.colab": "rnnlab.instructor.colab"}
EXTRA = r'pip install "rnnlab\[instructor\]"'


def forget(old, monkeypatch):
    """Make the next import of ``old`` run the module again (undone after the test)."""
    monkeypatch.delitem(sys.modules, old, raising=False)
    if old.split(".")[1] in vars(rnnlab):   # not hasattr: rnnlab's __getattr__ would import rnnlab.student
        monkeypatch.delattr(rnnlab, old.split(".")[1])


@pytest.mark.parametrize("old, new", sorted(MOVED.items()))
def test_old_path_warns_and_reexports(old, new, monkeypatch):
    forget(old, monkeypatch)
    with pytest.warns(DeprecationWarning, match=rf"{old} has moved to {new}; import it from there"):
        shim = importlib.import_module(old)
    module = importlib.import_module(new)
    assert shim.__all__ == module.__all__ and module.__all__
    for name in module.__all__:
        assert getattr(shim, name) is getattr(module, name), name


def test_old_names_that_users_import_are_there(monkeypatch):
    for old in MOVED:
        forget(old, monkeypatch)
    with pytest.warns(DeprecationWarning):
        from rnnlab.assign import build_assignment, load_exercises, merge_stub_and_solution  # noqa: F401
        from rnnlab.colab import SETUP_TAG, check_install_spec, colab_url, remove_links  # noqa: F401
        from rnnlab.student import SOLUTION_TAG, build_student_notebooks as old_build
    assert old_build is build_student_notebooks and SOLUTION_TAG == "solution" and SETUP_TAG == "colab-setup"


def test_rnnlab_student_attribute_still_works(monkeypatch):
    forget("rnnlab.student", monkeypatch)
    with pytest.warns(DeprecationWarning, match="rnnlab.instructor.student"):
        assert rnnlab.student.build_student_notebooks is build_student_notebooks
    assert rnnlab.instructor.student.build_student_notebooks is build_student_notebooks


def test_importing_the_tools_imports_no_instructor_library_or_framework():
    code = ("import sys, rnnlab.instructor.student, rnnlab.instructor.assign, rnnlab.instructor.colab; "
            "print(sorted(m for m in ('nbformat', 'nbconvert', 'packaging', 'torch', 'keras', 'jax', 'tensorflow') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("module, spec", [("packaging.requirements", "rnnlab==0.1.0"),
                                          ("packaging.utils", "/content/rnnlab-0.1.0-py3-none-any.whl")])
def test_missing_packaging_names_the_extra(module, spec, monkeypatch):
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(ImportError, match=rf"^checking install \(--install\) needs packaging .*: {EXTRA}$"):
        colab.check_install_spec(spec)


@pytest.mark.parametrize("module", ["nbformat", "nbconvert.preprocessors"])
def test_missing_nbformat_or_nbconvert_names_the_extra(module, tmp_path, monkeypatch, capsys):
    src = tmp_path / "src"
    src.mkdir()
    nbformat.write(nbformat.v4.new_notebook(), src / "a.ipynb")
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(ImportError, match=rf"^building student notebooks needs nbconvert and nbformat .*: {EXTRA}$"):
        build_student_notebooks(src, tmp_path / "out")
    assert main(["student", str(src), "--out", str(tmp_path / "out")]) == 2
    assert 'pip install "rnnlab[instructor]"' in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
