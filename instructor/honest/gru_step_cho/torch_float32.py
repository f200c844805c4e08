# A correct answer computed in torch float32 (the case: the self-check passed it, the graders gave 0 at
# a 1e-8 tolerance): must get full marks.
import torch


def gru_step_cho(x_t, h, w):
    t = lambda a: torch.as_tensor(a, dtype=torch.float32)  # noqa: E731
    x_t, h, w = t(x_t), t(h), {k: t(v) for k, v in w.items()}
    r = torch.sigmoid(x_t @ w["W_r"].T + h @ w["U_r"].T + w["b_r"])
    z = torch.sigmoid(x_t @ w["W_z"].T + h @ w["U_z"].T + w["b_z"])
    n = torch.tanh(x_t @ w["W_n"].T + (r * h) @ w["U_n"].T + w["b_n"])
    return (1 - z) * n + z * h
