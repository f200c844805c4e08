"""Student notebooks built from the one source: no solution leaks, everything else intact, valid, runnable,
and the command's bad inputs answered in one line without touching the sources."""
import ast
import copy
import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from rnnlab.cli import main
from rnnlab.instructor.colab import COLAB_URL, check_install_spec, colab_links, install_lines, install_spec, parse_repo
from rnnlab.instructor.student import build_student_notebooks
from rnnlab.instructor.tags import (ANSWER_OUTPUT_TAG, RUN_TRACE_FIELDS, SETUP_TAG, SOLUTION_TAG, WIDGET_STATE,
                                    WIDGET_VIEW)

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


def without_run_traces(cell):
    """``cell`` without what running it leaves: execution counts and timing metadata."""
    cell = copy.deepcopy(cell)
    for field in RUN_TRACE_FIELDS:
        cell.metadata.pop(field, None)
    if cell.cell_type == "code":
        cell.execution_count = None
        for output in cell.outputs:
            output.pop("execution_count", None)
    return cell


@pytest.mark.parametrize("name", [p.name for p in NOTEBOOKS])
def test_everything_else_intact_and_valid(built, name):
    source, student = built[name]
    nbformat.validate(student)
    assert student.nbformat == source.nbformat
    assert {k: v for k, v in student.metadata.items() if k != "widgets"} == \
        {k: v for k, v in source.metadata.items() if k != "widgets"}
    kept = [c for c in source.cells if not is_solution(c)]
    assert len(student.cells) == len(kept)
    for original, handout in zip(kept, student.cells):
        original, handout = without_run_traces(original), without_run_traces(handout)
        if ANSWER_OUTPUT_TAG in original.metadata.get("tags", []):
            assert handout.outputs == [] and handout.source == original.source and handout.id == original.id
        elif COLAB_URL.search(original.source):
            # The only change: the Open-in-Colab line goes (it would open the source, solutions included).
            dropped = [line for line in original.source.splitlines() if COLAB_URL.search(line)]
            assert dropped and not COLAB_URL.search(handout.source)
            assert [line for line in original.source.splitlines() if line not in dropped and line.strip()] == \
                [line for line in handout.source.splitlines() if line.strip()]
            assert {**handout, "source": ""} == {**original, "source": ""}
        else:
            assert handout == original
    # After the Exercises heading nothing shows an output: no "✅ Well done" the student has not earned yet.
    start = exercises_start(student)
    assert all(not c.get("outputs") for c in student.cells[start:])
    assert not any("✅" in t for c in student.cells for t in output_texts(c))


@pytest.mark.parametrize("name", [p.name for p in NOTEBOOKS])
def test_no_trace_of_the_run(built, name):
    """Counts run 1, 2, 3, … with no gap where a solution was; no timing metadata; no orphan widget state."""
    source, student = built[name]
    assert any(RUN_TRACE_FIELDS & set(c.metadata) for c in source.cells), "the source shows no run traces to remove"
    counts = [c.execution_count for c in student.cells if c.cell_type == "code" and c.execution_count is not None]
    assert counts == list(range(1, len(counts) + 1))
    for cell in student.cells:
        assert not RUN_TRACE_FIELDS & set(cell.metadata)
        for output in cell.get("outputs", []):
            if output.output_type == "execute_result":
                assert output.execution_count == cell.execution_count
    displayed = widget_views(student)
    state = student.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    assert set(displayed) <= set(state), "a displayed widget lost its state"
    assert set(state) == reachable_models(state, displayed)


def widget_views(nb):
    return [o.data[WIDGET_VIEW]["model_id"] for c in nb.cells for o in c.get("outputs", []) if WIDGET_VIEW in o.get("data", {})]


def reachable_models(state, roots):
    found, todo = set(), list(roots)
    while todo:
        model = todo.pop()
        if model in state and model not in found:
            found.add(model)
            todo += re.findall(r"IPY_MODEL_(\w+)", json.dumps(state[model]))
    return found


def widget_notebook():
    """A small notebook: a widget shown by the narrative (model a, which refers to b), one shown by a solution
    (c), one shown by nothing (d); the solution cell ran as cell 2 and a cell after it as cell 3."""
    nb = nbformat.v4.new_notebook()
    view = lambda model: nbformat.v4.new_output("display_data", data={WIDGET_VIEW: {"model_id": model, "version_major": 2,
                                                                                     "version_minor": 0}})
    timing = {"execution": {"iopub.execute_input": "2026-01-01T00:00:00Z"}}
    nb.cells = [nbformat.v4.new_code_cell("show(a)", execution_count=1, outputs=[view("a")], metadata=dict(timing)),
                nbformat.v4.new_code_cell("show(c)", execution_count=2, outputs=[view("c")],
                                          metadata={"tags": [SOLUTION_TAG], **timing}),
                nbformat.v4.new_code_cell("1 + 1", execution_count=3, metadata={"ExecuteTime": {"end_time": "x"}},
                                          outputs=[nbformat.v4.new_output("execute_result", data={"text/plain": "2"},
                                                                          execution_count=3)])]
    nb.metadata.widgets = {WIDGET_STATE: {"version_major": 2, "version_minor": 0, "state": {
        "a": {"state": {"children": ["IPY_MODEL_b"]}}, "b": {"state": {}}, "c": {"state": {}}, "d": {"state": {}}}}}
    return nb


def test_run_traces_of_a_small_notebook(tmp_path):
    src = tmp_path / "w.ipynb"
    nbformat.write(widget_notebook(), src)
    (path,) = build_student_notebooks(src, tmp_path / "out")
    nb = nbformat.read(path, as_version=4)
    assert [c.source for c in nb.cells] == ["show(a)", "1 + 1"]
    assert [c.execution_count for c in nb.cells] == [1, 2] and nb.cells[1].outputs[0].execution_count == 2
    assert all(not RUN_TRACE_FIELDS & set(c.metadata) for c in nb.cells)
    assert sorted(nb.metadata.widgets[WIDGET_STATE]["state"]) == ["a", "b"]
    (path,) = build_student_notebooks(src, tmp_path / "cleared", clear_outputs=True)
    nb = nbformat.read(path, as_version=4)
    assert "widgets" not in nb.metadata and all(c.execution_count is None and not c.outputs for c in nb.cells)
    assert all(not RUN_TRACE_FIELDS & set(c.metadata) for c in nb.cells)


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
    source = nbformat.read(NOTEBOOKS[2], as_version=4)
    assert WIDGET_STATE in source.metadata.get("widgets", {}), "notebook 03 was expected to store widget state"
    (path,) = build_student_notebooks(NOTEBOOKS[2], tmp_path, clear_outputs=True)
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb.cells if c.cell_type == "code")
    assert all(not RUN_TRACE_FIELDS & set(c.metadata) for c in nb.cells)
    assert "widgets" not in nb.metadata
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
    # without --repo the Open-in-Colab links go (they would open the solutions), and the CLI says so on one line
    assert code == 0 and err == (f"rnnlab: warning: removed the Open-in-Colab link of {len(NOTEBOOKS)} notebook(s) "
                                 f"({', '.join(p.name for p in NOTEBOOKS)}): as written it opens the source notebook, "
                                 "solutions included; give --repo OWNER/NAME[@REF] (the repository the handouts go to) "
                                 "to keep links that open the handouts\n")
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


# ----------------------------------------------------------------------------- Colab: links and install line

def setup_cell(nb):
    (cell,) = [c for c in nb.cells if SETUP_TAG in c.metadata.get("tags", [])]
    return cell


def as_python(source):
    """The set-up cell as the Python IPython runs (``!pip`` lines become calls), parsed: it must stay valid."""
    from IPython.core.inputtransformer2 import TransformerManager

    return ast.parse(TransformerManager().transform_cell(source))


def test_every_notebook_has_a_setup_cell_and_a_link():
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        assert len(install_lines(setup_cell(nb).source)) == 1, path.name
        assert colab_links(nb), f"{path.name} has no Open-in-Colab link"


def test_repo_points_links_and_install_at_the_fork(sources, tmp_path):
    before = digest(sorted(sources.iterdir()))
    out = tmp_path / "handouts"
    build_student_notebooks(sources, out, repo="alice/rnn-course@spring-2027", path="week1/handouts")
    for src in NOTEBOOKS:
        original, nb = nbformat.read(src, as_version=4), nbformat.read(out / src.name, as_version=4)
        assert colab_links(nb) == [f"https://colab.research.google.com/github/alice/rnn-course/blob/spring-2027/"
                                   f"week1/handouts/{src.name}"] * len(colab_links(original))
        assert install_spec(nb) == "rnnlab @ git+https://github.com/alice/rnn-course@spring-2027"
        changed = [(a, b) for a, b in zip(setup_cell(original).source.splitlines(), setup_cell(nb).source.splitlines())
                   if a != b]
        assert len(changed) == 1 and [m["spec"] for m in install_lines(changed[0][1])] == [
            "rnnlab @ git+https://github.com/alice/rnn-course@spring-2027"]
        as_python(setup_cell(nb).source)
    assert digest(sorted(sources.iterdir())) == before


def test_repo_without_ref_or_path(sources, tmp_path, monkeypatch):
    """REF defaults to main; the folder defaults to --out's place in the git work tree that holds it."""
    (tmp_path / "course" / ".git").mkdir(parents=True)
    out = tmp_path / "course" / "term 1" / "handouts"
    (path,) = build_student_notebooks(sources / NOTEBOOKS[0].name, out, repo="alice/course")
    nb = nbformat.read(path, as_version=4)
    assert colab_links(nb) == ["https://colab.research.google.com/github/alice/course/blob/main/"
                               f"term%201/handouts/{NOTEBOOKS[0].name}"]
    assert install_spec(nb) == "rnnlab @ git+https://github.com/alice/course@main"
    with pytest.raises(ValueError, match=r"not inside a git work tree.*--path"):
        build_student_notebooks(sources / NOTEBOOKS[0].name, tmp_path / "elsewhere", repo="alice/course")
    monkeypatch.chdir(tmp_path)   # a relative --out outside any git work tree is taken as the folder in the repository
    (path,) = build_student_notebooks(sources / NOTEBOOKS[0].name, "student", repo="alice/course@v1")
    assert colab_links(nbformat.read(path, as_version=4))[0].endswith(f"/blob/v1/student/{NOTEBOOKS[0].name}")


def test_install_alone_and_default(built, sources, tmp_path):
    spec = "https://example.org/wheels/rnnlab-0.1.0-py3-none-any.whl"
    for path in build_student_notebooks(sources, tmp_path / "a", install=spec):
        nb = nbformat.read(path, as_version=4)
        assert install_spec(nb) == spec and not colab_links(nb)
    for name, (source, student) in built.items():   # no option: the source's pinned install line, no link
        assert install_spec(student) == install_spec(source) and not colab_links(student), name


def test_no_colab_removes_link_and_install(sources, tmp_path):
    for path in build_student_notebooks(sources, tmp_path / "a", colab=False):
        nb = nbformat.read(path, as_version=4)
        setup = setup_cell(nb).source
        assert not colab_links(nb) and "colab" not in setup and "pip" not in setup and "import sys" not in setup
        as_python(setup)
        assert "import rnnlab" in setup


def test_missing_setup_cell_or_link(sources, tmp_path):
    nb = nbformat.read(sources / NOTEBOOKS[0].name, as_version=4)
    setup_cell(nb).metadata.tags.remove(SETUP_TAG)
    nbformat.write(nb, sources / NOTEBOOKS[0].name)
    for option in ({"repo": "alice/course"}, {"install": "rnnlab==0.1.0"}):
        with pytest.raises(ValueError, match=f"{NOTEBOOKS[0].name}: --(repo|install) needs exactly one code cell "
                                             f"tagged '{SETUP_TAG}'"):
            build_student_notebooks(sources, tmp_path / "out", **option, **({"path": "x"} if "repo" in option else {}))
        assert not (tmp_path / "out").exists()
    build_student_notebooks(sources, tmp_path / "out")   # without the options nothing is needed
    nb = nbformat.read(sources / NOTEBOOKS[1].name, as_version=4)
    nb.cells[0].source = COLAB_URL.sub("", nb.cells[0].source)
    nbformat.write(nb, sources / NOTEBOOKS[1].name)
    with pytest.raises(ValueError, match=f"{NOTEBOOKS[1].name}: --repo rewrites the Open-in-Colab link, and this "
                                         "notebook has none"):
        build_student_notebooks(sources / NOTEBOOKS[1].name, tmp_path / "out2", repo="alice/course", path="x")


GOOD_REPOS = {"alice/course": ("alice", "course", "main"), "a-b/c.d_e@v0.1.0": ("a-b", "c.d_e", "v0.1.0"),
              "Org9/rnnlab@feature/colab-links": ("Org9", "rnnlab", "feature/colab-links")}
BAD_REPOS = {"alice": "no '/'", "alice/": "repository name", "/course": "owner", "-alice/course": "owner",
             "al--ice/course": "owner", "alice/course/extra": "repository name", "alice/course.git": ".git",
             "https://github.com/alice/course": "not its URL", "alice/course@": "REF", "alice/course@a..b": "REF",
             "alice/course@v1.lock": "REF", "alice/course@.hidden": "REF", "alice/course@x y": "REF",
             "alice/course@#1": "REF", "alice/course@feature//x": "REF", "alice/co urse": "repository name"}


def test_parse_repo():
    for repo, expected in GOOD_REPOS.items():
        assert parse_repo(repo) == expected
    for repo, reason in BAD_REPOS.items():
        with pytest.raises(ValueError, match=r"^repo \(--repo\): .*" + re.escape(reason)):
            parse_repo(repo)
    with pytest.raises(TypeError, match="repo"):
        parse_repo(("alice", "course"))


GOOD_SPECS = ["rnnlab==0.1.0", "rnnlab>=0.1,<0.2", "rnnlab[torch]==0.1.0", "RnnLab == 0.1.0",
              "rnnlab==0.1.0; python_version >= '3.10'",
              "rnnlab @ git+https://github.com/alice/course@v0.1.0", "git+https://github.com/alice/course@v0.1.0",
              "https://github.com/alice/course/releases/download/v0.1.0/rnnlab-0.1.0-py3-none-any.whl",
              "rnnlab @ https://example.org/rnnlab-0.1.0.tar.gz", "/content/drive/MyDrive/rnnlab-0.1.0-py3-none-any.whl",
              "/content/drive/My Drive/rnnlab-0.1.0.tar.gz", "./rnnlab-0.1.0-py3-none-any.whl", "/content/rnnlab",
              "file:///content/rnnlab-0.1.0-py3-none-any.whl"]
BAD_SPECS = {"": "empty", "rnnlab=0.1.0": "pip would reject", "rnnlab==": "pip would reject",
             "rnnlab 0.1.0": "pip would reject", "rnnlab==0.1.0 --pre": "pip would reject",
             "rnnlab~=1": "pip would reject", "rnnlab!0.1": "pip would reject", "rnnlab[torch==0.1.0": "pip would reject",
             "numpy==1.26": "not rnnlab", "0.1.0": "not rnnlab", "-e .": "pip option",
             'rnnlab==0.1.0" && rm -rf ~ "': "would break", "rnnlab==$VERSION": "would break",
             "rnnlab @ https://x.org/{v}.whl": "would break", "https://example.org/download": "names neither",
             "ftp://example.org/rnnlab-0.1.0.tar.gz": "not a URL pip installs from",
             "https://example.org/other-1.0-py3-none-any.whl": "distribution of other",
             "./rnnlab-0.1.whl": "pip would reject", "rnnlab @ ftp://x.org/rnnlab-0.1.0.tar.gz": "not a URL",
             "git+https://github.com": "names no repository"}


def test_check_install_spec():
    for spec in GOOD_SPECS:
        assert check_install_spec(f"  {spec} ") == spec
    for spec, reason in BAD_SPECS.items():
        with pytest.raises(ValueError, match=r"^install \(--install\): .*" + re.escape(reason)):
            check_install_spec(spec)
    with pytest.raises(TypeError, match="install"):
        check_install_spec(["rnnlab==0.1.0"])


def test_install_spec_check_agrees_with_pip(tmp_path):
    """pip itself parses the requirement-style specs the same way: valid ones fail only for want of a
    distribution (no index here), invalid ones with pip's "Invalid requirement"."""
    import subprocess
    import sys

    requirements = [s for s in GOOD_SPECS if "/" not in s and "@" not in s]
    # pip before 24.1 (its packaging 21) still took "rnnlab==" for a legacy specifier; newer pips reject it too
    invalid = [s for s, reason in BAD_SPECS.items() if reason == "pip would reject" and "/" not in s and s != "rnnlab=="]
    assert len(requirements) >= 4 and len(invalid) >= 4
    for spec in requirements + invalid:
        result = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-index", "--find-links",
                                 str(tmp_path), "--dest", str(tmp_path), spec], capture_output=True, text=True,
                                env={**os.environ, "PIP_CONFIG_FILE": os.devnull, "PIP_FIND_LINKS": ""})
        assert result.returncode != 0, spec
        assert ("Invalid requirement" in result.stderr) == (spec in invalid), (spec, result.stderr[-500:])


def test_colab_options_conflicts(sources, tmp_path):
    for kwargs, message in [({"colab": False, "repo": "alice/course"}, r"--no-colab.*cannot be combined"),
                            ({"colab": False, "install": "rnnlab==0.1.0"}, r"--no-colab.*cannot be combined"),
                            ({"path": "student"}, r"path \(--path\).*give --repo too"),
                            ({"repo": "alice/course", "path": "../up"}, r"path \(--path\) must be a folder inside"),
                            ({"repo": "alice/course", "path": "/abs"}, r"path \(--path\) must be a folder inside")]:
        with pytest.raises(ValueError, match=message):
            build_student_notebooks(sources, tmp_path / "out", **kwargs)
        assert not (tmp_path / "out").exists()
    with pytest.raises(TypeError, match="colab must be True or False"):
        build_student_notebooks(sources, tmp_path / "out", colab="no")


def test_cli_colab_options(capsys, sources, tmp_path):
    before = digest(sorted(sources.iterdir()))
    code, out, err = run_cli(capsys, sources, "--out", tmp_path / "s", "--repo", "alice/course@v2", "--path", "s")
    assert code == 0 and err == "" and out.count("wrote ") == len(NOTEBOOKS)
    assert install_spec(nbformat.read(tmp_path / "s" / NOTEBOOKS[0].name, as_version=4)).endswith("alice/course@v2")
    for argv, option in [(["--repo", "alice"], "--repo"), (["--install", "rnnlab=1"], "--install"),
                         (["--no-colab", "--install", "rnnlab==0.1.0"], "--no-colab"),
                         (["--repo", "alice/x", "--path", "../x"], "--path")]:
        code, out, err = run_cli(capsys, sources, "--out", tmp_path / "bad", *argv)
        assert code == 2 and out == "" and err.startswith("rnnlab: error: ") and err.count("\n") == 1, err
        assert option in err and not (tmp_path / "bad").exists()
    assert digest(sorted(sources.iterdir())) == before


LINK_FORMS = {   # markdown → (after --repo, after removal)
    "Intro\n\n[Open in Colab]({url})": ("Intro\n\n[Open in Colab]({new})", "Intro"),
    "Intro\n\n[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({url})\n\nMore":
        ("Intro\n\n[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({new})\n\nMore",
         "Intro\n\nMore"),
    'Intro <a href="{url}" target="_parent"><img src="https://colab.research.google.com/assets/colab-badge.svg"/></a>':
        ('Intro <a href="{new}" target="_parent"><img src="https://colab.research.google.com/assets/colab-badge.svg"/></a>',
         "Intro"),
    "See [notebook 2 on Colab]({url}) first.": ("See [notebook 2 on Colab]({new}) first.", "See notebook 2 on Colab first."),
}


@pytest.mark.parametrize("form", LINK_FORMS)
def test_link_forms(form, tmp_path):
    """A link, a badge or an HTML anchor is pointed at the fork's copy of the notebook it names, or removed
    (a link inside a sentence keeps its text)."""
    url = "https://colab.research.google.com/github/rnnlab/rnnlab/blob/v0.1.0/notebooks/02_lstm_and_gru.ipynb"
    new = "https://colab.research.google.com/github/alice/course/blob/main/handouts/02_lstm_and_gru.ipynb"
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    nb.cells[0].source = form.format(url=url)
    src = tmp_path / NOTEBOOKS[0].name
    nbformat.write(nb, src)
    pointed, removed = LINK_FORMS[form]
    (path,) = build_student_notebooks(src, tmp_path / "a", repo="alice/course", path="handouts")
    assert nbformat.read(path, as_version=4).cells[0].source == pointed.format(new=new)
    (path,) = build_student_notebooks(src, tmp_path / "b")
    assert nbformat.read(path, as_version=4).cells[0].source == removed
