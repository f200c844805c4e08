# A plausible wrong answer: the reset gate applied after U_n (the torch GRU), not before.
import numpy as np


def gru_step_cho(x_t, h, w):
    def pre(gate, state):
        return x_t @ w[f"W_{gate}"].T + state @ w[f"U_{gate}"].T + w[f"b_{gate}"]

    r, z = 1 / (1 + np.exp(-pre("r", h))), 1 / (1 + np.exp(-pre("z", h)))
    n = np.tanh(x_t @ w["W_n"].T + w["b_n"] + r * (h @ w["U_n"].T))
    return (1 - z) * n + z * h
