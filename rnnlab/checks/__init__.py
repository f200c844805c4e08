"""Self-checks for the notebooks' coding exercises: pass your function, get a friendly pass or fail.

Each check runs the function you wrote on fresh random inputs (new ones on every call), tests what it does,
prints one line and returns ``True`` or ``False``::

    from rnnlab import checks
    passed = checks.relu_rnn_step(relu_rnn_step)     # ✅ Well done: ...   or   ❌ Not yet: <a first nudge>
    checks.hint("relu_rnn_step")                     # a stronger hint about the last failure

Hints come in two stages: a failing check prints a first nudge; ``hint(name)`` prints a stronger one about
the same failure (or, before any failure, about the exercise). Neither gives the solution, and a check
never prints the expected values. If your function raises (for example the stub's ``NotImplementedError``),
the check reports it as a hint instead of raising.

What the checks test, in short (``CHECKS`` says it in full):

- step functions are called on independent random batches, in random order, each from a random non-zero
  hidden state, and compared with :mod:`rnnlab.reference`; a step that calls ``rnnlab.reference``, a
  framework's RNN/GRU cell or an rnnlab model instead of computing the step itself does not pass;
- functions that must *train* are watched while they run: a function that takes no optimiser step (of a
  torch optimiser, or through ``rnnlab.train`` on any backend) does not pass, whatever it returns;
- a result must be of the type the exercise states: a number where it asks for one number, an array of the
  stated shape where it asks for an array.

``check(name, fn)`` runs one check by name. ``prediction(my_prediction, outcome, choices=...)`` compares the
prediction you wrote down before running a "predict, then run" cell with what the cell measured.
"""
from __future__ import annotations

# The package: engine.py runs a check and prints its line and hints; watchers.py finds and blocks library
# cells and counts optimiser steps; step_functions.py is the step test of notebooks 01 and 02; notebookNN.py
# holds notebook NN's checks with their descriptions and hints; registry.py combines those tables, read-only.
from .notebook01 import relu_rnn_step
from .notebook02 import gru_step_cho
from .notebook03 import first_bit_readout, forget_bias_for
from .notebook04 import make_forecaster
from .notebook05 import sample_with_temperature
from .notebook06 import dot_attention
from .predictions import prediction
from .registry import CHECKS, check, hint
from .watchers import library_cell_names, training_steps, without_library_cells

__all__ = ["CHECKS", "check", "dot_attention", "first_bit_readout", "forget_bias_for", "gru_step_cho", "hint",
           "library_cell_names", "make_forecaster", "prediction", "relu_rnn_step", "sample_with_temperature",
           "training_steps", "without_library_cells"]
