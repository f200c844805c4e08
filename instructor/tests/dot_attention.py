"""Hidden tests of dot_attention(query, values, mask): fresh random padded batches on every call; the weights
and contexts must be dot-product attention over the real positions only, finite for large scores."""
import numpy as np

NAME = "dot_attention"


def _reference(query, values, mask):
    B, T, _ = values.shape
    weights = np.zeros((B, T))
    for b in range(B):
        s = [float(np.dot(values[b, t], query[b])) if mask[b, t] else None for t in range(T)]
        top = max(x for x in s if x is not None)
        e = [np.exp(x - top) if x is not None else 0.0 for x in s]
        weights[b] = np.array(e) / sum(e)
    context = np.stack([sum(weights[b, t] * values[b, t] for t in range(T)) for b in range(B)])
    return context, weights


def _call(fn, *args):
    try:
        out = fn(*(a.copy() for a in args))
    except BaseException as exc:  # noqa: BLE001 - any failure of the student's code scores 0
        raise AssertionError(f"{NAME} raised {type(exc).__name__}: {exc}") from None
    assert isinstance(out, (tuple, list)) and len(out) == 2, f"{NAME} must return (context, weights)"
    context, weights = (np.asarray(a, dtype=np.float64) for a in out)
    return context, weights


def grade(fn):
    assert callable(fn), f"{NAME} is not a function"
    rng = np.random.default_rng()
    for trial in range(30):
        B, T, K = int(rng.integers(1, 7)), int(rng.integers(1, 15)), int(rng.integers(1, 20))
        lengths = 1 + rng.integers(0, T, size=B)
        mask = np.arange(T) < lengths[:, None]
        values = rng.standard_normal((B, T, K))
        query = rng.standard_normal((B, K)) * (300.0 if trial % 5 == 0 else 1.0)
        context, weights = _call(fn, query, values, mask)
        assert context.shape == (B, K) and weights.shape == (B, T), \
            f"{NAME} returned shapes {context.shape} and {weights.shape} for B={B}, T={T}, K={K}"
        assert np.all(np.isfinite(context)) and np.all(np.isfinite(weights)), f"{NAME} returned NaN or inf"
        assert np.all(weights[~mask] == 0), f"{NAME} puts weight on masked positions"
        right_context, right_weights = _reference(query, values, mask)
        assert np.allclose(weights, right_weights, rtol=0, atol=1e-7), f"{NAME}'s weights are not the softmax"
        assert np.allclose(context, right_context, rtol=0, atol=1e-7), f"{NAME}'s contexts are not the weighted sum"
