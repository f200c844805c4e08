"""The two graders' formats: a source notebook, its exercises found, rewritten for nbgrader or for otter-grader.

- nbgrader: the stub's signature and docstring around the solution body in ``### BEGIN SOLUTION`` /
  ``### END SOLUTION`` (an autograded answer cell), the self-check kept read-only, then a locked grade cell
  worth the exercise's points whose ``### BEGIN HIDDEN TESTS`` part runs the test file's ``grade(NAME)``; each
  discussion answer cell becomes a manually graded answer holding the key; every other cell is locked.
- otter: a ``# ASSIGNMENT CONFIG`` cell (``runs_on: colab``, test files), and for each exercise a
  ``# BEGIN QUESTION`` block with the merged cell (``# BEGIN SOLUTION`` / ``# END SOLUTION``), a public test
  (the self-check, 0 points) and a ``# HIDDEN`` test worth the points; discussions become manual questions.
"""
from __future__ import annotations

import builtins
import copy
import re
import textwrap

from .code_analysis import bound_names, loaded_names, parse_cell
from .exercise_cells import merge_stub_and_solution
from .exercises import hidden_test_lines
from .tags import ANSWER_OUTPUT_TAG, SOLUTION_TAG, cell_tags

__all__ = ["NBGRADER_SCHEMA_VERSION", "to_nbgrader", "to_otter"]

NBGRADER_SCHEMA_VERSION = 3


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


def to_nbgrader(nb, exercises, answers, nbformat):
    """``nb`` in nbgrader's format: every cell carries ``metadata["nbgrader"]``, the solutions merged into the stubs."""
    by_stub = {e.stub: e for e in exercises}
    by_check = {e.check: e for e in exercises}
    drop = {e.solution for e in exercises}
    cells = []
    for i, cell in enumerate(nb.cells):
        if i in drop or SOLUTION_TAG in cell_tags(cell):
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


def _test_parameters(source, name):
    """The names a cell reads but does not bind (builtins left out), ``name`` first: the parameters through which
    otter passes them from the notebook to a test function."""
    tree = parse_cell(source, f"check cell of {name}")
    bound = set().union(*(bound_names(node) for node in tree.body))
    free = loaded_names(tree) - bound - set(dir(builtins)) - {name}
    return [name, *sorted(free)]


def _raw(nbformat, text):
    return nbformat.v4.new_raw_cell(text)


def to_otter(nb, exercises, answers, nbformat, name):
    """``nb`` as an otter-grader master notebook for the assignment ``name``: config cell, then question blocks."""
    by_stub = {e.stub: e for e in exercises}
    drop = {e.solution for e in exercises} | {e.check for e in exercises}
    config = (f"# ASSIGNMENT CONFIG\nname: {name}\nruns_on: colab\ntests:\n  files: true\n  ok_format: false\n"
              "export_cell: false\ngenerate: true")
    cells = [_raw(nbformat, config)]
    for i, cell in enumerate(nb.cells):
        if i in drop or SOLUTION_TAG in cell_tags(cell):
            continue
        cell = copy.deepcopy(cell)
        if i in by_stub:
            e = by_stub[i]
            c = e.coding
            merged = merge_stub_and_solution(cell.source, nb.cells[e.solution].source, c.name,
                                             begin="# BEGIN SOLUTION", end="# END SOLUTION", keep_stub_raise=True)
            check = nb.cells[e.check].source.strip("\n")
            public = ('""" # BEGIN TEST CONFIG\npoints: 0\n""" # END TEST CONFIG\n'
                      f"def test_self_check({', '.join(_test_parameters(check, c.name))}):\n" +
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
            if ANSWER_OUTPUT_TAG in cell_tags(cell):
                cell.outputs = []
            cells.append(cell)
    nb.cells = cells
    return nb
