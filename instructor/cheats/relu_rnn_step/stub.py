def relu_rnn_step(x_t, h_prev, W, U, b):
    """One ReLU-RNN step for a batch: x_t (batch, input), h_prev (batch, hidden) -> h_t (batch, hidden)."""
    raise NotImplementedError("hint: the same affine map as rnn_step; only the activation changes")
