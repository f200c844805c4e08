# A correct answer computed with Keras 3 operations in float32 (on the configured backend): must get full marks.
import numpy as np
from keras import ops


def first_bit_readout(states, bits):
    bits = np.asarray(bits).astype(bool)
    half = len(bits) // 2
    if bits[:half].all() or not bits[:half].any():
        raise ValueError("bits: the first half needs both bit values")
    states = ops.convert_to_tensor(states, dtype="float32")
    fit, held = states[:half], states[half:]
    w1 = ops.convert_to_tensor(bits[:half, None, None], dtype="float32")
    m1 = ops.sum(fit * w1, axis=0) / float(bits[:half].sum())
    m0 = ops.sum(fit * (1 - w1), axis=0) / float((~bits[:half]).sum())
    says_one = ops.sum(ops.square(held - m1), axis=-1) < ops.sum(ops.square(held - m0), axis=-1)
    right = ops.equal(says_one, ops.convert_to_tensor(bits[half:, None]))
    return ops.mean(ops.cast(right, "float32"), axis=0)
