# A correct answer computed with Keras 3 operations in float32 (on the configured backend): must get full marks.
from keras import ops


def forget_bias_for(steps, keep=0.5):
    if isinstance(steps, bool) or not isinstance(steps, int):
        raise TypeError(f"steps must be a positive int, got {steps!r}")
    if steps < 1 or not 0 < keep < 1:
        raise ValueError(f"steps must be positive and keep in (0, 1), got steps={steps}, keep={keep}")
    gate = ops.power(ops.convert_to_tensor(keep, dtype="float32"), 1 / steps)
    return float(ops.convert_to_numpy(ops.log(gate) - ops.log(1 - gate)))
