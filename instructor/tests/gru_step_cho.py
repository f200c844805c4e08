"""Hidden tests of gru_step_cho(x_t, h, w): fresh random sizes, weights and states on every call."""
import numpy as np
import rnnlab.checks


def _cho_step_reference(x_t, h, w):
    sig = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
    r = sig(x_t @ w["W_r"].T + h @ w["U_r"].T + w["b_r"])
    z = sig(x_t @ w["W_z"].T + h @ w["U_z"].T + w["b_z"])
    n = np.tanh(x_t @ w["W_n"].T + (r * h) @ w["U_n"].T + w["b_n"])
    return (1 - z) * n + z * h


def grade(fn):
    assert callable(fn), "gru_step_cho is not a function"
    used = rnnlab.checks.library_cell_names(fn)
    assert not used, f"gru_step_cho calls {', '.join(used)} instead of computing the step"
    rng = np.random.default_rng()
    cases = []
    for _ in range(8):
        batch, inputs, hidden = (int(v) for v in rng.integers((1, 1, 2), (9, 7, 10)))
        w = {f"{kind}_{gate}": rng.normal(size=shape) for gate in "rzn"
             for kind, shape in (("W", (hidden, inputs)), ("U", (hidden, hidden)), ("b", (hidden,)))}
        x_t, h = rng.normal(size=(batch, inputs)), rng.uniform(-0.9, 0.9, size=(batch, hidden))
        cases.append((x_t, h, w))
    order = list(rng.permutation(len(cases))) + list(rng.permutation(len(cases)))
    seen = {}
    with rnnlab.checks.without_library_cells():
        for i in order:
            x_t, h, w = cases[i]
            try:
                got = np.asarray(fn(x_t.copy(), h.copy(), {k: v.copy() for k, v in w.items()}), dtype=np.float64)
            except BaseException as exc:  # noqa: BLE001 - any failure of the student's code scores 0
                raise AssertionError(f"gru_step_cho raised {type(exc).__name__}: {exc}") from None
            want = _cho_step_reference(x_t, h, w)
            assert got.shape == want.shape, f"gru_step_cho returned shape {got.shape}, expected {want.shape}"
            assert np.allclose(got, want, atol=1e-8, rtol=1e-8), "gru_step_cho returns wrong values"
            assert i not in seen or np.array_equal(seen[i], got), "gru_step_cho depends on earlier calls"
            seen[i] = got
