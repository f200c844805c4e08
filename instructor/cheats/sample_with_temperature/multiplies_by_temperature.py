# Multiplies the logits by the temperature: sharper where it should be flatter, and the reverse.
import numpy as np


def sample_with_temperature(logits, temperature, rng):
    z = np.asarray(logits, dtype=np.float64) * temperature
    p = np.exp(z - z.max())
    return int(rng.choice(len(p), p=p / p.sum()))
