# A correct answer computed in torch float32 (about 1e-7 from the float64 reference): must get full marks.
import torch


def relu_rnn_step(x_t, h_prev, W, U, b):
    t = lambda a: torch.as_tensor(a, dtype=torch.float32)  # noqa: E731
    return torch.relu(t(x_t) @ t(W).T + t(h_prev) @ t(U).T + t(b))
