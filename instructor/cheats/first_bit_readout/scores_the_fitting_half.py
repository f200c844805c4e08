# Means from the first half, but the accuracy is measured on the same first half.
import numpy as np


def first_bit_readout(states, bits):
    states = np.asarray(states, dtype=np.float64)
    bits = np.asarray(bits).astype(int)
    half = len(states) // 2
    if len(set(bits[:half].tolist())) < 2:
        raise ValueError("bits must hold both values in the first half")
    fit = states[:half]
    m0, m1 = fit[bits[:half] == 0].mean(axis=0), fit[bits[:half] == 1].mean(axis=0)
    guess = ((fit - m1) ** 2).sum(-1) < ((fit - m0) ** 2).sum(-1)
    return (guess == (bits[:half, None] == 1)).mean(axis=0)
