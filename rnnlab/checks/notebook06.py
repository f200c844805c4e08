"""The self-check of notebook 06's coding exercise (sequence to sequence): ``dot_attention``."""
from __future__ import annotations

import numpy as np

from ..settings import EXERCISE_TOLERANCE
from .engine import _as_array, _call, _check_callable, _NotYet, _rng, _run_check

_TOLERANCE = EXERCISE_TOLERANCE["dot_attention"]   # the hidden test's too

CHECKS = {
    "dot_attention": (
        "calls your function on random padded batches (1 to 5 rows, 2 to 12 positions, 2 to 16 features, each row "
        "with its own length, the rest masked) and compares the weights and contexts with dot-product attention "
        f"(to within {_TOLERANCE:g} times one plus the size of each value); the weights must be 0 at masked "
        "positions and sum to 1 over each row; a batch with scores in the hundreds must still give finite weights; "
        "the inputs must not be changed"),
}

# hint(name) before any failure: about the exercise as a whole.
GENERAL = {
    "dot_attention": ("Score each position by the dot product of its state with the query, keep the masked "
                      "positions out of the softmax, and average the states with the weights."),
}

HINTS = {
    "attention_pair": ("{name} should return two arrays, the contexts and the weights, got {detail}.",
                       "Return a tuple (context, weights): context of shape (batch, features), weights of shape "
                       "(batch, positions)."),
    "attention_shape": ("{name} returned {detail}.",
                        "The weights have one value per row and position; the context one vector per row, as long "
                        "as a state."),
    "attention_pads": ("{name} gives weight to masked positions (padding).",
                       "Before the softmax, give the masked positions a score of minus infinity, so that their "
                       "exponential is exactly 0."),
    "attention_sum": ("the weights of {name} do not sum to 1 over the positions of a row.",
                      "Normalise over the positions axis (axis 1), not over the batch or over everything."),
    "attention_values": ("{name} gives weights or contexts that differ from dot-product attention.",
                         "The score of position j is the sum over features of query times state j; the context is "
                         "the sum over positions of weight times state."),
    "attention_large": ("{name} returns NaN or infinite values when the scores are in the hundreds.",
                        "The exponential of a score above about 700 overflows: subtract each row's largest score "
                        "before exponentiating (the softmax does not change)."),
    "attention_inputs": ("{name} changes the arrays it is given.",
                         "Compute on new arrays; do not write into query, values or mask."),
}


def _expected(query, values, mask):
    weights = np.zeros(mask.shape)
    for b in range(len(query)):
        real = np.flatnonzero(mask[b])
        e = values[b, real] @ query[b]
        e = np.exp(e - np.max(e))
        weights[b, real] = e / np.sum(e)
    return np.einsum("bt,btk->bk", weights, values), weights


def _close(got, want):
    return np.allclose(got, want, atol=_TOLERANCE, rtol=_TOLERANCE)


def _batch(rng, scale=1.0):
    B, T, K = int(rng.integers(1, 6)), int(rng.integers(2, 13)), int(rng.integers(2, 17))
    lengths = rng.integers(1, T + 1, size=B)
    lengths[int(rng.integers(B))] = T                  # one row without padding
    mask = np.arange(T)[None, :] < lengths[:, None]
    values = rng.normal(size=(B, T, K))
    values[~mask] = rng.normal(size=(int((~mask).sum()), K))   # padded states are not zeros: the mask must act
    return scale * rng.normal(size=(B, K)), values, mask


def dot_attention(fn):
    """Check ``fn(query, values, mask) -> (context, weights)``: dot-product attention over the masked positions
    (notebook 06)."""
    _check_callable(fn)
    name = "dot_attention"

    def run(query, values, mask):
        copies = (query.copy(), values.copy(), mask.copy())
        out = _call(fn, name, query, values, mask)
        if not all(np.array_equal(a, b) for a, b in zip(copies, (query, values, mask))):
            raise _NotYet("attention_inputs")
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise _NotYet("attention_pair", f"{type(out).__name__}")
        context = _as_array(out[0], name, "contexts of shape (batch, features)")
        weights = _as_array(out[1], name, "weights of shape (batch, positions)")
        if context.shape != (len(query), values.shape[2]) or weights.shape != mask.shape:
            raise _NotYet("attention_shape", f"contexts {context.shape} and weights {weights.shape} for a batch "
                                             f"of {len(query)} rows, {mask.shape[1]} positions and "
                                             f"{values.shape[2]} features")
        return context, weights

    def body():
        rng = _rng()
        for _ in range(20):
            query, values, mask = _batch(rng)
            context, weights = run(query, values, mask)
            if not np.all(np.isfinite(weights)) or not np.all(np.isfinite(context)):
                raise _NotYet("not_finite")
            if np.abs(weights[~mask]).max(initial=0.0) > 1e-12:
                raise _NotYet("attention_pads")
            if np.abs(weights.sum(axis=1) - 1).max() > _TOLERANCE:
                raise _NotYet("attention_sum")
            right_context, right_weights = _expected(query, values, mask)
            if not (_close(weights, right_weights) and _close(context, right_context)):
                raise _NotYet("attention_values")
        for _ in range(5):
            query, values, mask = _batch(rng, scale=200.0)
            context, weights = run(query, values, mask)
            if not np.all(np.isfinite(weights)) or not np.all(np.isfinite(context)):
                raise _NotYet("attention_large")
            right_context, right_weights = _expected(query, values, mask)
            if not (_close(weights, right_weights) and _close(context, right_context)):
                raise _NotYet("attention_values")
        return (f"{name} matches dot-product attention on 25 padded batches, leaves every masked position out and "
                "stays finite with scores in the hundreds.")

    return _run_check(name, body, HINTS)
