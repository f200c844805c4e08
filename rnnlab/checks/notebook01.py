"""The self-check of notebook 01's coding exercise: ``relu_rnn_step``."""
from __future__ import annotations

import numpy as np

from .step_functions import HINTS as STEP_HINTS
from .engine import _check_callable, _run_check
from .step_functions import _check_step, _float64, _weights_with

CHECKS = {
    "relu_rnn_step": "calls your step on 6 independent random batches (new weights and sizes each time), in "
                     "random order, each from a random non-zero hidden state, and compares each result with "
                     "rnnlab.reference.rnn_forward on ReLU weights; one batch is given twice and must get the "
                     "same answer; the step must not call rnnlab.reference or a framework's cell",
}

# hint(name) before any failure: about the exercise as a whole.
GENERAL = {
    "relu_rnn_step": "The step is the simple RNN's affine map of section 3 followed by a ReLU; compare your line "
                     "with the section's rnn_step term by term.",
}

HINTS = {
    "relu_negative": ("{name} returns negative values, but a ReLU never does.",
                      "The ReLU acts on the whole pre-activation, after every term has been added."),
    "relu_u_transposed": ("{name} uses U the wrong way round.",
                          "With states as rows (batch, hidden), every term must multiply by a matrix the same "
                          "way; compare the recurrent term with the input term."),
    "relu_no_bias": ("{name} seems to leave out a term.", "Count the terms of the pre-activation in section 3."),
    "relu_values": ("{name} returns the right shapes but different values from rnnlab.reference.rnn_forward.",
                    "Run your step and rnnlab.reference.rnn_forward on the same one-step sequence from a zero "
                    "state and compare; then from a non-zero state."),
}


def relu_rnn_step(fn):
    """Check ``fn(x_t, h_prev, W, U, b) -> h_t``, one step of a ReLU RNN on a batch (notebook 01)."""
    _check_callable(fn)

    def body():
        from ..weights import random_weights

        n = _check_step(
            "relu_rnn_step", fn, "relu",
            lambda i, h, seed: random_weights("rnn", i, h, activation="relu", scale=0.8, seed=seed),
            lambda w: _float64(w, "W", "U", "b"),
            {"relu_negative": None,
             "relu_u_transposed": lambda w: _weights_with(w, U=w.arrays["U"].T.copy()),
             "relu_no_bias": lambda w: _weights_with(w, b=np.zeros_like(w.arrays["b"]))})
        return f"relu_rnn_step matches rnnlab.reference.rnn_forward on {n} random batches, from non-zero states."

    return _run_check("relu_rnn_step", body, HINTS, STEP_HINTS)

