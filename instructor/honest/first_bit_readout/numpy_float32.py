# A correct answer computed in numpy float32: must get full marks.
import numpy as np


def first_bit_readout(states, bits):
    states, bits = np.asarray(states, dtype=np.float32), np.asarray(bits, dtype=bool)
    half = len(states) // 2
    if bits[:half].all() or not bits[:half].any():
        raise ValueError("bits: the first half needs both bit values")
    m0, m1 = states[:half][~bits[:half]].mean(axis=0), states[:half][bits[:half]].mean(axis=0)
    x = states[half:]
    says_one = np.linalg.norm(x - m1, axis=-1) < np.linalg.norm(x - m0, axis=-1)
    return (says_one == bits[half:, None]).mean(axis=0, dtype=np.float32)
