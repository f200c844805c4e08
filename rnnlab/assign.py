"""Graded assignments from the source notebooks, for nbgrader or otter-grader.

The source notebooks mark each coding exercise with three cells, by tag: ``stub`` (the student's
``def NAME(...)`` that raises ``NotImplementedError``), ``solution`` (the same function solved, plus demo lines)
and ``check`` (the self-check, ``passed = rnnlab.checks.NAME(NAME)``); each discussion exercise has a markdown
cell tagged ``answer`` whose ``metadata["rnnlab"]["exercise"]`` is its id. The folder ``instructor/`` (never
installed) holds ``exercises.toml`` (points, test files, answer keys) and the hidden tests ``tests/NAME.py``, each
defining ``grade(fn)``.

``build_assignment(src, out, to="nbgrader" | "otter", instructor=...)`` writes one notebook per source notebook:

- nbgrader: the stub's signature and docstring around the solution body in ``### BEGIN SOLUTION`` /
  ``### END SOLUTION`` (an autograded answer cell), the self-check kept read-only, then a locked grade cell
  worth the exercise's points whose ``### BEGIN HIDDEN TESTS`` part runs the test file's ``grade(NAME)``; each
  discussion answer cell becomes a manually graded answer holding the key; every other cell is locked.
- otter: a ``# ASSIGNMENT CONFIG`` cell (``runs_on: colab``, test files), and for each exercise a
  ``# BEGIN QUESTION`` block with the merged cell (``# BEGIN SOLUTION`` / ``# END SOLUTION``), a public test
  (the self-check, 0 points) and a ``# HIDDEN`` test worth the points; discussions become manual questions.

The hidden test file runs in a namespace of its own (``exec`` of its text), so its helpers never shadow the
student's names. With ``exercises_only=True`` the notebook keeps its title, one set-up cell (the imports and
the definitions the exercises use, taken from the narrative) and the exercises section: grading then costs
seconds instead of re-running every experiment of the narrative.

Everything is read and checked before anything is written; a refused run writes nothing, and the sources are
never modified (each output goes to a temporary file, then ``os.replace``). Command line:
``rnnlab assign notebooks/ --to nbgrader --instructor instructor/ --out graded/``.
"""
from __future__ import annotations

import ast
import builtins
import copy
import os
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

from ._validation import check_bool
from .colab import remove_links
from .student import _check_targets, _libraries, _read, _sources, _write_all

GRADERS = ("nbgrader", "otter")
STUB_TAG, SOLUTION_TAG, CHECK_TAG, ANSWER_TAG, ANSWER_OUTPUT_TAG = "stub", "solution", "check", "answer", "answer-output"
NBGRADER_SCHEMA_VERSION = 3


@dataclass(frozen=True)
class CodingExercise:
    id: str
    notebook: str
    name: str
    points: float
    tests: str         # the text of instructor/tests/NAME.py
    tests_path: Path


@dataclass(frozen=True)
class DiscussionExercise:
    id: str
    notebook: str
    points: float
    answer: str        # the answer key (markdown)


# --------------------------------------------------------------------------------------------- instructor files

def load_exercises(instructor):
    """The exercises of ``instructor/exercises.toml`` with their test files and answer keys read:
    ``(coding, discussion)``, two lists. Raises ValueError naming the entry and what to add or fix."""
    if isinstance(instructor, bool) or not isinstance(instructor, (str, os.PathLike)):
        raise TypeError(f"instructor must be a folder path (str or os.PathLike), got {type(instructor).__name__} "
                        f"{instructor!r}")
    folder = Path(instructor)
    if not folder.is_dir():
        raise ValueError(f"{folder}: no such instructor folder; pass --instructor with the folder that holds "
                         "exercises.toml, tests/ and answers/")
    toml_path = folder / "exercises.toml"
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib
    try:
        spec = tomllib.loads(toml_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"{toml_path}: missing; the instructor folder needs exercises.toml listing the "
                         "[[coding]] and [[discussion]] exercises") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{toml_path}: not readable TOML: {exc}") from None
    unknown = sorted(set(spec) - {"coding", "discussion"})
    if unknown:
        raise ValueError(f"{toml_path}: unknown table(s) {unknown}; only [[coding]] and [[discussion]] are read")
    coding = [_coding(entry, i, folder, toml_path) for i, entry in enumerate(_entries(spec, "coding", toml_path))]
    discussion = [_discussion(entry, i, folder, toml_path)
                  for i, entry in enumerate(_entries(spec, "discussion", toml_path))]
    for kind, items, key in (("coding", coding, "name"), ("coding", coding, "id"), ("discussion", discussion, "id")):
        seen = set()
        for item in items:
            if getattr(item, key) in seen:
                raise ValueError(f"{toml_path}: two [[{kind}]] entries have {key} = {getattr(item, key)!r}")
            seen.add(getattr(item, key))
    return coding, discussion


def _entries(spec, kind, toml_path):
    entries = spec.get(kind, [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ValueError(f"{toml_path}: {kind} must be an array of tables, written [[{kind}]]")
    return entries


def _field(entry, key, where, toml_path, kind=str):
    if key not in entry:
        what = "points = N (a positive number)" if key == "points" else f"{key} = ..."
        raise ValueError(f"{toml_path}: {where} has no {key}; add `{what}`")
    value = entry[key]
    if kind is str and (not isinstance(value, str) or not value.strip()):
        raise ValueError(f"{toml_path}: {where}: {key} must be a non-empty string, got {value!r}")
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise ValueError(f"{toml_path}: {where}: points must be a positive number, got {value!r}")
        value = float(value)
    return value


def _instructor_file(folder, relative, where, toml_path, what):
    path = folder / relative
    try:
        return path, path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(f"{toml_path}: {where}: the {what} {path} is missing; write it or fix the path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot read the {what}: {exc}") from None


def _coding(entry, i, folder, toml_path):
    where = f"[[coding]] #{i + 1} ({entry.get('id', '?')}, {entry.get('name', '?')})"
    ex_id, notebook, name = (_field(entry, k, where, toml_path) for k in ("id", "notebook", "name"))
    if not name.isidentifier():
        raise ValueError(f"{toml_path}: {where}: name must be a Python function name, got {name!r}")
    points = _field(entry, "points", where, toml_path, float)
    tests_path, tests = _instructor_file(folder, _field(entry, "tests", where, toml_path), where, toml_path,
                                         "hidden-test file")
    try:
        tree = ast.parse(tests, filename=str(tests_path))
    except SyntaxError as exc:
        raise ValueError(f"{tests_path}: not valid Python (line {exc.lineno}: {exc.msg})") from None
    if not any(isinstance(node, ast.FunctionDef) and node.name == "grade" for node in tree.body):
        raise ValueError(f"{tests_path}: defines no grade(fn); the hidden tests need `def grade(fn): ...`")
    return CodingExercise(ex_id, notebook, name, points, tests, tests_path)


def _discussion(entry, i, folder, toml_path):
    where = f"[[discussion]] #{i + 1} ({entry.get('id', '?')})"
    ex_id, notebook = (_field(entry, k, where, toml_path) for k in ("id", "notebook"))
    points = _field(entry, "points", where, toml_path, float)
    _, answer = _instructor_file(folder, _field(entry, "answer", where, toml_path), where, toml_path, "answer key")
    return DiscussionExercise(ex_id, notebook, points, answer.strip())


# ------------------------------------------------------------------------------------------------ cell parsing

def _tags(cell):
    return set(cell.metadata.get("tags", []))


def _parse(source, where):
    """The AST of a code cell; IPython magics and shell lines become ``pass`` so line numbers stay."""
    lines = [re.sub(r"^(\s*)[%!].*$", r"\1pass", line) for line in source.split("\n")]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError as exc:
        raise ValueError(f"{where}: not valid Python (line {exc.lineno}: {exc.msg})") from None


def _functions(tree):
    return {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}


def _raises_not_implemented(node):
    return isinstance(node, ast.Raise) and node.exc is not None and "NotImplementedError" in ast.dump(node.exc)


def _first_line(node):
    return min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])


def _segment(lines, node):
    return "\n".join(lines[_first_line(node) - 1:node.end_lineno])


def _bound(node):
    """Names a top-level statement binds: a def's or import's names, else every name stored anywhere inside."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del))}


def _loaded(node):
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _free(node):
    """Names ``node`` reads but never binds anywhere inside (parameters, locals, imports, defs): what it needs
    from the notebook's globals (an over-approximation is harmless, the slice only grows)."""
    bound = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    bound |= {a.arg for a in ast.walk(node) if isinstance(a, ast.arg)}
    for n in ast.walk(node):
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)) \
                and n is not node:
            bound |= _bound(n)
    return _loaded(node) - bound


@dataclass
class _Exercise:
    coding: CodingExercise
    stub: int
    solution: int
    check: int


def _find_exercises(path, nb, coding, discussion):
    """Pair every stub with its solution and check cell, and every answer cell with its discussion entry."""
    where = path.name
    listed = {c.name: c for c in coding if c.notebook == path.name}
    stubs, solutions, checks = {}, {}, {}
    for i, cell in enumerate(nb.cells):
        tags = _tags(cell)
        if cell.cell_type != "code" or not tags & {STUB_TAG, SOLUTION_TAG, CHECK_TAG}:
            continue
        tree = _parse(cell.source, f"{where}, cell {i}")
        if STUB_TAG in tags:
            names = [n for n, f in _functions(tree).items() if any(_raises_not_implemented(s) for s in f.body)]
            if len(names) != 1:
                raise ValueError(f"{where}, cell {i}: a stub cell must define one function whose body raises "
                                 f"NotImplementedError; found {len(names)}")
            stubs[names[0]] = i
        if SOLUTION_TAG in tags:
            for name in _functions(tree):
                if name in listed or name in stubs:
                    solutions.setdefault(name, i)
        if CHECK_TAG in tags:
            for name in re.findall(r"checks\.(\w+)\s*\(", cell.source) or _loaded(tree):
                checks.setdefault(name, i)
    for name, entry in listed.items():
        if name not in stubs:
            raise ValueError(f"{where}: exercises.toml lists the coding exercise {entry.id} ({name}), but the "
                             f"notebook has no stub cell defining {name}; fix the name or the notebook")
    exercises = []
    for name, stub in stubs.items():
        if name not in listed:
            raise ValueError(f"{where}: the coding exercise {name} (stub in cell {stub}) is not in exercises.toml; "
                             f"add a [[coding]] entry with notebook = {path.name!r}, name = {name!r} and its points")
        if name not in solutions:
            raise ValueError(f"{where}: the exercise {name} has a stub (cell {stub}) but no solution cell; "
                             f"add a code cell tagged {SOLUTION_TAG!r} that defines {name}")
    for name, solution in solutions.items():
        if name not in stubs:
            raise ValueError(f"{where}: the solution cell {solution} defines {name} but no cell tagged {STUB_TAG!r} "
                             "does; add the student's stub")
        if name not in checks:
            raise ValueError(f"{where}: the exercise {name} has a solution cell ({solution}) but no check cell; add "
                             f"a code cell tagged {CHECK_TAG!r} with `passed = rnnlab.checks.{name}({name})`")
        exercises.append(_Exercise(listed[name], stubs[name], solution, checks[name]))
    answers = {}
    ids = {d.id: d for d in discussion if d.notebook == path.name}
    for i, cell in enumerate(nb.cells):
        if ANSWER_TAG not in _tags(cell):
            continue
        ex_id = cell.metadata.get("rnnlab", {}).get("exercise")
        if cell.cell_type != "markdown" or not isinstance(ex_id, str):
            raise ValueError(f"{where}, cell {i}: an answer cell must be markdown with metadata "
                             "rnnlab.exercise set to the exercise id, e.g. \"01-2\"")
        if ex_id not in ids:
            raise ValueError(f"{where}, cell {i}: the discussion exercise {ex_id} is not in exercises.toml; add a "
                             f"[[discussion]] entry with id = {ex_id!r}, its points and its answer key")
        answers[i] = ids[ex_id]
    missing = sorted(set(ids) - {d.id for d in answers.values()})
    if missing:
        raise ValueError(f"{where}: exercises.toml lists the discussion exercise(s) {missing}, but the notebook has "
                         f"no markdown cell tagged {ANSWER_TAG!r} for them")
    return sorted(exercises, key=lambda e: e.stub), answers


# ---------------------------------------------------------------------------------------------- merged cells

def merge_stub_and_solution(stub_source, solution_source, name, *, begin, end, keep_stub_raise=False):
    """The stub cell with its ``raise NotImplementedError`` replaced by the solution's body between the lines
    ``begin`` and ``end`` (the imports and helpers of the solution cell that the function uses come first, inside
    the region). ``keep_stub_raise=True`` keeps the stub's raise after ``end`` when the solution body ends in a
    return or raise (otter replaces the region by ``...``, so the student version still raises)."""
    for value, label in ((stub_source, "stub_source"), (solution_source, "solution_source"), (name, "name"),
                         (begin, "begin"), (end, "end")):
        if not isinstance(value, str):
            raise TypeError(f"{label} must be a string, got {type(value).__name__} {value!r}")
    stub_lines, sol_lines = stub_source.split("\n"), solution_source.split("\n")
    stub_fn = _functions(_parse(stub_source, f"stub of {name}")).get(name)
    raise_stmt = next((s for s in stub_fn.body if _raises_not_implemented(s)), None) if stub_fn else None
    if raise_stmt is None:
        raise ValueError(f"the stub cell of {name} must define `def {name}(...)` whose body raises NotImplementedError")
    sol_tree = _parse(solution_source, f"solution of {name}")
    sol_fn = _functions(sol_tree).get(name)
    if sol_fn is None:
        raise ValueError(f"the solution cell of {name} does not define `def {name}(...)`")
    body = sol_fn.body[1:] if _is_docstring(sol_fn.body[0]) else sol_fn.body
    if not body:
        raise ValueError(f"the solution of {name} has an empty body")
    if body[0].lineno == sol_fn.lineno:
        raise ValueError(f"the solution of {name} must have its body on lines of its own, not after `def ...:`")
    first = (sol_fn.body[0].end_lineno if _is_docstring(sol_fn.body[0]) else body[0].lineno - 1)
    region = [textwrap.dedent("\n".join(sol_lines[first:sol_fn.end_lineno])).strip("\n")]
    helpers = _used_helpers(sol_tree, sol_fn)
    region[:0] = [_segment(sol_lines, node) for node in helpers]
    indent = " " * raise_stmt.col_offset
    merged = stub_lines[:raise_stmt.lineno - 1] + [indent + begin]
    merged += [indent + line if line.strip() else "" for line in "\n".join(region).split("\n")]
    merged.append(indent + end)
    if keep_stub_raise and isinstance(body[-1], (ast.Return, ast.Raise)):
        merged += stub_lines[raise_stmt.lineno - 1:raise_stmt.end_lineno]
    return "\n".join(merged + stub_lines[raise_stmt.end_lineno:]).rstrip("\n")


def _is_docstring(node):
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)


def _used_helpers(tree, fn):
    """The solution cell's imports and the top-level definitions ``fn`` needs (transitively), in cell order."""
    others = [n for n in tree.body if n is not fn]
    needed, kept = _free(fn), set()
    changed = True
    while changed:
        changed = False
        for node in others:
            if id(node) not in kept and (isinstance(node, (ast.Import, ast.ImportFrom)) or _bound(node) & needed) \
                    and isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef, ast.Assign,
                                          ast.AnnAssign)):
                kept.add(id(node))
                needed |= _free(node)
                changed = True
    return [n for n in others if id(n) in kept]


def hidden_test_lines(exercise):
    """Code that runs ``instructor/tests/NAME.py`` in a namespace of its own and calls its ``grade(NAME)``."""
    text = exercise.tests.rstrip("\n") + "\n"
    literal = f"r'''{text}'''" if "'''" not in text and "\\" not in text[-2:] else repr(text)
    return [f'_hidden_tests = {{"__name__": "hidden_tests_{exercise.name}"}}',
            f'exec(compile({literal}, "<hidden tests of {exercise.name}>", "exec"), _hidden_tests)',
            f'_hidden_tests["grade"]({exercise.name})']


# ------------------------------------------------------------------------------------------------- converters

def _code(nbformat, source, tags=()):
    cell = nbformat.v4.new_code_cell(source)
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def _nbgrader_meta(cell, grade_id, *, grade=False, solution=False, locked=False, points=None):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": NBGRADER_SCHEMA_VERSION,
            "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    cell.metadata["nbgrader"] = meta
    return cell


def _points(value):
    return int(value) if float(value).is_integer() else value


def _points_text(value):
    return f"{_points(value)} point" + ("" if value == 1 else "s")


def _to_nbgrader(nb, exercises, answers, nbformat):
    by_stub = {e.stub: e for e in exercises}
    by_check = {e.check: e for e in exercises}
    drop = {e.solution for e in exercises}
    cells = []
    for i, cell in enumerate(nb.cells):
        if i in drop or SOLUTION_TAG in _tags(cell):
            continue   # exercise solutions are merged into the stubs; other solution cells are demos
        cell = copy.deepcopy(cell)
        if i in by_stub:
            e = by_stub[i]
            source = merge_stub_and_solution(cell.source, nb.cells[e.solution].source, e.coding.name,
                                             begin="### BEGIN SOLUTION", end="### END SOLUTION")
            cells.append(_nbgrader_meta(_code(nbformat, source), f"{e.coding.name}", solution=True))
        elif i in by_check:
            e = by_check[i]
            cell.outputs, cell.execution_count = [], None
            cells.append(_nbgrader_meta(cell, f"check-{e.coding.name}", locked=True))
            tests = [f"# Autograder tests of {e.coding.name} ({_points_text(e.coding.points)}): the hidden "
                     "tests run when the notebook is graded.",
                     "### BEGIN HIDDEN TESTS", *hidden_test_lines(e.coding), "### END HIDDEN TESTS"]
            cells.append(_nbgrader_meta(_code(nbformat, "\n".join(tests)), f"test-{e.coding.name}", grade=True,
                                        locked=True, points=_points(e.coding.points)))
        elif i in answers:
            d = answers[i]
            cell.source = f"### BEGIN SOLUTION\n{d.answer}\n### END SOLUTION"
            cells.append(_nbgrader_meta(cell, f"answer-{d.id}", grade=True, solution=True, points=_points(d.points)))
        else:
            cells.append(_nbgrader_meta(cell, f"cell-{i}", locked=True))
    nb.cells = cells
    return nb


def _free_names(source, name):
    """The names a cell reads but does not bind (builtins left out), ``name`` first: the parameters through which
    otter passes them from the notebook to a test function."""
    tree = _parse(source, f"check cell of {name}")
    bound = set().union(*(_bound(node) for node in tree.body))
    free = _loaded(tree) - bound - set(dir(builtins)) - {name}
    return [name, *sorted(free)]


def _raw(nbformat, text):
    return nbformat.v4.new_raw_cell(text)


def _to_otter(nb, exercises, answers, nbformat, name):
    by_stub = {e.stub: e for e in exercises}
    drop = {e.solution for e in exercises} | {e.check for e in exercises}
    config = (f"# ASSIGNMENT CONFIG\nname: {name}\nruns_on: colab\ntests:\n  files: true\n  ok_format: false\n"
              "export_cell: false\ngenerate: true")
    cells = [_raw(nbformat, config)]
    for i, cell in enumerate(nb.cells):
        if i in drop or SOLUTION_TAG in _tags(cell):
            continue
        cell = copy.deepcopy(cell)
        if i in by_stub:
            e = by_stub[i]
            c = e.coding
            merged = merge_stub_and_solution(cell.source, nb.cells[e.solution].source, c.name,
                                             begin="# BEGIN SOLUTION", end="# END SOLUTION", keep_stub_raise=True)
            check = nb.cells[e.check].source.strip("\n")
            public = ('""" # BEGIN TEST CONFIG\npoints: 0\n""" # END TEST CONFIG\n'
                      f"def test_self_check({', '.join(_free_names(check, c.name))}):\n" +
                      textwrap.indent(check, "    ") +
                      f'\n    assert passed, "the self-check of {c.name} does not pass yet"\n\n'
                      f"test_self_check({c.name})")
            hidden = (f"# HIDDEN\ndef test_hidden({c.name}):\n" +
                      "\n".join("    " + line for line in hidden_test_lines(c)) + f"\n\ntest_hidden({c.name})")
            cells += [_raw(nbformat, f"# BEGIN QUESTION\nname: {c.name}\npoints: {_points(c.points)}"),
                      _raw(nbformat, "# BEGIN SOLUTION"), _code(nbformat, merged), _raw(nbformat, "# END SOLUTION"),
                      _raw(nbformat, "# BEGIN TESTS"), _code(nbformat, public), _code(nbformat, hidden),
                      _raw(nbformat, "# END TESTS"), _raw(nbformat, "# END QUESTION")]
        elif i in answers:
            d = answers[i]
            qname = "discussion_" + re.sub(r"\W", "_", d.id)
            prompt = nbformat.v4.new_markdown_cell(f"**Your answer to exercise {d.id}** "
                                                   f"({_points_text(d.points)}, graded by hand):")
            key = nbformat.v4.new_markdown_cell(d.answer)
            cells += [_raw(nbformat, f"# BEGIN QUESTION\nname: {qname}\nmanual: true\npoints: {_points(d.points)}"),
                      prompt, _raw(nbformat, "# BEGIN SOLUTION"), key, _raw(nbformat, "# END SOLUTION"),
                      _raw(nbformat, "# END QUESTION")]
        else:
            if ANSWER_OUTPUT_TAG in _tags(cell):
                cell.outputs = []
            cells.append(cell)
    nb.cells = cells
    return nb


def _keep_exercises_only(nb, exercises, answers, nbformat):
    """The notebook's title, one set-up cell and the exercises section (from the markdown cell before the first
    exercise cell). The set-up cell holds the narrative's imports, its install cells (tag ``colab-setup`` or a
    ``pip install``) and the
    definitions the exercises section uses, found by following names backwards through the narrative."""
    marked = [e.stub for e in exercises] + list(answers)
    if not marked:
        return nb, answers
    first = min(marked)
    start = next((i for i in range(first - 1, -1, -1)
                  if nb.cells[i].cell_type == "markdown" and ANSWER_TAG not in _tags(nb.cells[i])), first)
    narrative, section = nb.cells[:start], nb.cells[start:]
    needed = set()
    for cell in section:
        if cell.cell_type == "code" and SOLUTION_TAG not in _tags(cell):
            needed |= _free(_parse(cell.source, "exercises section"))
    for e in exercises:
        tree = _parse(nb.cells[e.solution].source, "solution")
        fn = _functions(tree)[e.coding.name]
        needed |= _free(fn) | {n for node in _used_helpers(tree, fn) for n in _free(node)}
    picked = []
    installs = []
    statements = []
    for cell in narrative:
        if cell.cell_type != "code" or SOLUTION_TAG in _tags(cell):
            continue
        if "colab-setup" in _tags(cell) or "pip install" in cell.source:
            installs.append(cell)
            continue
        lines = cell.source.split("\n")
        statements += [(lines, node) for node in _parse(cell.source, "narrative").body]
    for lines, node in reversed(statements):
        imports = isinstance(node, (ast.Import, ast.ImportFrom))
        if imports or _bound(node) & needed:
            picked.append(_segment(lines, node))
            if not imports:
                needed = (needed - _bound(node)) | _free(node)
    setup = _code(nbformat, "# Set-up: the imports and definitions of the full notebook that the exercises use.\n"
                  + "\n\n".join(reversed(picked)))
    title = [c for c in narrative[:1] if c.cell_type == "markdown"]
    shift = start - len(title) - len(installs) - 1
    nb.cells = [*title, *installs, setup, *section]
    for e in exercises:
        e.stub, e.solution, e.check = e.stub - shift, e.solution - shift, e.check - shift
    return nb, {i - shift: d for i, d in answers.items()}


# ------------------------------------------------------------------------------------------------------ entry

def build_assignment(src, out, *, to, instructor, force=False, exercises_only=False):
    """Write the graded version of the notebook ``src`` (or of every ``*.ipynb`` in the folder ``src``) for the
    grader ``to`` ("nbgrader" or "otter") into the folder ``out``, under the same file names; return the paths.

    ``instructor`` is the folder holding ``exercises.toml``, the hidden tests and the answer keys. Every exercise
    of ``exercises.toml`` must exist in its notebook (stub, solution and check cells) and every stub and answer
    cell must be listed there with its points. ``exercises_only=True`` keeps only the title, the set-up the
    exercises need and the exercises section. Existing outputs are replaced only with ``force=True``. Raises
    ValueError (one line, naming what to fix) on any bad input; nothing is written then.
    """
    if not isinstance(to, str):
        raise TypeError(f"to must be a string, one of {list(GRADERS)}, got {type(to).__name__} {to!r}")
    if to not in GRADERS:
        raise ValueError(f"unknown grader {to!r}: --to takes nbgrader or otter")
    force = check_bool(force, "force")
    exercises_only = check_bool(exercises_only, "exercises_only")
    nbformat = _libraries()[0]
    sources = _sources(src)
    coding, discussion = load_exercises(instructor)
    folder = sources[0].parent
    for entry in [*coding, *discussion]:
        if not (folder / entry.notebook).is_file():
            raise ValueError(f"exercises.toml: exercise {entry.id} names the notebook {entry.notebook}, which is not "
                             f"in {folder}; fix the notebook name")
    if isinstance(out, bool) or not isinstance(out, (str, os.PathLike)) or not os.fspath(out):
        raise TypeError(f"out must be a folder path (str or os.PathLike), got {type(out).__name__} {out!r}")
    out_dir = Path(out)
    targets = [out_dir / p.name for p in sources]
    _check_targets(out_dir, targets, sources, force)
    converted = []
    for path in sources:
        nb = _read(path, nbformat)
        remove_links(nb)   # the source's Open-in-Colab link opens the solutions, never the assignment
        exercises, answers = _find_exercises(path, nb, coding, discussion)
        if exercises_only:
            nb, answers = _keep_exercises_only(nb, exercises, answers, nbformat)
        try:
            nb = _to_nbgrader(nb, exercises, answers, nbformat) if to == "nbgrader" else \
                _to_otter(nb, exercises, answers, nbformat, path.stem)
            nbformat.validate(nb)
        except ValueError as exc:
            raise ValueError(f"{path.name}: {exc}") from None
        converted.append(nb)
    _write_all(out_dir, targets, converted, nbformat)
    return targets
