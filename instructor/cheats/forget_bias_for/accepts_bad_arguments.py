# The right bias, but no validation: steps=0 divides by zero (ZeroDivisionError), keep=1 divides by zero, and
# steps=2.5 or keep=1.5 return a number.
import math


def forget_bias_for(steps, keep=0.5):
    gate = keep ** (1 / steps)
    return math.log(gate / (1 - gate))
