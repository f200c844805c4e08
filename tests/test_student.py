"""Student notebooks built from the one source: no solution leaks, everything else intact, valid, runnable,
and the command's bad inputs answered in one line without touching the sources."""
import ast
import hashlib
import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from rnnlab.cli import main
from rnnlab.student import ANSWER_OUTPUT_TAG, SOLUTION_TAG, build_student_notebooks

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9]*.ipynb"))
EXERCISES_HEADING = re.compile(r"^#+\s*Exercises\b", re.M)


def digest(paths):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def is_solution(cell):
    return SOLUTION_TAG in cell.metadata.get("tags", [])


def exercises_start(nb):
    return next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and EXERCISES_HEADING.search(c.source))


def output_texts(cell):
    """Every piece of text or data an output of ``cell`` holds (stream text, tracebacks, every MIME bundle)."""
    texts = []
    for out in cell.get("outputs", []):
        if "text" in out:
            texts.append(out.text)
        texts.extend("\n".join(v) if isinstance(v, list) else str(v) for v in out.get("data", {}).values())
        texts.extend(out.get("traceback", []))
    return texts


def lines(texts):
    return {line.strip() for text in texts for line in text.splitlines() if line.strip()}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    before = digest(NOTEBOOKS)
    out = tmp_path_factory.mktemp("student")
    written = build_student_notebooks(NOTEBOOK_DIR, out)
    assert digest(NOTEBOOKS) == before, "building student notebooks must not modify the sources"
    assert [p.name for p in written] == [p.name for p in NOTEBOOKS]
    return {p.name: (nbformat.read(p, as_version=4), nbformat.read(out / p.name, as_version=4)) for p in NOTEBOOKS}


@pytest.mark.parametrize("name", [p.name for p in NOTEBOOKS])
def test_no_solution_leaks(built, name):
    source, student = built[name]
    solutions = [c for c in source.cells if is_solution(c)]
    assert solutions, f"{name} has no solution cells"
    others = [c for c in source.cells if not is_solution(c)]
    # Lines a solution shares with the rest of the source (a stub's `def` line, a blank line) are not solution text.
    shared_code = lines(c.source for c in others)
    shared_output = lines(t for c in others for t in output_texts(c))
    student_code = lines(c.source for c in student.cells)
    student_output = lines(t for c in student.cells for t in output_texts(c))
    student_everything = student_code | student_output
    leaked_code = (lines(c.source for c in solutions) - shared_code) & student_everything
    assert not leaked_code, f"solution lines in the student {name}: {sorted(leaked_code)[:3]}"
    solution_outputs = lines(t for c in solutions for t in output_texts(c))
    assert solution_outputs, f"{name}: the solution cells have no stored outputs to test against"
    leaked_output = (solution_outputs - shared_output - shared_code) & student_everything
    assert not leaked_output, f"solution outputs in the student {name}: {sorted(leaked_output)[:3]}"
    assert not any(is_solution(c) for c in student.cells)


@pytest.mark.parametrize("name", [p.name for p in NOTEBOOKS])
def test_everything_else_intact_and_valid(built, name):
    source, student = built[name]
    nbformat.validate(student)
    assert student.metadata == source.metadata and student.nbformat == source.nbformat
    kept = [c for c in source.cells if not is_solution(c)]
    assert len(student.cells) == len(kept)
    for original, copy in zip(kept, student.cells):
        if ANSWER_OUTPUT_TAG in original.metadata.get("tags", []):
            assert copy.outputs == [] and copy.source == original.source and copy.id == original.id
        else:
            assert copy == original
    # After the Exercises heading nothing shows an output: no "✅ Well done" the student has not earned yet.
    start = exercises_start(student)
    assert all(not c.get("outputs") for c in student.cells[start:])
    assert not any("✅" in t for c in student.cells for t in output_texts(c))


@pytest.mark.parametrize("name", [p.name for p in NOTEBOOKS])
def test_exercises_stubs_and_checks(built, name):
    source, student = built[name]
    start = exercises_start(source)
    items = re.findall(r"^\d+\.\s", source.cells[start].source[EXERCISES_HEADING.search(source.cells[start].source).end():], re.M)
    assert len(items) >= 3, f"{name} has {len(items)} exercises"
    stubs = [i for i, c in enumerate(source.cells) if i > start and c.cell_type == "code" and not is_solution(c)
             and "raise NotImplementedError" in c.source]
    assert stubs, f"{name} has no coding exercise"
    for i in stubs:
        tree = ast.parse(source.cells[i].source)                       # a stub parses
        assert all(isinstance(node, (ast.FunctionDef, ast.Import, ast.ImportFrom)) for node in tree.body)
        assert is_solution(source.cells[i + 1]), f"{name}: the cell after stub {i} is not its solution"
        function = tree.body[-1].name
        check_cells = [c for c in source.cells[i + 1:] if not is_solution(c) and f"({function})" in c.source
                       and "checks." in c.source]
        assert check_cells, f"{name}: no self-check cell for {function}"
        assert all(ANSWER_OUTPUT_TAG in c.metadata.get("tags", []) for c in check_cells)
        # The solution notebook passes its checks: the stored outputs (fresh top-to-bottom run) say so.
        outputs = "".join(t for c in check_cells for t in output_texts(c))
        assert "✅ Well done" in outputs and "❌" not in outputs, f"{name}: {function} fails its check: {outputs}"


def test_clear_outputs_option(tmp_path):
    (path,) = build_student_notebooks(NOTEBOOKS[0], tmp_path, clear_outputs=True)
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb.cells if c.cell_type == "code")
    assert not any(is_solution(c) for c in nb.cells)


# ----------------------------------------------------------------------------- the handout runs

def test_student_exercises_execute(built, tmp_path):
    """Run each student notebook's set-up cell and every cell from the Exercises heading on in a fresh kernel:
    the stubs define their functions without raising and each self-check answers "Not yet" instead of raising.
    (The narrative cells are the same as in the source notebooks, which `make test` runs under nbval.)"""
    nbclient = pytest.importorskip("nbclient")
    for name, (_, student) in built.items():
        setup = next(c for c in student.cells if c.cell_type == "code")
        part = nbformat.v4.new_notebook(metadata=student.metadata,
                                        cells=[setup] + student.cells[exercises_start(student):])
        client = nbclient.NotebookClient(part, timeout=300, kernel_name="python3",
                                         resources={"metadata": {"path": str(tmp_path)}})
        client.execute()   # raises CellExecutionError on any unexpected error (cells tagged raises-exception may raise)
        outputs = [t for c in part.cells for t in output_texts(c)]
        checks_said = [t for t in outputs if "Not yet" in t or "Well done" in t]
        assert checks_said and all("❌ Not yet:" in t and "not implemented yet" in t for t in checks_said), (name, outputs)
        assert not any(o.output_type == "error" for c in part.cells for o in c.get("outputs", [])), name
        assert not any("Traceback" in t for t in outputs), (name, outputs)


@pytest.mark.skipif(not os.environ.get("RNNLAB_STUDENT_NBVAL"), reason="set RNNLAB_STUDENT_NBVAL=1: runs the "
                    "whole student notebooks under nbval (several minutes)")
def test_student_notebooks_under_nbval(tmp_path):
    import subprocess
    import sys

    build_student_notebooks(NOTEBOOK_DIR, tmp_path)
    result = subprocess.run([sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-sanitize-with",
                             str(NOTEBOOK_DIR / "nbval_sanitize.cfg"), "--nbval-current-env", "-p", "no:cacheprovider",
                             "-q", str(tmp_path)],
                            capture_output=True, text=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert result.returncode == 0, result.stdout[-3000:]


# ----------------------------------------------------------------------------- bad input

@pytest.fixture
def sources(tmp_path):
    """A copy of the real notebooks, so that the error paths can be tried on them without any risk."""
    folder = tmp_path / "src"
    folder.mkdir()
    for p in NOTEBOOKS:
        shutil.copy(p, folder / p.name)
    return folder


def run_cli(capsys, *argv):
    code = main(["student", *map(str, argv)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_writes_student_notebooks(capsys, sources, tmp_path):
    code, out, err = run_cli(capsys, sources, "--out", tmp_path / "student")
    assert code == 0 and err == ""
    assert sorted(p.name for p in (tmp_path / "student").iterdir()) == [p.name for p in NOTEBOOKS]
    assert out.count("wrote ") == len(NOTEBOOKS)


def bad_inputs(folder, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not a notebook\n")
    not_json = tmp_path / "broken.ipynb"
    not_json.write_text("{ this is not json")
    bad_schema = tmp_path / "schema.ipynb"
    bad_schema.write_text('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, '
                          '"cells": [{"cell_type": "code", "source": "1", "id": "x"}]}')
    empty = tmp_path / "empty"
    empty.mkdir()
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    shutil.copy(folder / NOTEBOOKS[0].name, mixed / NOTEBOOKS[0].name)
    shutil.copy(bad_schema, mixed / "zz_invalid.ipynb")
    return {
        "not a notebook": (text, tmp_path / "o1"),
        "not a valid notebook": (not_json, tmp_path / "o2"),
        "not a valid notebook: The notebook is invalid": (bad_schema, tmp_path / "o3"),
        "no such notebook or folder": (tmp_path / "missing", tmp_path / "o4"),
        "holds no notebooks": (empty, tmp_path / "o5"),
        "is the source folder": (folder, folder),
        "is the source folder ": (folder / NOTEBOOKS[0].name, folder),
        "zz_invalid.ipynb: not a valid notebook": (mixed, tmp_path / "o6"),
        "must be a folder": (folder, text),
    }


def test_cli_bad_input(capsys, sources, tmp_path):
    before = digest(sorted(sources.iterdir()))
    for message, (src, out) in bad_inputs(sources, tmp_path).items():
        existed = out.exists()
        code, stdout, err = run_cli(capsys, src, "--out", out)
        assert code == 2, message
        assert err.startswith("rnnlab: error: ") and err.count("\n") == 1, err
        assert message.strip() in err and (str(src) in err or str(out) in err), (message, err)
        assert existed or not out.exists(), f"{message}: nothing may be written"
    assert digest(sorted(sources.iterdir())) == before, "the source notebooks were modified"
    assert (tmp_path / "notes.txt").read_text() == "not a notebook\n"


def test_api_argument_types(tmp_path):
    with pytest.raises(TypeError, match="src must be a path"):
        build_student_notebooks(3, tmp_path)
    with pytest.raises(TypeError, match="out must be a folder path"):
        build_student_notebooks(NOTEBOOKS[0], None)
    with pytest.raises(TypeError, match="clear_outputs must be True or False"):
        build_student_notebooks(NOTEBOOKS[0], tmp_path, clear_outputs="yes")
