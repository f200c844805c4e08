"""Hidden tests of gru_step_cho(x_t, h, w): fresh random sizes, weights and states on every call.

inputs() draws the cases and the float64 reference answers in the grading process; drive() runs in the fresh
process that holds the submission and returns its answers as plain float64 arrays; judge() compares them with
the shared tolerance (rnnlab.settings.EXERCISE_TOLERANCE, the self-check's), which a correct float32 step in numpy,
torch or Keras meets. The step must not call a library cell, and the same inputs must give the same answer
whatever was called before."""
import numpy as np
from rnnlab.settings import EXERCISE_TOLERANCE

NAME = "gru_step_cho"
NO_LIBRARY_CELLS = True


def _reference(x_t, h, w):
    sig = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
    r = sig(x_t @ w["W_r"].T + h @ w["U_r"].T + w["b_r"])
    z = sig(x_t @ w["W_z"].T + h @ w["U_z"].T + w["b_z"])
    n = np.tanh(x_t @ w["W_n"].T + (r * h) @ w["U_n"].T + w["b_n"])
    return (1 - z) * n + z * h


def inputs(rng):
    cases = []
    for _ in range(8):
        batch, n_in, hidden = (int(v) for v in rng.integers((1, 1, 2), (9, 7, 10)))
        w = {f"{kind}_{gate}": rng.normal(size=shape) for gate in "rzn"
             for kind, shape in (("W", (hidden, n_in)), ("U", (hidden, hidden)), ("b", (hidden,)))}
        cases.append((rng.normal(size=(batch, n_in)), rng.uniform(-0.9, 0.9, size=(batch, hidden)), w))
    order = [int(i) for i in rng.permutation(len(cases))] + [int(i) for i in rng.permutation(len(cases))]
    return {"cases": cases, "order": order}, {"want": [_reference(*case) for case in cases]}


def drive(fn, inputs, grading):
    used = grading.library_cell_names(fn)
    if used:
        raise grading.Refused(f"gru_step_cho calls {', '.join(used)} instead of computing the step itself")
    answers = []
    with grading.without_library_cells():
        for i in inputs["order"]:
            x_t, h, w = inputs["cases"][i]
            got = grading.call("gru_step_cho", fn, x_t.copy(), h.copy(), {k: v.copy() for k, v in w.items()})
            answers.append(grading.float_array(got, "gru_step_cho's answer"))
    return answers


def judge(inputs, private, results):
    tolerance = EXERCISE_TOLERANCE[NAME]
    seen = {}
    assert len(results) == len(inputs["order"]), f"{NAME} gave {len(results)} answers"
    for i, got in zip(inputs["order"], results):
        want = private["want"][i]
        assert got.shape == want.shape, f"{NAME} returned shape {got.shape}, expected {want.shape}"
        assert np.allclose(got, want, atol=tolerance, rtol=tolerance), f"{NAME} returns wrong values"
        assert i not in seen or np.array_equal(seen[i], got), f"{NAME} depends on earlier calls"
        seen[i] = got
