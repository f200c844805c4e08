# Forgets that the gate acts at every step: the bias that keeps the fraction keep after one step.
import math


def forget_bias_for(steps, keep=0.5):
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive int, got {steps!r}")
    if not 0 < keep < 1:
        raise ValueError(f"keep must be between 0 and 1, got {keep}")
    return math.log(keep / (1 - keep))
