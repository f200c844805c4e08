"""PyTorch adapter: builds native ``nn.Module`` models and trains them with a plain loop."""
from __future__ import annotations

import contextlib
import math
import time

import numpy as np
import torch
from torch import nn
from .progress import epoch_bar, finish_bar

OPTIONS = ()  # train's framework-only options that apply here: none (torch runs eagerly)


# ---------------------------------------------------------------- simple RNN and GRU with an explicit BPTT
#
# On CPU torch runs nn.LSTM as one fused oneDNN call for the whole sequence, forward and backward, but
# nn.RNN and nn.GRU as a loop of small ops that autograd records one by one and replays backwards (aten's
# oneDNN RNN path is LSTM-only). The layers below keep nn.RNN/nn.GRU's parameters and maths and replace
# that recording by a hand-written backpropagation through time: the input projection of every step is
# one matmul, each step costs a few ops forward and a few backward, and the weight gradients are one
# matmul each after the loop. benchmarks/results/torch_cells.md has the measurements.


def _rnn_forward_loop(pre: torch.Tensor, h: torch.Tensor, w_hh: torch.Tensor, relu: bool) -> torch.Tensor:
    """States h_0..h_T (time-major) of h_t = phi(pre_t + h_{t-1} U^T), pre_t = W x_t + b."""
    hs = [h]
    for p in pre.unbind(0):
        h = torch.addmm(p, h, w_hh.t())
        h = h.relu_() if relu else h.tanh_()
        hs.append(h)
    return torch.stack(hs)


def _rnn_backward_loop(slope: torch.Tensor, grad_out: torch.Tensor, grad: torch.Tensor,
                       w_hh: torch.Tensor) -> torch.Tensor:
    """dL/dpre_t for every step, from phi'(pre_t) (``slope``), dL/dh_t from the outputs, and dL/dh_T."""
    steps, outs = slope.unbind(0), grad_out.unbind(0)
    grads = []
    for t in range(len(steps) - 1, 0, -1):
        d = grad * steps[t]
        grads.append(d)
        grad = torch.addmm(outs[t - 1], d, w_hh)  # dL/dh_{t-1}
    grads.append(grad * steps[0])
    grads.reverse()
    return torch.stack(grads)


class _RNNFunction(torch.autograd.Function):
    """One single-layer simple RNN over a time-major sequence: (x, h0, weights) -> (states h_1..h_T, h_T)."""

    @staticmethod
    def forward(ctx, x, h0, w_ih, w_hh, b_ih, b_hh, relu):
        T, B = x.shape[:2]
        pre = torch.addmm(b_ih + b_hh, x.reshape(T * B, -1), w_ih.t()).view(T, B, -1)
        hs = _rnn_forward_loop(pre, h0, w_hh, relu)
        ctx.save_for_backward(x, hs, w_ih, w_hh)
        ctx.relu = relu
        return hs[1:], hs[T]

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, grad_out, grad_hn):
        x, hs, w_ih, w_hh = ctx.saved_tensors
        T, B, H = grad_out.shape
        slope = (hs[1:] > 0).to(hs.dtype) if ctx.relu else 1 - hs[1:] ** 2
        d = _rnn_backward_loop(slope, grad_out, grad_hn + grad_out[-1], w_hh).view(T * B, H)
        grad_b = d.sum(0)
        return ((d @ w_ih).view(T, B, -1), d[:B] @ w_hh, d.t() @ x.reshape(T * B, -1),
                d.t() @ hs[:-1].reshape(T * B, H), grad_b, grad_b, None)


def _gru_forward_loop(pre: torch.Tensor, gi_n: torch.Tensor, h: torch.Tensor, w_hh: torch.Tensor):
    """States h_0..h_T and candidates n_1..n_T of torch's GRU; ``pre`` holds, per step, the r and z inputs
    (W x + b_ih + b_hh) and b_hn, so that one matmul gives the gate pre-activations and U_n h + b_hn."""
    H = h.shape[1]
    hs, ns = [h], []
    for p, gn in zip(pre.unbind(0), gi_n.unbind(0)):
        s = torch.addmm(p, h, w_hh.t())
        r, z = s[:, :2 * H].sigmoid().chunk(2, 1)
        n = torch.addcmul(gn, r, s[:, 2 * H:]).tanh_()
        h = torch.lerp(n, h, z)  # (1 - z) n + z h
        hs.append(h)
        ns.append(n)
    return torch.stack(hs), torch.stack(ns)


def _gru_backward_loop(coef: torch.Tensor, grad_out: torch.Tensor, grad: torch.Tensor,
                       w_aug: torch.Tensor) -> torch.Tensor:
    """Per step, dL/dh_t times ``coef`` (T, B, 5, H): the gradients [r, z pre-activations, U_n h + b_hn,
    W_n x + b_n, h_{t-1} directly]; ``w_aug`` maps all five back to dL/dh_{t-1} in one matmul."""
    steps, outs = coef.unbind(0), grad_out.unbind(0)
    B = grad.shape[0]
    grads = []
    for t in range(len(steps) - 1, 0, -1):
        d = (steps[t] * grad.unsqueeze(1)).view(B, -1)
        grads.append(d)
        grad = torch.addmm(outs[t - 1], d, w_aug)
    grads.append((steps[0] * grad.unsqueeze(1)).view(B, -1))
    grads.reverse()
    return torch.stack(grads)


class _GRUFunction(torch.autograd.Function):
    """One single-layer GRU (torch's, reset after the matmul) over a time-major sequence."""

    @staticmethod
    def forward(ctx, x, h0, w_ih, w_hh, b_ih, b_hh):
        T, B = x.shape[:2]
        H = h0.shape[1]
        gi = torch.addmm(b_ih, x.reshape(T * B, -1), w_ih.t()).view(T, B, 3 * H)
        pre = torch.cat([gi[..., :2 * H] + b_hh[:2 * H], b_hh[2 * H:].expand(T, B, H)], 2)
        hs, n = _gru_forward_loop(pre, gi[..., 2 * H:], h0, w_hh)
        ctx.save_for_backward(x, hs, n, pre, w_ih, w_hh)
        return hs[1:], hs[T]

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, grad_out, grad_hn):
        x, hs, n, pre, w_ih, w_hh = ctx.saved_tensors
        T, B, H = grad_out.shape
        h_prev = hs[:-1]
        s = torch.addmm(pre.view(T * B, 3 * H), h_prev.reshape(T * B, H), w_hh.t()).view(T, B, 3 * H)
        r, z = s[..., :2 * H].sigmoid().chunk(2, 2)
        dn = (1 - z) * (1 - n * n)                    # dh_t / d(pre-activation of n)
        coef = torch.stack([dn * s[..., 2 * H:] * r * (1 - r), (h_prev - n) * z * (1 - z), dn * r, dn, z], 2)
        w_aug = torch.cat([w_hh, w_hh.new_zeros(H, H), torch.eye(H, dtype=w_hh.dtype, device=w_hh.device)])
        d = _gru_backward_loop(coef, grad_out, grad_hn + grad_out[-1], w_aug).view(T * B, 5 * H)
        d_hh = d[:, :3 * H]
        d_ih = torch.cat([d[:, :2 * H], d[:, 3 * H:4 * H]], 1)
        return ((d_ih @ w_ih).view(T, B, -1), d[:B] @ w_aug, d_ih.t() @ x.reshape(T * B, -1),
                d_hh.t() @ h_prev.reshape(T * B, H), d_ih.sum(0), d_hh.sum(0))


class _ExplicitBPTT:
    """Mixin for nn.RNN/nn.GRU: whole CPU sequences of a single-layer layer go through ``_function``;
    anything else (GPU, packed or unbatched input, stacked or bidirectional layers) through torch's own."""

    def forward(self, input, hx=None):
        if not (isinstance(input, torch.Tensor) and input.dim() == 3 and input.device.type == "cpu"
                and self.num_layers == 1 and not self.bidirectional and self.bias):
            return super().forward(input, hx)
        x = input.transpose(0, 1) if self.batch_first else input
        h0 = x.new_zeros(x.shape[1], self.hidden_size) if hx is None else hx[0]
        out, h_n = self._function(x, h0)
        return (out.transpose(0, 1) if self.batch_first else out), h_n.unsqueeze(0)


class RNN(_ExplicitBPTT, nn.RNN):
    """``nn.RNN`` (same parameters, outputs and gradients up to float32 rounding), about 2x faster on CPU."""

    def _function(self, x, h0):
        return _RNNFunction.apply(x, h0, self.weight_ih_l0, self.weight_hh_l0, self.bias_ih_l0, self.bias_hh_l0,
                                  self.nonlinearity == "relu")


class GRU(_ExplicitBPTT, nn.GRU):
    """``nn.GRU`` (same parameters, outputs and gradients up to float32 rounding), about 2x faster on CPU."""

    def _function(self, x, h0):
        return _GRUFunction.apply(x, h0, self.weight_ih_l0, self.weight_hh_l0, self.bias_ih_l0, self.bias_hh_l0)


_LAYERS = {"rnn": RNN, "lstm": nn.LSTM, "gru": GRU}


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


# ---------------------------------------------------------------- character-level language model (notebook 05)


class CharLanguageModel(nn.Module):
    """``embedding`` → ``rnn`` (batch-first, 1..N layers, dropout between layers) → ``head``: one logit per
    vocabulary entry at every step. ``forward(x, state)`` returns ``(logits, state)`` so that a caller can carry
    the state from one truncated-BPTT batch to the next (``state=None`` starts from zeros)."""

    def __init__(self, cell, vocab_size, embedding_size, hidden_size, num_layers=1, dropout=0.0):
        super().__init__()
        self.cell = cell
        self.embedding = nn.Embedding(vocab_size, embedding_size)
        layer = _LAYERS[cell] if num_layers == 1 else {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell]
        self.rnn = layer(embedding_size, hidden_size, num_layers=num_layers, dropout=dropout, batch_first=True)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, x, state=None):
        states, state = self.rnn(self.embedding(x), state)
        return self.head(states), state


def build_char(cell, *, vocab_size, embedding_size, hidden_size, num_layers, dropout, seed, batch_size=None):
    del batch_size  # a Keras option: torch models take any batch size and carry the state explicitly
    torch.manual_seed(seed)
    return CharLanguageModel(cell, vocab_size, embedding_size, hidden_size, num_layers, dropout)


@contextlib.contextmanager
def _evaluating(model):
    """``model.eval()`` and no gradients inside the block; the train/eval mode is restored afterwards."""
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            yield
    finally:
        model.train(was_training)


def char_cross_entropy_sum(model, batches, batch_size):
    """Summed cross-entropy (nats) and number of predictions over stream batches, the state carried."""
    del batch_size
    total, count, state = 0.0, 0, None
    with _evaluating(model):
        for x, y in batches:
            logits, state = model(torch.from_numpy(x), state)
            total += nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), torch.from_numpy(y).reshape(-1),
                                                 reduction="sum").item()
            count += y.size
    return total, count


def char_stepper(model):
    """A function feeding 1-D character ids to the model, carrying its state, returning the last logits."""
    state = None

    def feed(ids):
        nonlocal state
        with _evaluating(model):
            logits, state = model(torch.from_numpy(np.asarray(ids, dtype=np.int64))[None], state)
        return logits[0, -1].numpy()

    return feed


def char_hidden_states(model, ids):
    """The last layer's hidden state after every character of ``ids`` (time, hidden)."""
    with _evaluating(model):
        states, _ = model.rnn(model.embedding(torch.from_numpy(ids)[None]))
    return states[0].numpy()
