"""Deprecated alias of :mod:`rnnlab.instructor.assign`, kept for one release: import from there instead."""
import warnings

from .instructor.assign import *  # noqa: F401,F403  (the names of rnnlab.instructor.assign.__all__)
from .instructor.assign import __all__  # noqa: F401

warnings.warn("rnnlab.assign has moved to rnnlab.instructor.assign; import it from there "
              "(the old path goes in the next release)", DeprecationWarning, stacklevel=2)
