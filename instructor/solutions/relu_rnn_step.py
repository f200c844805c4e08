import numpy as np


def relu_rnn_step(x_t, h_prev, W, U, b):
    return np.maximum(x_t @ W.T + h_prev @ U.T + b, 0.0)
