"""The textbook equations of the simple RNN, LSTM and GRU, written out in numpy.

Each function runs one layer over a batch-first sequence ``x`` of shape (batch, time, features), starting
from zero states, with the weights of a :class:`rnnlab.weights.CellWeights` (``W`` maps the input,
``U`` the previous hidden state; ``sigma`` is the sigmoid, ``phi`` the cell's activation, tanh or relu,
and ``*`` is element-wise). Computation is in float64, so these serve as the ground truth that torch and
Keras are checked against.
"""
from __future__ import annotations

import numpy as np

from ._validation import check_array
from .weights import CellWeights

_PHI = {"tanh": np.tanh, "relu": lambda a: np.maximum(a, 0.0)}


def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def _prepare(x, weights, cell):
    """x as float64 (batch, time, features), the weight arrays as float64, the activation function."""
    if not isinstance(weights, CellWeights):
        raise TypeError(f"weights must be a CellWeights, got {type(weights).__name__}")
    if weights.cell != cell:
        raise ValueError(f"weights are for cell={weights.cell!r}, expected cell={cell!r}")
    x = check_array(x, "x", ndim=3).astype(np.float64)
    if x.shape[2] != weights.input_size:
        raise ValueError(f"x has {x.shape[2]} features but the weights expect input_size={weights.input_size}")
    arrays = {name: a.astype(np.float64) for name, a in weights.arrays.items()}
    return x, arrays, _PHI[weights.activation]


def _stacked(w, gates):
    """The weights of ``gates`` stacked the way the frameworks store them: (W, U, b) with one block of rows per
    gate, so that one matrix product gives every gate's pre-activation at once."""
    return (np.concatenate([w[f"W_{g}"] for g in gates]), np.concatenate([w[f"U_{g}"] for g in gates]),
            np.concatenate([w[f"b_{g}"] for g in gates]))


def _scan(x, h0, step):
    """Run ``step(x_t, carry) -> (carry, output)`` over the time axis of x; the outputs stacked on axis 1."""
    carry, outputs = h0, []
    for x_t in np.moveaxis(x, 1, 0):
        carry, out = step(x_t, carry)
        outputs.append(out)
    return carry, np.stack(outputs, axis=1)


def rnn_forward(x, weights):
    """Simple (Elman) RNN; returns the hidden states, shape (batch, time, hidden).

        h_t = phi(W x_t + U h_{t-1} + b)

    computed as phi([x_t, h_{t-1}] [W U]^T + b): one product with the input and the previous state side by side.
    """
    x, w, phi = _prepare(x, weights, "rnn")
    joint = np.concatenate([w["W"], w["U"]], axis=1).T

    def step(x_t, h):
        h = phi(np.concatenate([x_t, h], axis=1) @ joint + w["b"])
        return h, h

    return _scan(x, np.zeros((x.shape[0], weights.hidden_size)), step)[1]


def lstm_forward(x, weights):
    """LSTM (Hochreiter & Schmidhuber 1997, with a forget gate); returns (hidden states, cell states),
    each of shape (batch, time, hidden).

        i_t = sigma(W_i x_t + U_i h_{t-1} + b_i)      input gate
        f_t = sigma(W_f x_t + U_f h_{t-1} + b_f)      forget gate
        g_t = phi(W_g x_t + U_g h_{t-1} + b_g)        candidate
        o_t = sigma(W_o x_t + U_o h_{t-1} + b_o)      output gate
        c_t = f_t * c_{t-1} + i_t * g_t
        h_t = o_t * phi(c_t)

    The four pre-activations come from one product with the stacked weights, as in the frameworks.
    """
    x, w, phi = _prepare(x, weights, "lstm")
    W, U, b = _stacked(w, "ifgo")
    inputs = x @ W.T + b        # every step's input part at once: (batch, time, 4 * hidden)

    def step(a_x, carry):
        h, c = carry
        a_i, a_f, a_g, a_o = np.split(a_x + h @ U.T, 4, axis=1)
        c = _sigmoid(a_f) * c + _sigmoid(a_i) * phi(a_g)
        h = _sigmoid(a_o) * phi(c)
        return (h, c), np.concatenate([h, c], axis=1)

    zeros = np.zeros((x.shape[0], weights.hidden_size))
    hs, cs = np.split(_scan(inputs, (zeros, zeros), step)[1], 2, axis=2)
    return hs, cs


def gru_forward(x, weights):
    """GRU (Cho et al. 2014); returns the hidden states, shape (batch, time, hidden).

        r_t = sigma(W_r x_t + U_r h_{t-1} + b_r)      reset gate
        z_t = sigma(W_z x_t + U_z h_{t-1} + b_z)      update gate
        n_t = phi(W_n x_t + b_n + r_t * (U_n h_{t-1} + b_hn))   if weights.reset_after (torch, Keras default)
        n_t = phi(W_n x_t + U_n (r_t * h_{t-1}) + b_n)          otherwise (Cho et al., Keras reset_after=False)
        h_t = (1 - z_t) * n_t + z_t * h_{t-1}

    The input parts of the three pre-activations come from one product with the stacked weights, as in the
    frameworks; the recurrent part of the candidate is kept apart, since where the reset gate acts is the
    difference between the two forms.
    """
    x, w, phi = _prepare(x, weights, "gru")
    W, U, b = _stacked(w, "rzn")
    hidden = weights.hidden_size
    U_rz, U_n = U[:2 * hidden], U[2 * hidden:]
    inputs = x @ W.T + b        # (batch, time, 3 * hidden)

    def step(a_x, h):
        a_r, a_z = np.split(a_x[:, :2 * hidden] + h @ U_rz.T, 2, axis=1)
        r, z = _sigmoid(a_r), _sigmoid(a_z)
        recurrent = r * (h @ U_n.T + w["b_hn"]) if weights.reset_after else (r * h) @ U_n.T
        h = z * h + (1 - z) * phi(a_x[:, 2 * hidden:] + recurrent)
        return h, h

    return _scan(inputs, np.zeros((x.shape[0], hidden)), step)[1]


def forward(x, weights):
    """The hidden states (batch, time, hidden) of whichever cell ``weights`` describes
    (use :func:`lstm_forward` for the LSTM's cell states too)."""
    if not isinstance(weights, CellWeights):
        raise TypeError(f"weights must be a CellWeights, got {type(weights).__name__}")
    if weights.cell == "lstm":
        return lstm_forward(x, weights)[0]
    return (rnn_forward if weights.cell == "rnn" else gru_forward)(x, weights)
