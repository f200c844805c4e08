"""The options benchmarks/torch_cells.py measures that rnnlab does not adopt.

- ``torchscript_loops()``: rnnlab's explicit-BPTT loops compiled with ``torch.jit.script`` (which
  the installed torch marks deprecated in favour of torch.compile).
- ``SeedBatch``: S independent seeds trained as one layer of S*H units whose weights are masked
  block-diagonal, so every step of the loop serves S models; clipping is per seed.
"""
import contextlib
import functools
import warnings

import torch
from torch import nn
from torch.nn.utils import parametrize

from rnnlab import torch_bptt

LOOPS = ("_rnn_forward_loop", "_rnn_backward_loop", "_gru_forward_loop", "_gru_backward_loop")


@functools.cache
def _scripted():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return {name: torch.jit.script(getattr(torch_bptt, name)) for name in LOOPS}


@contextlib.contextmanager
def torchscript_loops():
    """Run rnnlab's RNN/GRU with their time loops scripted by TorchScript."""
    originals = {name: getattr(torch_bptt, name) for name in LOOPS}
    for name, fn in _scripted().items():
        setattr(torch_bptt, name, fn)
    try:
        yield
    finally:
        for name, fn in originals.items():
            setattr(torch_bptt, name, fn)


class _Mask(nn.Module):
    def __init__(self, mask):
        super().__init__()
        self.register_buffer("mask", mask)

    def forward(self, weight):
        return weight * self.mask


class SeedBatch(nn.Module):
    """``seeds`` models (input 1, hidden ``hidden``, one logit) in one rnnlab RNN/GRU layer.

    Input (batch, time, seeds): column s is seed s's minibatch; output (batch, seeds).
    """

    def __init__(self, cell, seeds, hidden, activation="tanh"):
        super().__init__()
        gates = 3 if cell == "gru" else 1
        kwargs = {"nonlinearity": activation} if cell == "rnn" else {}
        layer = (torch_bptt.GRU if cell == "gru" else torch_bptt.RNN)(seeds, seeds * hidden, batch_first=True, **kwargs)
        self.rnn, self.head = layer, nn.Linear(seeds * hidden, seeds)
        row_seed = (torch.arange(gates * seeds * hidden) % (seeds * hidden)) // hidden
        unit_seed = torch.arange(seeds * hidden) // hidden
        for module, name, rows, cols in ((layer, "weight_ih_l0", row_seed, torch.arange(seeds)),
                                         (layer, "weight_hh_l0", row_seed, unit_seed),
                                         (self.head, "weight", torch.arange(seeds), unit_seed)):
            parametrize.register_parametrization(module, name, _Mask((rows[:, None] == cols).float()))
        # which seed each row of every parameter belongs to, for per-seed clipping
        self._row_seed = [row_seed if p.shape[0] == len(row_seed) else torch.arange(seeds) for p in self.parameters()]
        self.seeds = seeds

    def forward(self, x):
        states, _ = self.rnn(x)
        return self.head(states[:, -1])

    def clip_per_seed_(self, max_norm):
        """Global gradient-norm clipping, separately for each seed."""
        params = list(self.parameters())
        sq = torch.zeros(self.seeds)
        for p, seeds in zip(params, self._row_seed):
            sq.index_add_(0, seeds, p.grad.reshape(len(seeds), -1).pow(2).sum(1))
        coef = (max_norm / (sq.sqrt() + 1e-6)).clamp(max=1.0)
        for p, seeds in zip(params, self._row_seed):
            p.grad.mul_(coef[seeds].view(-1, *[1] * (p.dim() - 1)))
