"""Hidden tests of sample_with_temperature(logits, temperature, rng): fresh random logits, temperatures and seeds
on every call; the draws must follow softmax(logits / temperature) and come from rng alone."""
import numpy as np

NAME = "sample_with_temperature"


def _softmax(logits, temperature):
    z = np.asarray(logits, dtype=np.float64) / temperature
    p = np.exp(z - z.max())
    return p / p.sum()


def _draw(fn, logits, temperature, rng):
    try:
        value = fn(logits.copy(), temperature, rng)
    except BaseException as exc:  # noqa: BLE001 - any failure of the student's code scores 0
        raise AssertionError(f"{NAME} raised {type(exc).__name__}: {exc}") from None
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value.item()
    assert isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)), \
        f"{NAME} returned {type(value).__name__}, not an int"
    assert 0 <= int(value) < len(logits), f"{NAME} returned {value}, not an id of the {len(logits)} logits"
    return int(value)


def grade(fn):
    assert callable(fn), f"{NAME} is not a function"
    rng = np.random.default_rng()
    n_draws = 5000
    temperatures = [float(t) for t in rng.permutation([rng.uniform(0.3, 0.7), 1.0, rng.uniform(1.5, 3.0)])]
    for temperature in temperatures:
        logits = rng.normal(0.0, 2.0, size=int(rng.integers(4, 13)))
        seed = int(rng.integers(2**32))
        stream = np.random.default_rng(seed)
        ids = [_draw(fn, logits, temperature, stream) for _ in range(n_draws)]
        replay = np.random.default_rng(seed)
        assert [_draw(fn, logits, temperature, replay) for _ in range(30)] == ids[:30], \
            f"{NAME} does not draw reproducibly from the generator it is given"
        freq = np.bincount(ids, minlength=len(logits)) / len(ids)
        distance = 0.5 * np.abs(freq - _softmax(logits, temperature)).sum()
        assert distance < 0.045, f"{NAME}'s draws are far from softmax(logits / temperature) at " \
                                 f"temperature {temperature:.2f} (total variation {distance:.3f})"
    # Two different seeds must give different sequences (the generator is used, not ignored).
    logits = np.zeros(10)
    a, b = (np.random.default_rng(int(s)) for s in rng.integers(2**32, size=2))
    assert [_draw(fn, logits, 1.0, a) for _ in range(30)] != [_draw(fn, logits, 1.0, b) for _ in range(30)], \
        f"{NAME} draws the same ids from generators with different seeds"
    # A very low temperature is greedy; a very high one is close to uniform.
    logits = rng.normal(0.0, 1.0, size=20)
    logits[int(rng.integers(20))] = logits.max() + 1.0  # ahead of the next by 1, so at 0.001 the next has e^-1000
    gen = np.random.default_rng(int(rng.integers(2**32)))
    assert all(_draw(fn, logits, 1e-3, gen) == int(np.argmax(logits)) for _ in range(50)), \
        f"{NAME} is not greedy at temperature 0.001"
    freq = np.bincount([_draw(fn, logits, 1e3, gen) for _ in range(n_draws)], minlength=20) / n_draws
    assert 0.5 * np.abs(freq - 1 / 20).sum() < 0.05, f"{NAME} is not close to uniform at temperature 1000"
