"""Deprecated alias of :mod:`rnnlab.instructor.student`, kept for one release: import from there instead."""
import warnings

from .instructor.student import *  # noqa: F401,F403  (the names of rnnlab.instructor.student.__all__)
from .instructor.student import __all__  # noqa: F401

warnings.warn("rnnlab.student has moved to rnnlab.instructor.student; import it from there "
              "(the old path goes in the next release)", DeprecationWarning, stacklevel=2)
