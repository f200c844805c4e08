import math


def forget_bias_for(steps, keep=0.5):
    """The forget-gate bias b_f at which a fraction `keep` of the cell state survives `steps` steps (input gate
    closed): sigmoid(b_f) ** steps == keep."""
    if isinstance(steps, bool) or not isinstance(steps, int):
        raise TypeError(f"steps must be a positive int, got {steps!r}")
    if steps < 1:
        raise ValueError(f"steps must be a positive int, got {steps}")
    if not 0 < keep < 1:
        raise ValueError(f"keep must be strictly between 0 and 1, got {keep}")
    gate = keep ** (1 / steps)              # the forget gate's value at every step
    return math.log(gate / (1 - gate))      # the inverse of the sigmoid (the logit)
