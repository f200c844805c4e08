"""The self-check of notebook 02's coding exercise: ``gru_step_cho``."""
from __future__ import annotations

import numpy as np

from .step_functions import HINTS as STEP_HINTS
from .engine import _check_callable, _run_check
from .step_functions import _check_step, _weights_with

CHECKS = {
    "gru_step_cho": "the same test as relu_rnn_step for the GRU with the reset gate before U_n, compared with "
                    "rnnlab.reference.gru_forward on reset_after=False weights",
}

# hint(name) before any failure: about the exercise as a whole.
GENERAL = {
    "gru_step_cho": "Write the two gates one line each, then the candidate, then the mix of the old state and the "
                    "candidate; only the candidate differs from gru_step, in where the reset gate acts.",
}

HINTS = {
    "gru_reset_after": ("{name} applies the reset gate after U_n (the torch form).",
                        "In Cho et al.'s form the reset gate scales the previous state before it meets U_n."),
    "gru_swapped_z": ("{name} swaps the roles of z and 1 - z.",
                      "Here z is the share of the *old* state that is kept."),
    "gru_values": ("{name} returns the right shapes but different values from rnnlab.reference.gru_forward.",
                   "Check each gate on its own: r and z use the sigmoid, the candidate uses tanh, and each has "
                   "its own W, U and b."),
}


def gru_step_cho(fn):
    """Check ``fn(x_t, h, w) -> h_t``, one step of the Cho et al. (2014) GRU (notebook 02).

    ``w`` is a dict of float64 arrays named as ``rnnlab.weights.array_names('gru', reset_after=False)``.
    """
    _check_callable(fn)

    def body():
        from ..weights import random_weights

        def torch_form(w):
            return _weights_with(w, b_hn=np.zeros_like(w.arrays["b_n"]), reset_after=True)

        def swapped(w):
            return _weights_with(w, **{k: -w.arrays[k] for k in ("W_z", "U_z", "b_z")})

        n = _check_step(
            "gru_step_cho", fn, "gru",
            lambda i, h, seed: random_weights("gru", i, h, reset_after=False, scale=0.9, seed=seed),
            lambda w: ({k: a.astype(np.float64) for k, a in w.arrays.items()},),
            {"gru_reset_after": torch_form, "gru_swapped_z": swapped})
        return (f"gru_step_cho matches rnnlab.reference.gru_forward(reset_after=False) on {n} random batches, "
                "from non-zero states.")

    return _run_check("gru_step_cho", body, HINTS, STEP_HINTS)

