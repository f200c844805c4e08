"""Predict, then run: compare the prediction a student wrote down with what a cell then measured.

A discussion exercise of the form "predict, then run" has a code cell that records the student's prediction as
one of a few outcomes, measures, and sorts the measurement into the same outcomes in plain code the student can
read. :func:`prediction` compares the two and says which it is. The answer is the measurement, so nothing secret
is needed: what is left for the answer cell is the *why*.

    my_prediction = "shrinks"                    # written before running the cell
    factor = ...                                 # the measurement
    outcome = "grows" if factor > 1 else "shrinks"
    rnnlab.checks.prediction(my_prediction, outcome, choices=("grows", "shrinks"), measured=f"factor {factor:.2f}")
"""
from __future__ import annotations

from .engine import FAIL, PASS

PLACEHOLDERS = ("", "...", "…")


def _check_choices(choices):
    if isinstance(choices, str) or not isinstance(choices, (tuple, list)):
        raise TypeError(f"choices must be a tuple of the possible outcomes (strings), got {type(choices).__name__}")
    if len(choices) < 2 or not all(isinstance(c, str) and c.strip() for c in choices):
        raise ValueError(f"choices must hold at least two non-empty strings, got {choices!r}")
    if len(set(choices)) != len(choices):
        raise ValueError(f"choices must not repeat an outcome, got {choices!r}")
    return tuple(choices)


def prediction(predicted, outcome, *, choices, measured=""):
    """Print whether ``predicted`` (the student's choice, written before running) is the ``outcome`` the cell
    measured; both must be one of ``choices``. ``measured`` is the number behind the outcome, shown with it.

    Returns True when the prediction matched, False when it did not, None when no prediction was recorded (the
    placeholder was left): then the cell says so instead of comparing.
    """
    choices = _check_choices(choices)
    if outcome not in choices:
        raise ValueError(f"outcome must be one of {choices}, got {outcome!r}")
    if not isinstance(measured, str):
        raise TypeError(f"measured must be a string describing the measurement, got {type(measured).__name__}")
    said = f" ({measured})" if measured else ""
    if predicted is None or (isinstance(predicted, str) and predicted.strip() in PLACEHOLDERS):
        print(f"No prediction recorded. The measurement says {outcome!r}{said}. Next time write your prediction "
              f"first, as one of {', '.join(map(repr, choices))}: a prediction made after seeing the answer "
              "teaches nothing.")
        return None
    if predicted not in choices:
        raise ValueError(f"my_prediction must be one of {', '.join(map(repr, choices))} (copy one exactly), "
                         f"got {predicted!r}")
    if predicted == outcome:
        print(f"{PASS} you predicted {predicted!r} and the measurement says {outcome!r}{said}. In your answer, "
              "say why it comes out this way.")
        return True
    print(f"{FAIL} you predicted {predicted!r}, the measurement says {outcome!r}{said}. The measurement is the "
          "answer: find what your prediction left out, and write that in your answer.")
    return False
