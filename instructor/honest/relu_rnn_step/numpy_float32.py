# A correct answer computed in numpy float32: must get full marks.
import numpy as np


def relu_rnn_step(x_t, h_prev, W, U, b):
    x_t, h_prev, W, U, b = (np.asarray(a, dtype=np.float32) for a in (x_t, h_prev, W, U, b))
    return np.maximum(x_t @ W.T + h_prev @ U.T + b, np.float32(0))
