# The right distribution, drawn with numpy's global generator instead of rng: not reproducible from a seed.
import numpy as np


def sample_with_temperature(logits, temperature, rng):
    z = np.asarray(logits, dtype=np.float64) / temperature
    p = np.exp(z - z.max())
    return int(np.random.choice(len(p), p=p / p.sum()))
