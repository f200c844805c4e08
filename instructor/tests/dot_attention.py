"""Hidden tests of dot_attention(query, values, mask): fresh random padded batches on every call; the weights and
contexts must be dot-product attention over the real positions only, finite for large scores.

inputs() draws the batches (every fifth with the query scaled by 300, so that scores reach the thousands) and the
float64 reference answers in the grading process; drive() runs in the fresh process that holds the submission and
returns its (context, weights) as plain float64 arrays; judge() checks the shapes, that the answers are finite, that
masked positions get exactly no weight, and compares the weights and contexts with the shared tolerance
(rnnlab.settings.EXERCISE_TOLERANCE, the self-check's), which a correct float32 answer in numpy, torch or Keras meets.
The same batch must give the same answer whatever was called before."""
import numpy as np
from rnnlab.settings import EXERCISE_TOLERANCE

NAME = "dot_attention"


def _reference(query, values, mask):
    """Position by position, in float64: the softmax of the real positions' scores, shifted by their largest."""
    B, T, _ = values.shape
    weights = np.zeros((B, T))
    for b in range(B):
        s = [float(np.dot(values[b, t], query[b])) if mask[b, t] else None for t in range(T)]
        top = max(x for x in s if x is not None)
        e = [np.exp(x - top) if x is not None else 0.0 for x in s]
        weights[b] = np.array(e) / sum(e)
    context = np.stack([sum(weights[b, t] * values[b, t] for t in range(T)) for b in range(B)])
    return context, weights


def inputs(rng):
    cases = []
    for trial in range(30):
        B, T, K = int(rng.integers(1, 7)), int(rng.integers(1, 15)), int(rng.integers(1, 20))
        lengths = 1 + rng.integers(0, T, size=B)
        mask = np.arange(T) < lengths[:, None]
        values = rng.standard_normal((B, T, K))
        query = rng.standard_normal((B, K)) * (300.0 if trial % 5 == 0 else 1.0)
        cases.append((query, values, mask))
    order = list(range(len(cases))) + [int(i) for i in rng.choice(len(cases), size=5, replace=False)]
    return {"cases": cases, "order": order}, {"want": [_reference(*case) for case in cases]}


def drive(fn, inputs, grading):
    answers = []
    for i in inputs["order"]:
        out = grading.call("dot_attention", fn, *(a.copy() for a in inputs["cases"][i]))
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise grading.Refused(f"dot_attention must return (context, weights), got {grading.describe(out)}")
        answers.append([grading.float_array(out[0], "dot_attention's context"),
                        grading.float_array(out[1], "dot_attention's weights")])
    return answers


def judge(inputs, private, results):
    tolerance = EXERCISE_TOLERANCE[NAME]
    seen = {}
    assert len(results) == len(inputs["order"]), f"{NAME} gave {len(results)} answers"
    for i, (context, weights) in zip(inputs["order"], results):
        query, values, mask = inputs["cases"][i]
        B, T, K = values.shape
        right_context, right_weights = private["want"][i]
        assert context.shape == (B, K) and weights.shape == (B, T), \
            f"{NAME} returned shapes {context.shape} and {weights.shape} for B={B}, T={T}, K={K}"
        assert np.all(np.isfinite(context)) and np.all(np.isfinite(weights)), f"{NAME} returned NaN or inf"
        assert np.all(weights[~mask] == 0), f"{NAME} puts weight on masked positions"
        assert np.allclose(weights, right_weights, atol=tolerance, rtol=tolerance), \
            f"{NAME}'s weights are not the softmax of the scores over each row's positions"
        assert np.allclose(context, right_context, atol=tolerance, rtol=tolerance), \
            f"{NAME}'s contexts are not the weighted sum of the states"
        assert i not in seen or all(np.array_equal(a, b) for a, b in zip(seen[i], (context, weights))), \
            f"{NAME} depends on earlier calls"
        seen[i] = (context, weights)
