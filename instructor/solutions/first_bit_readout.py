import numpy as np


def first_bit_readout(states, bits):
    """Accuracy, step by step, of reading the first bit from the hidden state by the nearer class mean.

    states: (batch, time, hidden) hidden states; bits: (batch,) first bits, 0 or 1. The class means come from the
    first half of the batch (rows 0 to batch // 2 - 1), the accuracy from the second half; ties go to bit 0.
    Returns a float64 array of shape (time,)."""
    states = np.asarray(states, dtype=np.float64)
    bits = np.asarray(bits).astype(int)
    half = len(states) // 2
    fit_bits = bits[:half]
    if not (fit_bits == 0).any() or not (fit_bits == 1).any():
        raise ValueError("bits must hold both 0 and 1 in the first half of the batch")
    mean0 = states[:half][fit_bits == 0].mean(axis=0)          # (time, hidden)
    mean1 = states[:half][fit_bits == 1].mean(axis=0)
    test = states[half:]
    to0 = ((test - mean0) ** 2).sum(axis=2)                     # (test rows, time)
    to1 = ((test - mean1) ** 2).sum(axis=2)
    guess = (to1 < to0).astype(int)                             # a tie goes to 0
    return (guess == bits[half:, None]).mean(axis=0)
