"""The shared test of a step function against rnnlab.reference: the exercises of notebooks 01 and 02."""
from __future__ import annotations

import numpy as np

from ..settings import EXERCISE_TOLERANCE
from .engine import _as_array, _call, _NotYet, _rng
from .watchers import library_cell_names, without_library_cells

# The failures of any step function (the hints of the cell's own mistakes are in its notebook's module).
HINTS = {
    "shape": ("{name} returned shape {detail}; it should return h_t with one row per sequence in the batch and "
              "one column per hidden unit, the same shape as its hidden-state argument.",
              "Which axis of x_t and of the state is the batch? Check that no product mixes rows of different "
              "sequences."),
    "memory": ("{name} gives different answers to the same inputs: it must depend on its arguments only.",
               "Do not keep anything between calls (no global state, no cache, no previous h): each call gets "
               "the previous state as an argument."),
}


def _check_step(name, fn, cell, make_weights, step_args, variants):
    """Shared test of a step function ``fn(x_t, h_prev, *step_args(weights))`` against rnnlab.reference.

    ``variants`` maps a hint key to a function weights -> CellWeights of a common mistake (used only to word the
    hint after a failure)."""
    from ..reference import forward

    names = library_cell_names(fn)
    if names:
        raise _NotYet("library_cell", ", ".join(names))
    rng = _rng()
    cases = []
    for _ in range(6):
        batch, inputs, hidden = (int(v) for v in rng.integers((2, 2, 3), (7, 6, 8)))
        weights = make_weights(inputs, hidden, int(rng.integers(2 ** 31)))
        h_prev = np.zeros((batch, hidden))
        while not np.abs(h_prev).max(axis=1).min() > 0:   # every sequence starts from a non-zero state
            prefix = rng.normal(size=(batch, int(rng.integers(1, 6)), inputs))
            h_prev = forward(prefix, weights)[:, -1]
        x_t = rng.normal(size=(batch, 1, inputs))
        expected = forward(np.concatenate([prefix, x_t], axis=1), weights)[:, -1]
        cases.append((weights, x_t[:, 0], h_prev, expected))
    order = [int(i) for i in rng.permutation(len(cases))] + [int(rng.integers(len(cases)))]
    answers = {}
    with without_library_cells():
        for i in order:
            weights, x_t, h_prev, expected = cases[i]
            got = _as_array(_call(fn, name, x_t.copy(), h_prev.copy(), *step_args(weights)), name,
                            "an array of hidden states, one row per sequence")
            if got.shape != h_prev.shape:
                raise _NotYet("shape", str(got.shape))
            if not np.all(np.isfinite(got)):
                raise _NotYet("not_finite")
            if i in answers and not np.array_equal(answers[i], got):
                raise _NotYet("memory")
            answers[i] = got
    tolerance = EXERCISE_TOLERANCE[name]
    if all(np.allclose(answers[i], cases[i][3], atol=tolerance, rtol=tolerance) for i in range(len(cases))):
        return len(cases)
    # Wrong values: step through one sequence from a zero state to name a common mistake.
    weights = cases[0][0]
    x = rng.normal(size=(4, 5, weights.input_size))
    h, states = np.zeros((4, weights.hidden_size)), []
    with without_library_cells():
        for t in range(x.shape[1]):
            h = _as_array(_call(fn, name, x[:, t].copy(), h.copy(), *step_args(weights)), name, "an array")
            states.append(h)
    states = np.stack(states, axis=1)
    for key, variant in variants.items():
        if key == "relu_negative":
            if (states < 0).any():
                raise _NotYet(key)
        elif np.allclose(states, forward(x, variant(weights)), atol=tolerance, rtol=tolerance):
            raise _NotYet(key)
    raise _NotYet(f"{cell}_values")


def _weights_with(weights, **arrays):
    from ..weights import CellWeights

    activation = arrays.pop("activation", weights.activation)
    reset_after = arrays.pop("reset_after", weights.reset_after)
    return CellWeights(weights.cell, activation, {**weights.arrays, **arrays}, reset_after)


def _float64(weights, *names):
    return tuple(weights.arrays[k].astype(np.float64) for k in names)

