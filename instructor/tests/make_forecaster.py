"""Hidden tests of make_forecaster(X, y, seed=0): a fresh rule for the steps on every call; the forecaster must
train, and be within 10% of each run's step size (RMS of its differences) inside the training range, far from it,
on runs with steps up to ten times larger and on runs with steps thousands of times smaller than in training
(where section 3's step model, which does not scale by the step, is off by far more; the margins are measured
by benchmarks/forecaster_check.py). About 10 s."""
import numpy as np
import rnnlab.checks


def _runs(n, a, b, rng, start_low, start_high, step_low, step_high):
    steps = [rng.choice([-1.0, 1.0], n) * rng.uniform(step_low, step_high, n) for _ in range(2)]
    steps += [a * steps[1] + b * steps[0]]
    steps += [a * steps[2] + b * steps[1]]
    X = np.cumsum(np.stack([rng.uniform(start_low, start_high, n), *steps[:3]], axis=1), axis=1)
    return X[:, :, None], X[:, -1] + steps[3]


def grade(fn):
    assert callable(fn), "make_forecaster is not a function"
    rng = np.random.default_rng()
    a, b = rng.uniform(0.2, 0.8), rng.uniform(-0.4, 0.0)   # b > 0 near a(1 - a) would let 'repeat the last step' pass
    X, y = _runs(3000, a, b, rng, 0, 100, 0.5, 3)
    with rnnlab.checks.training_steps() as steps:
        try:
            forecast = fn(X.astype(np.float32), y[:, None].astype(np.float32), seed=int(rng.integers(1000)))
        except BaseException as exc:  # noqa: BLE001 - any failure of the student's code scores 0
            raise AssertionError(f"make_forecaster raised {type(exc).__name__}: {exc}") from None
    assert steps[0] > 0, "make_forecaster does not train a network"
    assert callable(forecast), "make_forecaster does not return a function"
    for label, where in (("inside the training range", (0, 100, 0.5, 3)), ("far below it", (-30000, -2000, 0.5, 3)),
                         ("with steps 3-10 times larger", (-3000, 3000, 1.5, 10)),
                         ("with steps up to 10 times larger", (200, 900, 5, 30)),
                         ("with steps thousands of times smaller", (0, 0.01, 0.00001, 0.0001))):
        runs, truth = _runs(100, a, b, rng, *where)
        try:
            got = np.asarray(forecast(runs.copy()), dtype=np.float64).reshape(-1)
        except BaseException as exc:  # noqa: BLE001 - any failure of the student's code scores 0
            raise AssertionError(f"the forecaster raised {type(exc).__name__}: {exc}") from None
        assert got.shape == truth.shape, f"the forecaster returned {got.size} numbers for {len(runs)} runs"
        size = np.sqrt((np.diff(runs[:, :, 0], axis=1) ** 2).mean(axis=1))
        assert (np.abs(got - truth) <= 0.10 * size).all(), f"the forecaster is off by more than 10% {label}"
