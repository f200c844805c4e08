"""The exercises' cells in a source notebook: each coding exercise's stub, solution and check cells and each
discussion exercise's answer cell, found by tag; the stub merged with its solution; and, for
``exercises_only``, the notebook cut down to its title, one set-up cell and the exercises section."""
from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass

from .code_analysis import (bound_names, free_names, functions, is_docstring, loaded_names, parse_cell,
                            raises_not_implemented, segment, used_helpers)
from .exercises import CodingExercise
from .tags import ANSWER_TAG, CHECK_TAG, EXERCISE_KEY, RNNLAB_METADATA, SETUP_TAG, SOLUTION_TAG, STUB_TAG, cell_tags

__all__ = ["find_exercises", "keep_exercises_only", "merge_stub_and_solution"]


@dataclass
class _Exercise:
    coding: CodingExercise
    stub: int
    solution: int
    check: int


def find_exercises(path, nb, coding, discussion):
    """Pair every stub with its solution and check cell, and every answer cell with its discussion entry."""
    where = path.name
    listed = {c.name: c for c in coding if c.notebook == path.name}
    stubs, solutions, checks = {}, {}, {}
    for i, cell in enumerate(nb.cells):
        tags = cell_tags(cell)
        if cell.cell_type != "code" or not tags & {STUB_TAG, SOLUTION_TAG, CHECK_TAG}:
            continue
        tree = parse_cell(cell.source, f"{where}, cell {i}")
        if STUB_TAG in tags:
            names = [n for n, f in functions(tree).items() if any(raises_not_implemented(s) for s in f.body)]
            if len(names) != 1:
                raise ValueError(f"{where}, cell {i}: a stub cell must define one function whose body raises "
                                 f"NotImplementedError; found {len(names)}")
            stubs[names[0]] = i
        if SOLUTION_TAG in tags:
            for name in functions(tree):
                if name in listed or name in stubs:
                    solutions.setdefault(name, i)
        if CHECK_TAG in tags:
            for name in re.findall(r"checks\.(\w+)\s*\(", cell.source) or loaded_names(tree):
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
        if ANSWER_TAG not in cell_tags(cell):
            continue
        own = cell.metadata.get(RNNLAB_METADATA, {})
        ex_id = own.get(EXERCISE_KEY) if isinstance(own, dict) else None
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
    stub_fn = functions(parse_cell(stub_source, f"stub of {name}")).get(name)
    raise_stmt = next((s for s in stub_fn.body if raises_not_implemented(s)), None) if stub_fn else None
    if raise_stmt is None:
        raise ValueError(f"the stub cell of {name} must define `def {name}(...)` whose body raises NotImplementedError")
    sol_tree = parse_cell(solution_source, f"solution of {name}")
    sol_fn = functions(sol_tree).get(name)
    if sol_fn is None:
        raise ValueError(f"the solution cell of {name} does not define `def {name}(...)`")
    body = sol_fn.body[1:] if is_docstring(sol_fn.body[0]) else sol_fn.body
    if not body:
        raise ValueError(f"the solution of {name} has an empty body")
    if body[0].lineno == sol_fn.lineno:
        raise ValueError(f"the solution of {name} must have its body on lines of its own, not after `def ...:`")
    first = (sol_fn.body[0].end_lineno if is_docstring(sol_fn.body[0]) else body[0].lineno - 1)
    region = [textwrap.dedent("\n".join(sol_lines[first:sol_fn.end_lineno])).strip("\n")]
    helpers = used_helpers(sol_tree, sol_fn)
    region[:0] = [segment(sol_lines, node) for node in helpers]
    indent = " " * raise_stmt.col_offset
    merged = stub_lines[:raise_stmt.lineno - 1] + [indent + begin]
    merged += [indent + line if line.strip() else "" for line in "\n".join(region).split("\n")]
    merged.append(indent + end)
    if keep_stub_raise and isinstance(body[-1], (ast.Return, ast.Raise)):
        merged += stub_lines[raise_stmt.lineno - 1:raise_stmt.end_lineno]
    return "\n".join(merged + stub_lines[raise_stmt.end_lineno:]).rstrip("\n")


def keep_exercises_only(nb, exercises, answers, nbformat):
    """The notebook's title, one set-up cell and the exercises section (from the markdown cell before the first
    exercise cell). The set-up cell holds the narrative's imports, its install cells (tag ``colab-setup`` or a
    ``pip install``) and the
    definitions the exercises section uses, found by following names backwards through the narrative."""
    marked = [e.stub for e in exercises] + list(answers)
    if not marked:
        return nb, answers
    first = min(marked)
    start = next((i for i in range(first - 1, -1, -1)
                  if nb.cells[i].cell_type == "markdown" and ANSWER_TAG not in cell_tags(nb.cells[i])), first)
    narrative, section = nb.cells[:start], nb.cells[start:]
    needed = set()
    for cell in section:
        if cell.cell_type == "code" and SOLUTION_TAG not in cell_tags(cell):
            needed |= free_names(parse_cell(cell.source, "exercises section"))
    for e in exercises:
        tree = parse_cell(nb.cells[e.solution].source, "solution")
        fn = functions(tree)[e.coding.name]
        needed |= free_names(fn) | {n for node in used_helpers(tree, fn) for n in free_names(node)}
    picked = []
    installs = []
    statements = []
    for cell in narrative:
        if cell.cell_type != "code" or SOLUTION_TAG in cell_tags(cell):
            continue
        if SETUP_TAG in cell_tags(cell) or "pip install" in cell.source:
            installs.append(cell)
            continue
        lines = cell.source.split("\n")
        statements += [(lines, node) for node in parse_cell(cell.source, "narrative").body]
    for lines, node in reversed(statements):
        imports = isinstance(node, (ast.Import, ast.ImportFrom))
        if imports or bound_names(node) & needed:
            picked.append(segment(lines, node))
            if not imports:
                needed = (needed - bound_names(node)) | free_names(node)
    setup = nbformat.v4.new_code_cell("# Set-up: the imports and definitions of the full notebook that the exercises "
                                      "use.\n" + "\n\n".join(reversed(picked)))
    title = [c for c in narrative[:1] if c.cell_type == "markdown"]
    shift = start - len(title) - len(installs) - 1
    nb.cells = [*title, *installs, setup, *section]
    for e in exercises:
        e.stub, e.solution, e.check = e.stub - shift, e.solution - shift, e.check - shift
    return nb, {i - shift: d for i, d in answers.items()}
