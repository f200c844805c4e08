# A correct answer computed in torch float32, returned as a tensor: must get full marks.
import torch


def first_bit_readout(states, bits):
    states, bits = torch.as_tensor(states, dtype=torch.float32), torch.as_tensor(bits).bool()
    half = len(states) // 2
    if bits[:half].all() or not bits[:half].any():
        raise ValueError("bits: the first half needs both bit values")
    means = torch.stack([states[:half][~bits[:half]].mean(0), states[:half][bits[:half]].mean(0)])   # (2, T, H)
    distances = ((states[half:, None] - means[None]) ** 2).sum(-1)                                   # (n, 2, T)
    says_one = distances[:, 1] < distances[:, 0]
    return (says_one == bits[half:, None]).float().mean(0)
