"""The cell tags and metadata keys the instructor tools read and write, each defined once.

Tags (``cell.metadata["tags"]``) of the source notebooks:

- ``solution``: removed from the student version; in an assignment, merged into its stub.
- ``answer-output``: kept, but its outputs are cleared (a self-check whose stored output says "✅").
- ``stub``: the student's ``def NAME(...)`` that raises ``NotImplementedError``.
- ``check``: the self-check of a coding exercise, ``passed = rnnlab.checks.NAME(NAME)``.
- ``answer``: the markdown cell of a discussion exercise; ``metadata["rnnlab"]["exercise"]`` is its id.
- ``colab-setup``: the set-up cell, whose install block (:func:`rnnlab.instructor.colab.setup_block`) runs on
  Colab only.
"""
from __future__ import annotations

SOLUTION_TAG = "solution"
ANSWER_OUTPUT_TAG = "answer-output"
STUB_TAG = "stub"
CHECK_TAG = "check"
ANSWER_TAG = "answer"
SETUP_TAG = "colab-setup"

RNNLAB_METADATA = "rnnlab"       # cell.metadata["rnnlab"]: rnnlab's own keys
EXERCISE_KEY = "exercise"        # cell.metadata["rnnlab"]["exercise"]: the id of a discussion exercise
RUN_TRACE_FIELDS = {"execution", "ExecuteTime"}   # cell metadata written by nbclient and jupyterlab-execute-time
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"   # notebook.metadata["widgets"][WIDGET_STATE]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"     # the output of a displayed widget


def cell_tags(cell):
    """The set of a cell's tags."""
    return set(cell.metadata.get("tags", []))
