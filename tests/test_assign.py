"""`rnnlab assign`: graded assignments for nbgrader and otter-grader.

Fast tests check the conversion on a tiny fixture (tests/fixtures/assign: a notebook and an instructor folder in
the repository's format) and on the real notebooks, and every refused input. The tests marked ``graders`` run the
real tools in a throw-away venv (nbgrader and otter pin Jupyter packages, so they never go into the main env):
``nbgrader generate_assignment`` + ``autograde`` and ``otter assign`` + ``otter run``, grading the instructor's
solutions (full marks), the untouched stubs (0) and every cheat of ``instructor/cheats/`` (0 for its question).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import nbformat
import pytest
from filelock import FileLock

from rnnlab.cli import main
from rnnlab.instructor.assign import GRADERS, build_assignment, load_exercises, merge_stub_and_solution
from rnnlab.instructor.fresh import grade_exercise
from rnnlab.instructor.tags import CHECK_TAG, SOLUTION_TAG

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "assign"
NOTEBOOKS, INSTRUCTOR = FIXTURE / "notebooks", FIXTURE / "instructor"
PINS = (ROOT / ".ci" / "pins.txt").read_text().splitlines()
TORCH_PIN, JAX_PIN = (next(line for line in PINS if line.startswith(name)) for name in ("torch==", "jax[cpu]=="))
GRADERS_EXTRA = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["graders"]
# Keras (on JAX) too: instructor/honest/ holds Keras answers, which must get full marks where grading runs
GRADER_REQUIREMENTS = [*GRADERS_EXTRA, TORCH_PIN, JAX_PIN, "keras", "numpy"]
VENV_TIMEOUT = 1800


def digest(folder):
    return {p.relative_to(folder): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def export(tmp_path, to, **kwargs):
    before = digest(FIXTURE)
    [path] = build_assignment(NOTEBOOKS, tmp_path / to, to=to, instructor=INSTRUCTOR, **kwargs)
    assert digest(FIXTURE) == before, "exporting must not modify the sources"
    return nbformat.read(path, as_version=4)


def strip_region(source, begin, end, stub):
    """What the grader does to a solution region: replace it with its stub."""
    out, inside = [], False
    for line in source.split("\n"):
        if line.strip() == begin:
            inside = True
            out.append(line.replace(begin, stub))
        elif line.strip() == end:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)


# ------------------------------------------------------------------------------------------------ nbgrader format

def test_nbgrader_cells_metadata_and_points(tmp_path):
    nb = export(tmp_path, "nbgrader")
    coding, discussion = load_exercises(INSTRUCTOR)
    meta = [c.metadata["nbgrader"] for c in nb.cells]
    assert all(m["schema_version"] == 3 for m in meta), "every cell carries nbgrader's schema version 3"
    ids = [m["grade_id"] for m in meta]
    assert len(ids) == len(set(ids)), ids
    by_id = {m["grade_id"]: (c, m) for c, m in zip(nb.cells, meta)}
    for ex in coding:
        answer, m = by_id[ex.name]
        assert (m["solution"], m["grade"], m["locked"]) == (True, False, False)
        lines = [line.strip() for line in answer.source.split("\n")]
        assert lines[0].startswith(f"def {ex.name}(") and "### BEGIN SOLUTION" in lines and "### END SOLUTION" in lines
        test, m = by_id[f"test-{ex.name}"]
        assert (m["grade"], m["locked"], m["points"], m["solution"]) == (True, True, ex.points, False)
        hidden = test.source.split("### BEGIN HIDDEN TESTS\n", 1)[1].split("\n### END HIDDEN TESTS")[0]
        assert hidden.startswith("raise AssertionError(") and "nbgrader_config.py" in hidden, \
            "the grade cell fails unless rnnlab's preprocessor replaces its result"
        assert not any(line.strip() and line.strip() in test.source for line in ex.tests.split("\n")[1:]
                       if len(line.strip()) > 20), "no line of the hidden test is in the notebook"
        check, m = by_id[f"check-{ex.name}"]
        assert m["locked"] and not m["grade"] and check.outputs == []
    for ex in discussion:
        cell, m = by_id[f"answer-{ex.id}"]
        assert cell.cell_type == "markdown" and (m["grade"], m["solution"], m["points"]) == (True, True, ex.points)
        assert ex.answer in cell.source and cell.source.startswith(f"**Your answer to exercise {ex.id}**")
        assert "\n### BEGIN SOLUTION\n" in cell.source, "the release keeps the label, nbgrader clears the region"
    others = [m for m in meta if not (m["grade"] or m["solution"]) and not m["grade_id"].startswith("check-")]
    assert others and all(m["locked"] for m in others), "every other cell is read-only"
    assert not any(SOLUTION_TAG in c.metadata.get("tags", []) for c in nb.cells)


def test_merged_cell_runs_the_solution_and_its_stripped_form_raises(tmp_path):
    nb = export(tmp_path, "nbgrader")
    answer = next(c for c in nb.cells if c.metadata["nbgrader"]["grade_id"] == "batches")
    namespace = {}
    exec(answer.source, namespace)             # the helper import of the solution cell moved inside the region
    assert namespace["batches"](10, 4) == 3
    student = strip_region(answer.source, "### BEGIN SOLUTION", "### END SOLUTION", "raise NotImplementedError()")
    exec(student, namespace)
    with pytest.raises(NotImplementedError):
        namespace["batches"](10, 4)
    assert "math.ceil" not in student and '"""How many batches' in student
    stub = next(c for c in nbformat.read(NOTEBOOKS / "01_tiny.ipynb", as_version=4).cells if "def batches(" in c.source
                and "NotImplementedError" in c.source)
    hint = next(line for line in stub.source.split("\n") if "raise NotImplementedError" in line)
    assert hint in student, "the release keeps the stub's hint (after the region nbgrader empties)"


def test_fresh_grading_passes_the_solutions_and_fails_the_cheats():
    """The hidden tests run in a fresh process on the submitted cells: a narrative definition the solution uses
    comes along, a demo line reading a narrative variable is skipped."""
    coding, _ = load_exercises(INSTRUCTOR)
    narrative = "import numpy as np\n\ndef clip_negative(v):\n    return np.maximum(v, 0.0)\n\nheavy = 1\n"
    for ex in coding:
        solution = (INSTRUCTOR / "solutions" / f"{ex.name}.py").read_text() + "\nprint(undefined_variable)\n"
        verdict = grade_exercise(ex.name, ex.tests, [narrative, solution], timeout=60)
        assert verdict.passed, verdict
        cheats = sorted((INSTRUCTOR / "cheats" / ex.name).glob("*.py"))
        assert cheats
        for cheat in cheats:
            verdict = grade_exercise(ex.name, ex.tests, [narrative, cheat.read_text()], timeout=60)
            assert not verdict.passed and verdict.message, (cheat.name, verdict)


def test_merge_keeps_the_stub_raise_for_otter_only_when_the_solution_returns():
    stub = 'def f(x):\n    """Doc."""\n    # hint line\n    raise NotImplementedError("hint")\n'
    returns = "import math\n\ndef f(x):\n    y = math.sqrt(x)\n    return y\n\nprint(f(4))\n"
    merged = merge_stub_and_solution(stub, returns, "f", begin="# BEGIN SOLUTION", end="# END SOLUTION",
                                     keep_stub_raise=True)
    assert merged.split("\n") == ['def f(x):', '    """Doc."""', '    # hint line', '    # BEGIN SOLUTION',
                                  '    import math', '    y = math.sqrt(x)', '    return y', '    # END SOLUTION',
                                  '    raise NotImplementedError("hint")']
    demo = "SCALE = 2\n\ndef f(x):\n    return SCALE * x\n\nx, out = 3, []\nout.append(f(x))\n"
    merged = merge_stub_and_solution(stub, demo, "f", begin="# BEGIN SOLUTION", end="# END SOLUTION")
    assert "SCALE = 2" in merged and "x, out" not in merged, "demo lines binding a parameter's name stay out"
    with pytest.raises(ValueError, match="must define `def g\\(...\\)` whose body raises NotImplementedError"):
        merge_stub_and_solution(stub, demo, "g", begin="#", end="#")
    with pytest.raises(TypeError, match="name must be a string"):
        merge_stub_and_solution(stub, demo, None, begin="#", end="#")
    falls_through = "def f(x):\n    print(x)\n"
    merged = merge_stub_and_solution(stub, falls_through, "f", begin="# BEGIN SOLUTION", end="# END SOLUTION",
                                     keep_stub_raise=True)
    assert "raise NotImplementedError" not in merged


# --------------------------------------------------------------------------------------------------- otter format

def test_otter_assignment_config_questions_and_tests(tmp_path):
    nb = export(tmp_path, "otter")
    coding, discussion = load_exercises(INSTRUCTOR)
    config = nb.cells[0]
    assert config.cell_type == "raw" and config.source.startswith("# ASSIGNMENT CONFIG")
    for line in ("runs_on: colab", "  files: true", "generate: true", "plugins:"):
        assert line in config.source.split("\n")
    plugin = config.source.split("\nplugins:\n", 1)[1]
    name, settings = plugin.removeprefix("  - ").split(": ", 1)
    assert name == "rnnlab.instructor.otter_grading.GradeOutsideTheKernel"
    assert [e["tests"] for e in json.loads(settings)["exercises"]] == [ex.tests for ex in coding], \
        "the hidden tests travel in the plugin's configuration (JSON, which YAML reads as it is), word for word"
    raws = [c.source for c in nb.cells if c.cell_type == "raw"]
    for ex in coding:
        assert f"# BEGIN QUESTION\nname: {ex.name}\npoints: {int(ex.points)}" in raws
        i = next(i for i, c in enumerate(nb.cells) if c.source.startswith(f"# BEGIN QUESTION\nname: {ex.name}\n"))
        block = [c.source for c in nb.cells[i:i + 9]]
        assert block[1] == "# BEGIN SOLUTION" and "# BEGIN SOLUTION\n" in block[2] and block[3] == "# END SOLUTION"
        assert block[4] == "# BEGIN TESTS" and block[7] == "# END TESTS" and block[8] == "# END QUESTION"
        assert "points: 0" in block[5] and f"def test_self_check({ex.name}" in block[5]
        assert block[6].startswith("# HIDDEN\n") and "raise AssertionError(" in block[6]
        assert "def judge(" not in block[6] and "def drive(" not in block[6]
    for ex in discussion:
        assert any(r.startswith("# BEGIN QUESTION") and "manual: true" in r and f"points: {int(ex.points)}" in r
                   for r in raws)
    assert not any(c.cell_type == "code" and CHECK_TAG in c.metadata.get("tags", []) for c in nb.cells), \
        "the self-check becomes the public test"


def test_exercises_only_keeps_what_the_exercises_use(tmp_path):
    for to in GRADERS:
        nb = export(tmp_path / "eo", to, exercises_only=True)
        text = "\n".join(c.source for c in nb.cells)
        assert "def clip_negative" in text and "import numpy as np" in text
        assert "heavy" not in text, "a narrative computation the exercises do not use is left out"
        assert "## Exercises" in text and "# A tiny notebook" in text


@pytest.mark.parametrize("to", GRADERS)
def test_real_notebooks_export(tmp_path, to):
    instructor = ROOT / "instructor"
    if not instructor.is_dir():
        pytest.fail("instructor/ is missing: the graded export of the notebooks has nothing to read")
    written = build_assignment(ROOT / "notebooks", tmp_path, to=to, instructor=instructor)
    coding, discussion = load_exercises(instructor)
    cells = [c for p in written for c in nbformat.read(p, as_version=4).cells]
    text = "\n".join(c.source for c in cells)
    cell_text = "\n".join(c.source for c in cells if not c.source.startswith("# ASSIGNMENT CONFIG"))
    sources = "\n".join(c.source for p in sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
                        for c in nbformat.read(p, as_version=4).cells)
    for ex in coding:
        in_config = json.dumps(ex.tests, ensure_ascii=True) in text
        assert in_config == (to == "otter"), f"the hidden tests of {ex.name} are in otter's configuration only"
        assert not any(line.strip() in cell_text and line.strip() not in sources for line in ex.tests.split("\n")
                       if line.startswith("    ") and len(line.strip()) > 30), \
            f"no line of the hidden tests of {ex.name} is in a cell as code (beyond what the notebooks say)"
    for ex in discussion:
        assert ex.answer in text, f"the answer key of {ex.id} is in its answer cell"
    assert len(written) == len(list((ROOT / "notebooks").glob("[0-9]*.ipynb")))
    assert not any(SOLUTION_TAG in c.metadata.get("tags", []) for c in cells)
    assert "colab.research.google.com" not in text, "the sources' Colab links open the solutions: they must go"


# ---------------------------------------------------------------------------------------------------- bad input

def copy_fixture(tmp_path):
    shutil.copytree(FIXTURE, tmp_path / "src")
    return tmp_path / "src" / "notebooks", tmp_path / "src" / "instructor"


def refused(tmp_path, nbs, instructor, match, to="nbgrader"):
    before = digest(nbs.parent)
    with pytest.raises(ValueError, match=match):
        build_assignment(nbs, tmp_path / "out", to=to, instructor=instructor)
    assert not (tmp_path / "out").exists(), "nothing is written on refusal"
    assert digest(nbs.parent) == before
    code = main(["assign", str(nbs), "--to", to, "--instructor", str(instructor), "--out", str(tmp_path / "out")])
    assert code == 2 and not (tmp_path / "out").exists()


def edit_notebook(nbs, edit):
    path = nbs / "01_tiny.ipynb"
    nb = nbformat.read(path, as_version=4)
    edit(nb)
    nbformat.write(nb, path)


def test_unknown_grader(tmp_path, capsys):
    refused(tmp_path, NOTEBOOKS, INSTRUCTOR, "unknown grader 'gradescope': --to takes nbgrader or otter",
            to="gradescope")
    assert capsys.readouterr().err.strip().endswith("--to takes nbgrader or otter")


def test_solution_without_check(tmp_path):
    nbs, instructor = copy_fixture(tmp_path)
    edit_notebook(nbs, lambda nb: nb.cells[10].metadata.update(tags=[]))
    refused(tmp_path, nbs, instructor, r"exercise batches has a solution cell \(9\) but no check cell; add a code "
                                       r"cell tagged 'check'")


def test_coding_exercise_without_points(tmp_path):
    nbs, instructor = copy_fixture(tmp_path)
    toml = instructor / "exercises.toml"
    toml.write_text(toml.read_text().replace("points = 1\ntests", "tests", 1))
    refused(tmp_path, nbs, instructor, r"\[\[coding\]\] #2 \(01-2, batches\) has no points; add `points = N")


def test_stub_not_listed_in_exercises_toml(tmp_path):
    nbs, instructor = copy_fixture(tmp_path)
    toml = instructor / "exercises.toml"
    text = toml.read_text()
    toml.write_text(text[:text.index("[[coding]]\nid = \"01-2\"")] + text[text.index("[[discussion]]"):])
    refused(tmp_path, nbs, instructor, "the coding exercise batches .* is not in exercises.toml; add a "
                                       r"\[\[coding\]\] entry")


@pytest.mark.parametrize("what, edit, match", [
    ("notebook", lambda t: t.replace('notebook = "01_tiny.ipynb"\nname = "relu"', 'notebook = "09.ipynb"\nname = "relu"'),
     "names the notebook 09.ipynb, which is not in"),
    ("function", lambda t: t.replace('name = "relu"', 'name = "leaky_relu"'),
     "lists the coding exercise 01-1 \\(leaky_relu\\), but the notebook has no stub cell defining leaky_relu"),
    ("tests file", lambda t: t.replace("tests/relu.py", "tests/gone.py"), "the hidden-test file .*gone.py is missing"),
    ("answer key", lambda t: t.replace("answers/01-3.md", "answers/none.md"), "the answer key .*none.md is missing"),
])
def test_missing_instructor_file_or_exercise(tmp_path, what, edit, match):
    nbs, instructor = copy_fixture(tmp_path)
    toml = instructor / "exercises.toml"
    toml.write_text(edit(toml.read_text()))
    refused(tmp_path, nbs, instructor, match)


def test_missing_instructor_folder(tmp_path):
    refused(tmp_path, NOTEBOOKS, tmp_path / "nowhere", "no such instructor folder; pass --instructor")
    (tmp_path / "empty").mkdir()
    refused(tmp_path, NOTEBOOKS, tmp_path / "empty", "exercises.toml: missing")


def test_existing_output_needs_force(tmp_path):
    export(tmp_path, "otter")
    with pytest.raises(ValueError, match="--force"):
        export(tmp_path, "otter")
    export(tmp_path, "otter", force=True)


# ------------------------------------------------------------------------------------- the real graders (slow)

def _env(venv):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "JUPYTER"))}
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}", PYTHONNOUSERSITE="1", OMP_NUM_THREADS="1",
               MPLBACKEND="Agg", PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    return env


def _sh(command, env, timeout=VENV_TIMEOUT, cwd=None):
    # run outside the checkout: a Python started in it would import ./rnnlab instead of the installed one
    done = subprocess.run([str(c) for c in command], env=env, capture_output=True, text=True, timeout=timeout,
                          cwd=cwd or tempfile.gettempdir())
    if done.returncode:
        pytest.fail(f"{' '.join(map(str, command))} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done


@pytest.fixture(scope="session")
def graders_python():
    """Python of a venv with nbgrader, otter-grader, CPU torch and rnnlab installed from this checkout (not
    editable): made once per set of requirements; rnnlab is reinstalled whenever its sources change."""
    key = hashlib.sha256("\n".join([sys.version, *GRADER_REQUIREMENTS]).encode()).hexdigest()[:12]
    venv = Path(tempfile.gettempdir()) / f"rnnlab-graders-{key}"
    python, env = venv / "bin" / "python", _env(venv)
    sources = [ROOT / "pyproject.toml", *sorted((ROOT / "rnnlab").rglob("*")), ]
    stamp = hashlib.sha256(b"".join(p.read_bytes() for p in sources if p.is_file() and "__pycache__" not in p.parts))
    with FileLock(f"{venv}.lock"):   # one build at a time across pytest processes
        if not (venv / ".complete").exists():
            shutil.rmtree(venv, ignore_errors=True)
            _sh([sys.executable, "-m", "venv", venv], env)
            _sh([python, "-m", "pip", "install", "--quiet", *GRADER_REQUIREMENTS], env)
            (venv / ".complete").write_text(" ".join(GRADER_REQUIREMENTS) + "\n")
        if not (venv / ".rnnlab").exists() or (venv / ".rnnlab").read_text() != stamp.hexdigest():
            with tempfile.TemporaryDirectory() as build:   # a copy, so pip's build never writes into the checkout
                for name in ("pyproject.toml", "README.md", "LICENSE"):
                    shutil.copy(ROOT / name, Path(build) / name)
                shutil.copytree(ROOT / "rnnlab", Path(build) / "rnnlab", ignore=shutil.ignore_patterns("__pycache__"))
                _sh([python, "-m", "pip", "install", "--quiet", "--force-reinstall", "--no-deps", build], env)
                _sh([python, "-m", "pip", "install", "--quiet", build], env)
            (venv / ".rnnlab").write_text(stamp.hexdigest())
    done = _sh([python, "-c", "import rnnlab, nbgrader, otter, torch; print(rnnlab.__file__, nbgrader.__version__, "
                "otter.__version__, torch.__version__)"], env)
    assert "/site-packages/rnnlab/" in done.stdout, done.stdout
    print(f"graders venv: {done.stdout.strip()}")
    return python


def hidden_lines(coding):
    """The lines of the hidden tests that say something of their own (not blank, not a bare keyword or bracket)."""
    return {line.strip() for ex in coding for line in ex.tests.split("\n")
            if len(line.strip()) > 25 and not line.strip().startswith(("#", '"""'))}


def grade_matrix(python, grader, notebooks, instructor, tmp_path):
    exported = tmp_path / "exported"
    build_assignment(notebooks, exported, to=grader, instructor=instructor, exercises_only=True)
    coding, discussion = load_exercises(instructor)
    cheat_files = {ex.name: sorted(p.name for p in (instructor / "cheats" / ex.name).glob("*.py")) for ex in coding}
    started = time.monotonic()
    done = _sh([python, ROOT / "tests" / "assign_graders.py", grader, exported, instructor, tmp_path / "work"],
               _env(python.parent.parent), timeout=3600)
    scores = json.loads(done.stdout.strip().splitlines()[-1])
    seconds = scores.pop("_seconds")
    print(f"{grader} on {notebooks.relative_to(ROOT)}: graded in {time.monotonic() - started:.0f} s; seconds per "
          f"submission: {json.dumps({k: round(v, 1) for k, v in seconds.items()})}")
    cheats, honest, handout = scores.pop("_cheats"), scores.pop("_honest", {}), scores.pop("_student_text")
    feedback = scores.pop("_feedback", "")
    for leak in ("def judge(", "def drive(", "BEGIN SOLUTION", "BEGIN HIDDEN TESTS", *(d.answer for d in discussion)):
        assert leak not in handout, f"{grader}'s student version holds {leak[:60]!r}"
    for line in hidden_lines(coding):
        assert line not in handout, f"{grader}'s student version holds the hidden test line {line!r}"
        assert line not in feedback, f"nbgrader's feedback holds the hidden test line {line!r}"
    if grader == "nbgrader":
        assert "is not implemented yet" in feedback, "the feedback names what failed"
        assert "graded outside the notebook" not in feedback, "the feedback leaves out the grade cells' hidden part"
    matrix = {}
    for ex in coding:
        got, full = scores["correct"][ex.name]
        assert got == full == ex.points, f"{grader}: the solution of {ex.name} scored {got} of {full}"
        assert scores["stub"][ex.name][0] == 0, f"{grader}: the stub of {ex.name} scored {scores['stub'][ex.name]}"
        matrix[ex.name] = {"correct": got, "stub": scores["stub"][ex.name][0]}
        graded = sorted(files[ex.name] for files in cheats.values() if ex.name in files)
        assert graded == cheat_files[ex.name], f"every cheat of {ex.name} is graded: {graded}"
        for submission, files in cheats.items():
            if ex.name in files:
                score = scores[submission][ex.name][0]
                assert score == 0, f"{grader}: the cheat {ex.name}/{files[ex.name]} scored {score}"
                matrix[ex.name][files[ex.name]] = score
        for submission, files in honest.items():
            if ex.name in files:
                score = scores[submission][ex.name][0]
                assert score == ex.points, f"{grader}: the honest answer {ex.name}/{files[ex.name]} scored {score}"
                matrix[ex.name][files[ex.name]] = score
    print(json.dumps(matrix))
    return matrix


@pytest.mark.slow
@pytest.mark.graders
@pytest.mark.parametrize("grader", GRADERS)
def test_graders_score_fixture(graders_python, grader, tmp_path):
    grade_matrix(graders_python, grader, NOTEBOOKS, INSTRUCTOR, tmp_path)


@pytest.mark.slow
@pytest.mark.graders
@pytest.mark.parametrize("grader", GRADERS)
def test_graders_score_the_series(graders_python, grader, tmp_path):
    if not (ROOT / "instructor").is_dir():
        pytest.fail("instructor/ is missing: nothing to grade the notebooks with")
    grade_matrix(graders_python, grader, ROOT / "notebooks", ROOT / "instructor", tmp_path)


@pytest.mark.slow
@pytest.mark.graders
def test_nbgrader_releases_the_full_notebooks_without_answers(graders_python, tmp_path):
    """Without --exercises-only (what an instructor hands out): nbgrader accepts every cell's metadata, and its
    release holds no solution region, hidden test or answer key."""
    build_assignment(ROOT / "notebooks", tmp_path / "source" / "ps1", to="nbgrader", instructor=ROOT / "instructor")
    (tmp_path / "nbgrader_config.py").write_text('c = get_config()\nc.CourseDirectory.course_id = "rnnlab"\n')
    _sh(["nbgrader", "generate_assignment", "ps1"], _env(graders_python.parent.parent), cwd=tmp_path)
    released = sorted((tmp_path / "release" / "ps1").glob("*.ipynb"))
    assert [p.name for p in released] == sorted(p.name for p in (ROOT / "notebooks").glob("[0-9]*.ipynb"))
    text = "\n".join(c.source for p in released for c in nbformat.read(p, as_version=4).cells)
    _, discussion = load_exercises(ROOT / "instructor")
    for leak in ("def judge(", "def drive(", "BEGIN SOLUTION", *(d.answer for d in discussion)):
        assert leak not in text, leak[:60]
    assert text.count("raise NotImplementedError()") >= 5
