"""Graded assignments from the source notebooks, for nbgrader or otter-grader.

The source notebooks mark each coding exercise with three cells, by tag: ``stub`` (the student's
``def NAME(...)`` that raises ``NotImplementedError``), ``solution`` (the same function solved, plus demo lines)
and ``check`` (the self-check, ``passed = rnnlab.checks.NAME(NAME)``); each discussion exercise has a markdown
cell tagged ``answer`` whose ``metadata["rnnlab"]["exercise"]`` is its id. The folder ``instructor/`` (never
installed) holds ``exercises.toml`` (points, test files, answer keys) and the hidden tests ``tests/NAME.py``, run
outside the student's kernel by :mod:`rnnlab.instructor.fresh`.

``build_assignment(src, out, to="nbgrader" | "otter", instructor=...)`` writes one notebook per source notebook,
in the grader's format (:mod:`rnnlab.instructor.graders`): exercises.toml is read by
:mod:`rnnlab.instructor.exercises`, the exercises' cells are found and merged by
:mod:`rnnlab.instructor.exercise_cells`.

The hidden tests never go into a notebook: nbgrader's grade cells fail unless rnnlab's preprocessor grades them
(:mod:`rnnlab.instructor.nbgrader_grading`), otter's hidden tests fail unless rnnlab's plugin does
(:mod:`rnnlab.instructor.otter_grading`, configured in the master notebook's ASSIGNMENT CONFIG).

With ``exercises_only=True`` the notebook keeps its title, one set-up cell (the imports and the definitions the
exercises use, taken from the narrative) and the exercises section: a shorter handout to read when grading.

Everything is read and checked before anything is written; a refused run writes nothing, and the sources are
never modified (each output goes to a temporary file, then ``os.replace``). Command line:
``rnnlab assign notebooks/ --to nbgrader --instructor instructor/ --out graded/``.
"""
from __future__ import annotations

import os
from pathlib import Path

from .._validation import check_bool
from .colab import remove_links
from .exercise_cells import find_exercises, keep_exercises_only, merge_stub_and_solution
from .exercises import CodingExercise, DiscussionExercise, load_exercises
from .graders import NBGRADER_SCHEMA_VERSION, to_nbgrader, to_otter
from .notebook_io import check_targets, libraries, read, sources as notebook_sources, write_all
from .tags import ANSWER_OUTPUT_TAG, ANSWER_TAG, CHECK_TAG, SOLUTION_TAG, STUB_TAG

__all__ = ["ANSWER_OUTPUT_TAG", "ANSWER_TAG", "CHECK_TAG", "GRADERS", "NBGRADER_SCHEMA_VERSION", "SOLUTION_TAG",
           "STUB_TAG", "CodingExercise", "DiscussionExercise", "build_assignment", "load_exercises",
           "merge_stub_and_solution"]

GRADERS = ("nbgrader", "otter")


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
    nbformat = libraries()[0]
    sources = notebook_sources(src)
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
    check_targets(out_dir, targets, sources, force)
    converted = []
    for path in sources:
        nb = read(path, nbformat)
        remove_links(nb)   # the source's Open-in-Colab link opens the solutions, never the assignment
        exercises, answers = find_exercises(path, nb, coding, discussion)
        if exercises_only:
            nb, answers = keep_exercises_only(nb, exercises, answers, nbformat)
        try:
            nb = to_nbgrader(nb, exercises, answers, nbformat) if to == "nbgrader" else \
                to_otter(nb, exercises, answers, nbformat, path.stem)
            nbformat.validate(nb)
        except ValueError as exc:
            raise ValueError(f"{path.name}: {exc}") from None
        converted.append(nb)
    write_all(out_dir, targets, converted, nbformat)
    return targets
