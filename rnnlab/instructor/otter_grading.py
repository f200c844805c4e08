"""otter-grader's run with rnnlab's hidden tests run outside the student's kernel: an otter plugin.

``rnnlab assign --to otter`` names :class:`GradeOutsideTheKernel` in the assignment's configuration, with each
coding exercise's hidden test in the plugin's settings (they go into the autograder zip's otter_config.json,
never into the student's folder). When ``otter run`` grades a submission, the plugin

- before execution: grades every coding exercise with :func:`rnnlab.instructor.fresh.grade_exercise` from the
  submission's code cells, then hands otter the notebook with its code cells emptied, so that nothing the student
  wrote runs in otter's kernel (where it could rewrite otter's own test runner or the results it writes);
- after grading: sets each coding question's results from those verdicts (hidden and public cases alike), with
  the verdict's line as the message.

Needs otter-grader (``pip install "rnnlab[graders]"``); importing this module imports it.
"""
from __future__ import annotations

from dataclasses import replace

try:
    from otter.plugins import AbstractOtterPlugin
    from otter.test_files.abstract_test import TestCaseResult
except ModuleNotFoundError as exc:  # only a grading machine needs otter-grader
    raise ImportError('rnnlab.instructor.otter_grading plugs into otter-grader, which is not installed: '
                      'pip install "rnnlab[graders]"') from exc

from .fresh import grade_exercise

__all__ = ["GradeOutsideTheKernel"]


class GradeOutsideTheKernel(AbstractOtterPlugin):
    """Grades rnnlab's coding exercises outside otter's kernel; see the module's docstring."""

    def __init__(self, submission_path, submission_metadata, plugin_config):
        super().__init__(submission_path, submission_metadata, plugin_config)
        exercises = (plugin_config or {}).get("exercises")
        if not isinstance(exercises, list):
            raise ValueError("rnnlab's otter plugin needs its configuration from rnnlab assign: "
                             "{'exercises': [{name, points, timeout, tests}, ...]}")
        self.exercises = exercises
        self.verdicts = {}

    def before_execution(self, submission):
        if isinstance(submission, str):   # a script, not a notebook
            cells = [submission]
        else:
            cells = [cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
                     for cell in submission["cells"] if cell["cell_type"] == "code"]
        for exercise in self.exercises:
            self.verdicts[exercise["name"]] = grade_exercise(exercise["name"], exercise["tests"], cells,
                                                             timeout=float(exercise["timeout"]),
                                                             where=f"{exercise['name']}.py")
        if isinstance(submission, str):
            return ""
        for cell in submission["cells"]:
            if cell["cell_type"] == "code":
                cell["source"], cell["outputs"] = "", []
        return submission

    def after_grading(self, results):
        for name, verdict in self.verdicts.items():
            test_file = results.results.get(name)
            if test_file is None:
                continue
            test_file.test_case_results = [
                TestCaseResult(test_case=replace(case), message=verdict.message, passed=verdict.passed)
                for case in test_file.test_cases]
            test_file._score = None

    def generate_report(self):
        return "\n".join(f"rnnlab: {v.name} {'passed' if v.passed else 'failed'} in {v.seconds:.1f} s: {v.message}"
                         for v in self.verdicts.values())
