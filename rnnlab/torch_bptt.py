"""Simple RNN and GRU layers for PyTorch with a hand-written backpropagation through time: ``nn.RNN``'s and
``nn.GRU``'s parameters and results, faster on CPU."""
from __future__ import annotations

import torch
from torch import nn

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


# the layer of each cell: torch_backend.SequenceModel and torch_char.CharLanguageModel (one layer) use it
_LAYERS = {"rnn": RNN, "lstm": nn.LSTM, "gru": GRU}
