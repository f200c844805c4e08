# Takes the class means over the whole batch (the scored half included), then scores the second half.
import numpy as np


def first_bit_readout(states, bits):
    states = np.asarray(states, dtype=np.float64)
    bits = np.asarray(bits).astype(int)
    half = len(states) // 2
    if len(set(bits[:half].tolist())) < 2:
        raise ValueError("bits must hold both values in the first half")
    m0, m1 = states[bits == 0].mean(axis=0), states[bits == 1].mean(axis=0)
    x = states[half:]
    guess = ((x - m1) ** 2).sum(-1) < ((x - m0) ** 2).sum(-1)
    return (guess == (bits[half:, None] == 1)).mean(axis=0)
