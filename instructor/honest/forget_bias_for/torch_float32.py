# A correct answer computed in torch float32 (torch.logit): must get full marks.
import torch


def forget_bias_for(steps, keep=0.5):
    if isinstance(steps, bool) or not isinstance(steps, int):
        raise TypeError(f"steps must be a positive int, got {steps!r}")
    if steps < 1 or not 0 < keep < 1:
        raise ValueError(f"steps must be positive and keep in (0, 1), got steps={steps}, keep={keep}")
    gate = torch.tensor(keep, dtype=torch.float32) ** (1 / steps)
    return torch.logit(gate).item()
