"""Hidden tests of relu_rnn_step(x_t, h_prev, W, U, b): fresh random sizes, weights and states on every call."""
import numpy as np
import rnnlab.checks


def _relu_step_reference(x_t, h_prev, W, U, b):
    return np.maximum(x_t @ W.T + h_prev @ U.T + b, 0.0)


def grade(fn):
    assert callable(fn), "relu_rnn_step is not a function"
    used = rnnlab.checks.library_cell_names(fn)
    assert not used, f"relu_rnn_step calls {', '.join(used)} instead of computing the step"
    rng = np.random.default_rng()
    cases = []
    for _ in range(8):
        batch, inputs, hidden = (int(v) for v in rng.integers((1, 1, 2), (9, 7, 10)))
        W, U = rng.normal(size=(hidden, inputs)), rng.normal(size=(hidden, hidden)) / np.sqrt(hidden)
        b, x_t = rng.normal(size=hidden), rng.normal(size=(batch, inputs))
        h_prev = np.abs(rng.normal(size=(batch, hidden))) * rng.integers(0, 2, size=(batch, hidden)) + 0.1
        cases.append((x_t, h_prev, W, U, b))
    order = list(rng.permutation(len(cases))) + list(rng.permutation(len(cases)))
    seen = {}
    with rnnlab.checks.without_library_cells():
        for i in order:
            args = cases[i]
            try:
                got = np.asarray(fn(*(a.copy() for a in args)), dtype=np.float64)
            except BaseException as exc:  # noqa: BLE001 - any failure of the student's code scores 0
                raise AssertionError(f"relu_rnn_step raised {type(exc).__name__}: {exc}") from None
            want = _relu_step_reference(*args)
            assert got.shape == want.shape, f"relu_rnn_step returned shape {got.shape}, expected {want.shape}"
            assert np.allclose(got, want, atol=1e-8, rtol=1e-8), "relu_rnn_step returns wrong values"
            assert i not in seen or np.array_equal(seen[i], got), "relu_rnn_step depends on earlier calls"
            seen[i] = got
