"""The self-check of notebook 05's coding exercise (character language model): ``sample_with_temperature``."""
from __future__ import annotations

import numpy as np

from ..settings import EXERCISE_TOLERANCE
from .engine import _call, _check_callable, _NotYet, _rng, _run_check

CHECKS = {
    "sample_with_temperature": (
        "calls your function on random logits (3 to 80 entries) at temperatures 0.5, 1 and 2 with numpy generators "
        "it creates, draws 4000 characters each time and compares the frequencies with softmax(logits / "
        "temperature) (total variation below 0.05); at temperature 0.01 every draw must be the most likely id; two "
        "generators with the same seed must give the same draws; the result must be an int id"),
}

# hint(name) before any failure: about the exercise as a whole.
GENERAL = {
    "sample_with_temperature": ("Divide the logits by the temperature, turn them into probabilities with a "
                                "softmax, and let the generator you are given draw one id from them."),
}

HINTS = {
    "sample_not_id": ("{name} should return one id, an int between 0 and len(logits) - 1, got {detail}.",
                      "Return the index of the drawn character, not the probabilities or a character."),
    "sample_rng": ("{name} gives different draws for two generators with the same seed.",
                   "Draw with the generator passed in as rng (e.g. rng.choice), not with np.random or a new one."),
    "sample_distribution": ("{name} draws ids with frequencies far from softmax(logits / temperature) at "
                            "temperature {detail}.",
                            "Check where the temperature goes (the logits are divided by it) and that the "
                            "probabilities are a softmax: exponentials normalised to sum to 1."),
    "sample_greedy": ("at a very low temperature {name} should (almost) always return the most likely id.",
                      "A temperature near 0 multiplies the differences between logits by a large number; "
                      "subtract the largest logit before exponentiating so that nothing overflows."),
}


def sample_with_temperature(fn):
    """Check ``fn(logits, temperature, rng) -> int``: one character id drawn from softmax(logits / temperature)
    with the numpy generator ``rng`` (notebook 05)."""
    _check_callable(fn)
    name = "sample_with_temperature"

    def draw(logits, temperature, rng):
        value = _call(fn, name, logits.copy(), temperature, rng)
        if isinstance(value, np.ndarray) and value.shape == ():
            value = value.item()
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) \
                or not 0 <= int(value) < len(logits):
            raise _NotYet("sample_not_id", f"{type(value).__name__} {value!r:.40}")
        return int(value)

    def body():
        rng = _rng()
        n_draws = 4000
        for temperature in rng.permutation([0.5, 1.0, 2.0]):
            # At most 16 ids: with 4000 draws a correct sampler then stays below 0.05 total variation
            # (at 80 ids and temperature 2 its sampling noise alone reaches 0.05 about every second run).
            logits = rng.normal(0.0, 2.0, size=int(rng.integers(3, 17)))
            z = logits / temperature
            p = np.exp(z - z.max())
            p /= p.sum()
            seed = int(rng.integers(2**31))
            gen = np.random.default_rng(seed)
            ids = [draw(logits, float(temperature), gen) for _ in range(n_draws)]
            twin = np.random.default_rng(seed)
            if [draw(logits, float(temperature), twin) for _ in range(20)] != ids[:20]:
                raise _NotYet("sample_rng")
            freq = np.bincount(ids, minlength=len(logits)) / n_draws
            if 0.5 * np.abs(freq - p).sum() > EXERCISE_TOLERANCE["sample_with_temperature"]:
                raise _NotYet("sample_distribution", f"{temperature:g}")
        logits = rng.normal(0.0, 1.0, size=30)
        logits[int(rng.integers(30))] = logits.max() + 1.0  # a clear favourite (adding 1 can leave a near tie)
        gen = np.random.default_rng(int(rng.integers(2**31)))
        if any(draw(logits * 100.0, 0.01, gen) != int(np.argmax(logits)) for _ in range(50)):
            raise _NotYet("sample_greedy")
        return (f"{name} draws from softmax(logits / temperature) at temperatures 0.5, 1 and 2 ({n_draws} draws "
                "each), is greedy at 0.01 and reproducible with a seeded generator.")

    return _run_check(name, body, HINTS)

