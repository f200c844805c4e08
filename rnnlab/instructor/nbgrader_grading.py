"""nbgrader's autograde with rnnlab's hidden tests run outside the student's kernel.

``configure(c, instructor="path/to/instructor")`` in ``nbgrader_config.py`` replaces nbgrader's kernel execution
(its ``Execute`` preprocessor) with :class:`GradeOutsideTheKernel`: the submission is never run in a kernel while
it is graded. For each grade cell ``test-NAME`` of a coding exercise listed in the instructor folder's
exercises.toml, the preprocessor grades NAME with :func:`rnnlab.instructor.fresh.grade_exercise` from the code
cells as submitted, and writes the verdict as the cell's only output: none when it passes (nbgrader then gives
the points), an error naming what failed when it does not (0 points). The hidden test's code is never in the
notebook, so nbgrader's feedback cannot print it. Each exercise runs in its own process with its own time limit:
an exit, a crash or an endless loop costs that exercise only.

Needs nbgrader (``pip install "rnnlab[graders]"``); importing this module imports it.
"""
from __future__ import annotations

import sys

from nbconvert.preprocessors import Preprocessor
from nbformat.v4 import new_output
from traitlets import Bool, Unicode

from .exercises import load_exercises
from .fresh import grade_exercise

__all__ = ["GradeOutsideTheKernel", "configure"]


class GradeOutsideTheKernel(Preprocessor):
    """Sets the output of every ``test-NAME`` grade cell from rnnlab's grading of NAME outside the kernel."""

    instructor = Unicode("", help="the instructor folder (exercises.toml, tests/)").tag(config=True)
    enabled = Bool(True, help="nbconvert runs a preprocessor only when it is enabled").tag(config=True)

    def preprocess(self, nb, resources):
        if not self.instructor:
            raise ValueError("GradeOutsideTheKernel.instructor is not set: call "
                             "rnnlab.instructor.nbgrader_grading.configure(c, instructor=...) in nbgrader_config.py")
        coding, _ = load_exercises(self.instructor)
        by_name = {e.name: e for e in coding}
        code = [cell.source for cell in nb.cells if cell.cell_type == "code"
                and not str(cell.metadata.get("nbgrader", {}).get("grade_id", "")).startswith("test-")]
        for cell in nb.cells:
            grade_id = str(cell.metadata.get("nbgrader", {}).get("grade_id", ""))
            exercise = by_name.get(grade_id.removeprefix("test-")) if grade_id.startswith("test-") else None
            if exercise is None or cell.cell_type != "code":
                continue
            verdict = grade_exercise(exercise.name, exercise.tests, code, timeout=exercise.timeout,
                                     where=str(exercise.tests_path))
            self.log.info("rnnlab: %s %s in %.1f s: %s", exercise.name, "passed" if verdict.passed else "failed",
                          verdict.seconds, verdict.message)
            cell.outputs = [] if verdict.passed else [
                new_output("error", ename="AssertionError", evalue=verdict.message,
                           traceback=[f"AssertionError: {verdict.message}"])]
            cell.execution_count = None
        return nb, resources


def configure(c, instructor):
    """Set nbgrader's config ``c`` (``c = get_config()`` in nbgrader_config.py) to grade with rnnlab: the
    autograde steps of nbgrader with its kernel execution replaced by :class:`GradeOutsideTheKernel`, reading the
    hidden tests from the folder ``instructor``, and feedback without the grade cells' hidden regions. nbgrader
    logs an error in its config file and goes on without it: its grade cells then fail (0 points), never pass."""
    from nbgrader.converters.autograde import Autograde
    from nbgrader.converters.generate_feedback import GenerateFeedback
    from nbgrader.preprocessors import ClearHiddenTests, Execute

    load_exercises(instructor)   # a wrong folder is named now, not at the first notebook
    steps = list(Autograde.class_traits()["autograde_preprocessors"].default())
    if Execute not in steps:
        raise ValueError(f"nbgrader's autograde steps have no Execute to replace: {steps}")
    steps[steps.index(Execute)] = GradeOutsideTheKernel
    c.Autograde.autograde_preprocessors = steps
    feedback = list(GenerateFeedback.class_traits()["preprocessors"].default())
    c.GenerateFeedback.preprocessors = [*feedback[:1], ClearHiddenTests, *feedback[1:]]   # after GetGrades
    c.GradeOutsideTheKernel.instructor = str(instructor)
    print(f"rnnlab: nbgrader grades coding exercises outside the kernel, tests from {instructor}", file=sys.stderr)
    return c
