import numpy as np


def sample_with_temperature(logits, temperature, rng):
    """One character id drawn from softmax(logits / temperature) with the numpy generator rng."""
    z = np.asarray(logits, dtype=np.float64) / temperature
    p = np.exp(z - z.max())
    return int(rng.choice(len(p), p=p / p.sum()))
