# A correct answer computed in numpy float32: must get full marks.
import numpy as np


def gru_step_cho(x_t, h, w):
    x_t, h = np.asarray(x_t, dtype=np.float32), np.asarray(h, dtype=np.float32)
    w = {k: np.asarray(v, dtype=np.float32) for k, v in w.items()}
    sigmoid = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
    r = sigmoid(x_t @ w["W_r"].T + h @ w["U_r"].T + w["b_r"])
    z = sigmoid(x_t @ w["W_z"].T + h @ w["U_z"].T + w["b_z"])
    n = np.tanh(x_t @ w["W_n"].T + (r * h) @ w["U_n"].T + w["b_n"])
    return (1 - z) * n + z * h
