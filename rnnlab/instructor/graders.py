"""The two graders' formats: a source notebook, its exercises found, rewritten for nbgrader or for otter-grader.

- nbgrader: the stub's signature and docstring around the solution body in ``### BEGIN SOLUTION`` /
  ``### END SOLUTION`` (an autograded answer cell), the self-check kept read-only, then a locked grade cell
  ``test-NAME`` worth the exercise's points; each discussion answer cell becomes a manually graded answer holding
  the key; every other cell is locked.
- otter: a ``# ASSIGNMENT CONFIG`` cell (``runs_on: colab``, test files, and rnnlab's grading plugin with the
  hidden tests in its configuration, which goes into the autograder zip only), and for each exercise a
  ``# BEGIN QUESTION`` block with the merged cell (``# BEGIN SOLUTION`` / ``# END SOLUTION``), a public test
  (the self-check, 0 points) and a ``# HIDDEN`` test worth the points; discussions become manual questions.

The hidden tests never run in the student's kernel (:mod:`rnnlab.instructor.fresh`): nbgrader's grade cell holds
only a line that fails, so that grading without rnnlab's preprocessor (:mod:`rnnlab.instructor.nbgrader_grading`,
set in nbgrader_config.py) scores 0 rather than full marks; otter's hidden test fails the same way unless rnnlab's
plugin (:mod:`rnnlab.instructor.otter_grading`) replaces its result.
"""
from __future__ import annotations

import builtins
import copy
import json
import re
import textwrap

from .code_analysis import bound_names, loaded_names, parse_cell
from .exercise_cells import merge_stub_and_solution
from .tags import ANSWER_OUTPUT_TAG, SOLUTION_TAG, cell_tags

__all__ = ["NBGRADER_SCHEMA_VERSION", "to_nbgrader", "to_otter"]

NBGRADER_SCHEMA_VERSION = 3
NBGRADER_SETUP = "rnnlab.instructor.nbgrader_grading.configure in nbgrader_config.py"
OTTER_PLUGIN = "rnnlab.instructor.otter_grading.GradeOutsideTheKernel"
_NOT_HERE = ('raise AssertionError("{name} is graded outside the notebook, by rnnlab: without {where} it scores '
             '0; see docs/instructor_guide.md")')


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
                                             begin="### BEGIN SOLUTION", end="### END SOLUTION",
                                             keep_stub_raise=True)   # the release keeps the stub's hint
            cells.append(_nbgrader_meta(_code(nbformat, source), f"{e.coding.name}", solution=True))
        elif i in by_check:
            e = by_check[i]
            cell.outputs, cell.execution_count = [], None
            cells.append(_nbgrader_meta(cell, f"check-{e.coding.name}", locked=True))
            tests = [f"# Hidden tests of {e.coding.name} ({_points_text(e.coding.points)}): they run when the "
                     "notebook is graded.",
                     "### BEGIN HIDDEN TESTS", _NOT_HERE.format(name=e.coding.name, where=NBGRADER_SETUP),
                     "### END HIDDEN TESTS"]
            cells.append(_nbgrader_meta(_code(nbformat, "\n".join(tests)), f"test-{e.coding.name}", grade=True,
                                        locked=True, points=_points(e.coding.points)))
        elif i in answers:
            d = answers[i]
            cell.source = (f"**Your answer to exercise {d.id}** ({_points_text(d.points)}, graded by hand):\n\n"
                           f"### BEGIN SOLUTION\n{d.answer}\n### END SOLUTION")
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


def otter_plugin_config(exercises):
    """The configuration of rnnlab's otter plugin: each coding exercise's name, points, timeout and hidden test
    text (JSON, which YAML reads as it is)."""
    return json.dumps({"exercises": [{"name": e.coding.name, "points": _points(e.coding.points),
                                      "timeout": e.coding.timeout, "tests": e.coding.tests}
                                     for e in exercises]}, ensure_ascii=True)


def to_otter(nb, exercises, answers, nbformat, name):
    """``nb`` as an otter-grader master notebook for the assignment ``name``: config cell, then question blocks."""
    by_stub = {e.stub: e for e in exercises}
    drop = {e.solution for e in exercises} | {e.check for e in exercises}
    config = (f"# ASSIGNMENT CONFIG\nname: {name}\nruns_on: colab\ntests:\n  files: true\n  ok_format: false\n"
              "export_cell: false\ngenerate: true\nplugins:\n"
              f"  - {OTTER_PLUGIN}: {otter_plugin_config(exercises)}")
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
            hidden = (f"# HIDDEN\ndef test_hidden({c.name}):\n    " + _NOT_HERE.format(name=c.name, where=OTTER_PLUGIN)
                      + f"\n\ntest_hidden({c.name})")
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
