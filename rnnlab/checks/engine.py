"""The grading engine of the self-checks: one printed line per check, hints in two stages, the student's
function called so that its failures become hints.

A check function (one per exercise, in the module of its notebook) calls :func:`_run_check` with a body that
returns the success message or raises :class:`_NotYet` with a hint key; the key's texts are looked up in the
exercise module's hint tables, then in :data:`HINTS` here (the failures any check can meet).
"""
from __future__ import annotations

import os
import traceback

import numpy as np

PASS, FAIL = "✅ Well done:", "❌ Not yet:"

# Two stages per failure: the first is printed by the failing check, the second by hint(name). Each names what
# to look at, never the code to write. These are the failures any check can meet; each exercise module has its own.
HINTS = {
    "not_implemented": ("{name} is not implemented yet: replace the `raise NotImplementedError` line with your "
                        "code{detail}.",
                        "Start from the exercise text and the stub's docstring: they say what goes in and what "
                        "comes out."),
    "raised": ("{name} raised {detail}. Read the message, fix that line and run the check again.",
               "The error comes from the line shown. Check that every function called on it does what you meant "
               "with the arguments you give it (help() on it says what it takes and returns), then call your "
               "function yourself on a small example and compare with what you expect."),
    "returned_none": ("{name} returned None: did you forget the `return`?",
                      "The last line of the function should return the result."),
    "not_array": ("{name} should return {detail}.", "Return a numpy array (or a list of rows)."),
    "not_finite": ("{name} returned NaN or infinite values.",
                   "Look for an overflow (a huge exponent) or a division by zero."),
    "library_cell": ("{name} calls {detail} instead of computing the step itself.",
                     "Write the step with numpy operations on the arrays you are given; the reference and the "
                     "framework cells are what your function is compared with, not parts of it."),
    "no_training": ("{name} returned without training anything: its answer must come from training runs.",
                    "The answer depends on the seed and on the data; train the models (rnnlab.train, "
                    "run_experiment or a torch optimiser) inside the function."),
}

_last_failure = {}   # check name -> (hint key, detail) of its last failure


class _Printed(str):
    """Text already printed: a notebook shows it once, not again as the cell's result."""

    def _ipython_display_(self):
        pass


class _NotYet(Exception):
    """Raised inside a check to stop it with a hint."""

    def __init__(self, key, detail=""):
        super().__init__(key)
        self.key, self.detail = key, detail


class _LibraryCellUsed(BaseException):
    """Raised when checked code calls a blocked library cell (a BaseException, so `except Exception` in the
    student's code does not swallow it)."""


def _hint_text(name, key, detail, stage, *tables):
    """Stage 0 or 1 of the hint ``key``, from the first of ``tables`` (then :data:`HINTS`) that has it."""
    text = next(table[key] for table in (*tables, HINTS) if key in table)[stage]
    if key == "not_implemented":
        detail = f" ({detail})" if detail else ""
    return text.format(name=name, detail=detail)


def _run_check(name, body, *tables, announce=None):
    """Run ``body()`` (returns the success message or raises _NotYet); print one line; return True/False.

    ``tables`` are the exercise's hint tables (key -> the two stages); ``announce``, for a check that trains, is
    printed first (on a line of its own) so that a long check does not run in silence."""
    if announce:
        print(announce, flush=True)
    try:
        message = body()
    except _NotYet as exc:
        _last_failure[name] = (exc.key, exc.detail)
        print(f"{FAIL} {_hint_text(name, exc.key, exc.detail, 0, *tables)} "
              f"(A stronger hint: rnnlab.checks.hint({name!r}).)")
        return False
    _last_failure.pop(name, None)
    print(f"{PASS} {message}")
    return True


def _first_line(text, limit=160):
    line = str(text).strip().splitlines()[0] if str(text).strip() else ""
    return line if len(line) <= limit else line[:limit - 1] + "…"


def _call(fn, name, *args, **kwargs):
    """Call the student's function; turn any exception into a hint."""
    try:
        return fn(*args, **kwargs)
    except NotImplementedError as exc:
        raise _NotYet("not_implemented", _first_line(exc)) from None
    except _LibraryCellUsed as exc:
        raise _NotYet("library_cell", str(exc)) from None
    except Exception as exc:  # the student's bug becomes a hint, never a traceback in the check
        detail = _first_line(exc)
        where = _where_in_student_code(exc, fn)
        raise _NotYet("raised", type(exc).__name__ + where + (f": {detail}" if detail else "")) from None


_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _where_in_student_code(exc, fn):
    """' at line N of your code (`source`)' for the deepest frame of the traceback in the student's code: the
    file ``fn`` was written in (a notebook cell) or any other file outside rnnlab and the installed libraries;
    '' when there is none (the error came from the arguments a library was given, shown by its message)."""
    home = getattr(getattr(fn, "__code__", None), "co_filename", None)
    libraries = {os.path.dirname(os.path.abspath(p)) for p in (np.__file__, os.__file__)}

    def students(frame):
        path = os.path.abspath(frame.filename)
        if frame.filename == home:
            return True
        return not (path.startswith(_PACKAGE) or "site-packages" in path or "dist-packages" in path
                    or any(path.startswith(lib) for lib in libraries) or frame.filename.startswith("<frozen"))

    frames = [f for f in traceback.extract_tb(exc.__traceback__) if students(f)]
    if not frames:
        return ""
    frame = frames[-1]
    line = (frame.line or "").strip()
    code = f" (`{_first_line(line, 100)}`)" if line else ""
    return f" at line {frame.lineno} of your code{code}"


def _check_callable(fn, parameter="fn"):
    if not callable(fn):
        raise TypeError(f"{parameter} must be the function you wrote (a callable), got {type(fn).__name__} {fn!r:.60}")


def _as_array(value, name, what):
    if value is None:
        raise _NotYet("returned_none")
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise _NotYet("not_array", f"{what}, got {type(value).__name__}") from None


def _rng():
    """A generator seeded from the operating system: new inputs on every call of a check."""
    return np.random.default_rng()

