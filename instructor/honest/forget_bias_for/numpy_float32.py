# A correct answer computed in numpy float32: must get full marks.
import numpy as np


def forget_bias_for(steps, keep=0.5):
    if isinstance(steps, bool) or not isinstance(steps, int):
        raise TypeError(f"steps must be a positive int, got {steps!r}")
    if steps < 1 or not 0 < keep < 1:
        raise ValueError(f"steps must be positive and keep in (0, 1), got steps={steps}, keep={keep}")
    gate = np.float32(keep) ** np.float32(1 / steps)
    return float(np.log(gate / (np.float32(1) - gate)))
