"""PyTorch adapter: builds native ``nn.Module`` models and trains them with a plain loop."""
from __future__ import annotations

import math
import time

import numpy as np
import torch
from torch import nn

from .progress import epoch_bar, finish_bar
from .torch_bptt import _LAYERS, GRU, RNN  # noqa: F401  (RNN and GRU: also rnnlab.torch_backend.RNN/GRU)
from .torch_char import (  # noqa: F401  (the adapter's character-model interface, used by rnnlab.char_models)
    CharLanguageModel, build_char, char_cross_entropy_sum, char_hidden_states, char_stepper)

OPTIONS = {}  # framework-only options: none (torch runs eagerly, and its models take any batch size)


class SequenceModel(nn.Module):
    """``rnn`` (a batch-first ``nn.RNN``/``nn.LSTM``/``nn.GRU``) → last hidden state → ``head`` (``nn.Linear``).

    The simple RNN and the GRU are this module's :class:`RNN` and :class:`GRU`: subclasses of ``nn.RNN`` and
    ``nn.GRU`` with the same weights and results and a hand-written backward that runs faster on CPU.
    """

    def __init__(self, cell, input_size, hidden_size, output_size=1, activation="tanh"):
        super().__init__()
        kwargs = {"nonlinearity": activation} if cell == "rnn" else {}
        self.cell = cell
        self.rnn = _LAYERS[cell](input_size, hidden_size, batch_first=True, **kwargs)
        self.head = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        states, _ = self.rnn(x)
        return self.head(states[:, -1])


def build(cell, *, input_size, hidden_size, output_size, activation, seed):
    torch.manual_seed(seed)
    return SequenceModel(cell, input_size, hidden_size, output_size, activation)


def set_gate_biases(model, cell, keep, inp=None):
    """Write the keep-gate bias (LSTM forget gate, GRU update gate) and optionally the LSTM input-gate bias.

    torch keeps two bias vectors; the value goes into ``bias_ih`` and ``bias_hh`` is zeroed for that gate.
    Gate order: LSTM i, f, g, o; GRU r, z, n.
    """
    h = model.rnn.hidden_size
    keep_slot = 1  # f for the LSTM, z for the GRU
    with torch.no_grad():
        for slot, values in ((keep_slot, keep), (0, inp)):
            if values is None:
                continue
            model.rnn.bias_ih_l0[slot * h:(slot + 1) * h] = torch.as_tensor(values)
            model.rnn.bias_hh_l0[slot * h:(slot + 1) * h] = 0.0


def resolve_device(device):
    if device == "cpu" or (device == "auto" and not torch.cuda.is_available()):
        return torch.device("cpu")
    if not torch.cuda.is_available():
        raise ValueError("device='gpu' but torch sees no CUDA GPU; use device='auto' or 'cpu'")
    return torch.device("cuda")


def fit(model, X, y, X_val, y_val, *, history, epochs, batch_size, lr, lr_schedule, clip_norm, seed, progress, device,
        on_epoch):
    dev = resolve_device(device)
    model.to(dev)
    binary = history.head == "binary"
    loss_fn = nn.BCEWithLogitsLoss() if binary else nn.MSELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    total_steps = epochs * math.ceil(len(X) / batch_size)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, total_steps) if lr_schedule == "cosine" else None
    Xt, yt = torch.from_numpy(X).to(dev), torch.from_numpy(y).to(dev)
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    n, steps, start = len(X), 0, time.perf_counter()
    bar = epoch_bar(epochs, progress)
    for epoch in range(1, epochs + 1):
        model.train()
        sums = {"loss": 0.0, "metric": 0.0}
        for batch in torch.from_numpy(rng.permutation(n)).split(batch_size):
            xb, yb = Xt[batch], yt[batch]
            out = model(xb)
            loss = loss_fn(out, yb)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if clip_norm is not None:
                nn.utils.clip_grad_norm_(model.parameters(), clip_norm)
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
            steps += 1
            with torch.no_grad():
                sums["loss"] += loss.item() * len(batch)
                sums["metric"] += _metric(out, yb, binary).item() * len(batch)
        record = {"epoch": epoch, "steps": steps, "loss": sums["loss"] / n,
                  _metric_name(binary): sums["metric"] / n}
        if X_val is not None:
            val_loss, val_metric = _evaluate(model, X_val, y_val, loss_fn, binary, batch_size, dev)
            record.update({"val_loss": val_loss, "val_" + _metric_name(binary): val_metric})
        record["seconds"] = time.perf_counter() - start
        history.records.append(record)
        bar.update(1)
        bar.set_postfix({k: round(v, 4) for k, v in record.items() if k.startswith(("loss", "val", "acc", "mae"))})
        if on_epoch is not None:
            on_epoch(record)
        if history.reached(record):
            break
    finish_bar(bar)
    model.eval()
    return history


def _metric_name(binary):
    return "accuracy" if binary else "mae"


def _metric(out, y, binary):
    return ((out > 0).float() == y).float().mean() if binary else (out - y).abs().mean()


@torch.no_grad()
def _evaluate(model, X, y, loss_fn, binary, batch_size, dev):
    model.eval()
    Xt, yt = torch.from_numpy(X).to(dev), torch.from_numpy(y).to(dev)
    out = torch.cat([model(xb) for xb in Xt.split(max(batch_size, 256))])
    return loss_fn(out, yt).item(), _metric(out, yt, binary).item()


@torch.no_grad()
def predict(model, X, *, device="auto"):
    dev = resolve_device(device)
    model.to(dev).eval()
    return torch.cat([model(xb) for xb in torch.from_numpy(X).to(dev).split(1024)]).cpu().numpy()
