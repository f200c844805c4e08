"""Hidden tests of relu_rnn_step(x_t, h_prev, W, U, b): fresh random sizes, weights and states on every call.

inputs() draws the cases and the float64 reference answers in the grading process; drive() runs in the fresh
process that holds the submission and returns its answers as plain float64 arrays; judge() compares them with
the shared tolerance (rnnlab.settings.EXERCISE_TOLERANCE, the self-check's). The step must not call a library
cell, and the same inputs must give the same answer whatever was called before."""
import numpy as np
from rnnlab.settings import EXERCISE_TOLERANCE

NAME = "relu_rnn_step"
NO_LIBRARY_CELLS = True


def inputs(rng):
    cases = []
    for _ in range(8):
        batch, n_in, hidden = (int(v) for v in rng.integers((1, 1, 2), (9, 7, 10)))
        W, U = rng.normal(size=(hidden, n_in)), rng.normal(size=(hidden, hidden)) / np.sqrt(hidden)
        b, x_t = rng.normal(size=hidden), rng.normal(size=(batch, n_in))
        h_prev = np.abs(rng.normal(size=(batch, hidden))) * rng.integers(0, 2, size=(batch, hidden)) + 0.1
        cases.append((x_t, h_prev, W, U, b))
    order = [int(i) for i in rng.permutation(len(cases))] + [int(i) for i in rng.permutation(len(cases))]
    want = [np.maximum(x @ W.T + h @ U.T + b, 0.0) for x, h, W, U, b in cases]
    return {"cases": cases, "order": order}, {"want": want}


def drive(fn, inputs, grading):
    used = grading.library_cell_names(fn)
    if used:
        raise grading.Refused(f"relu_rnn_step calls {', '.join(used)} instead of computing the step itself")
    answers = []
    with grading.without_library_cells():
        for i in inputs["order"]:
            got = grading.call("relu_rnn_step", fn, *(a.copy() for a in inputs["cases"][i]))
            answers.append(grading.float_array(got, "relu_rnn_step's answer"))
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
