"""The exercises' self-checks, combined read-only from the modules of the notebooks, and the two functions that
find a check by name: :func:`check` and :func:`hint`."""
from __future__ import annotations

from types import MappingProxyType

# Each module by its full name: `from . import x` reads, to a static import graph, as importing the package.
import rnnlab.checks.notebook01 as notebook01
import rnnlab.checks.notebook02 as notebook02
import rnnlab.checks.notebook03 as notebook03
import rnnlab.checks.notebook04 as notebook04
import rnnlab.checks.notebook05 as notebook05
import rnnlab.checks.notebook06 as notebook06

from .engine import HINTS as ENGINE_HINTS
from .engine import _hint_text, _last_failure, _Printed
from .step_functions import HINTS as STEP_HINTS

# One module per notebook, in the notebooks' order: each declares CHECKS (exercise -> what its check tests),
# GENERAL (exercise -> the hint before any failure), HINTS (hint key -> the two stages) and one check function
# per exercise, named as the exercise.
NOTEBOOKS = (notebook01, notebook02, notebook03, notebook04, notebook05, notebook06)


def _combined(*tables):
    """One read-only mapping of ``tables``; a key declared twice is a mistake."""
    combined = {}
    for table in tables:
        for key, value in table.items():
            if key in combined:
                raise ValueError(f"{key!r} is declared twice in the self-checks' tables")
            combined[key] = value
    return MappingProxyType(combined)


CHECKS = _combined(*(module.CHECKS for module in NOTEBOOKS))
GENERAL = _combined(*(module.GENERAL for module in NOTEBOOKS))
HINTS = _combined(ENGINE_HINTS, STEP_HINTS, *(module.HINTS for module in NOTEBOOKS))
FUNCTIONS = MappingProxyType({name: getattr(module, name) for module in NOTEBOOKS for name in module.CHECKS})


def hint(name):
    """Print the second, stronger hint about the last failure of the check ``name`` (or about the exercise when
    it has not failed); return the text (a notebook does not show it a second time as the cell's result)."""
    _check_name(name)
    if name in _last_failure:
        key, detail = _last_failure[name]
        text = _hint_text(name, key, detail, 1, HINTS)
    else:
        text = GENERAL[name]
    print(f"💡 {text}")
    return _Printed(text)


def _check_name(name):
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, one of {sorted(CHECKS)}, got {type(name).__name__} {name!r}")
    if name not in CHECKS:
        raise ValueError(f"name must be one of {sorted(CHECKS)}, got {name!r}")


def check(name, fn):
    """Run the check called ``name`` (a key of :data:`CHECKS`) on ``fn``; print one line, return True or False."""
    _check_name(name)
    return FUNCTIONS[name](fn)
