"""Deprecated alias of :mod:`rnnlab.instructor.colab`, kept for one release: import from there instead."""
import warnings

from .instructor.colab import *  # noqa: F401,F403  (the names of rnnlab.instructor.colab.__all__)
from .instructor.colab import __all__  # noqa: F401

warnings.warn("rnnlab.colab has moved to rnnlab.instructor.colab; import it from there "
              "(the old path goes in the next release)", DeprecationWarning, stacklevel=2)
