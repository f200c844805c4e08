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


def _gate(w, gate, x_t, h):
    """W_gate x_t + U_gate h + b_gate, for a batch of row vectors."""
    return x_t @ w[f"W_{gate}"].T + h @ w[f"U_{gate}"].T + w[f"b_{gate}"]


def rnn_forward(x, weights):
    """Simple (Elman) RNN; returns the hidden states, shape (batch, time, hidden).

        h_t = phi(W x_t + U h_{t-1} + b)
    """
    x, w, phi = _prepare(x, weights, "rnn")
    h = np.zeros((x.shape[0], weights.hidden_size))
    states = []
    for t in range(x.shape[1]):
        h = phi(x[:, t] @ w["W"].T + h @ w["U"].T + w["b"])
        states.append(h)
    return np.stack(states, axis=1)


def lstm_forward(x, weights):
    """LSTM (Hochreiter & Schmidhuber 1997, with a forget gate); returns (hidden states, cell states),
    each of shape (batch, time, hidden).

        i_t = sigma(W_i x_t + U_i h_{t-1} + b_i)      input gate
        f_t = sigma(W_f x_t + U_f h_{t-1} + b_f)      forget gate
        g_t = phi(W_g x_t + U_g h_{t-1} + b_g)        candidate
        o_t = sigma(W_o x_t + U_o h_{t-1} + b_o)      output gate
        c_t = f_t * c_{t-1} + i_t * g_t
        h_t = o_t * phi(c_t)
    """
    x, w, phi = _prepare(x, weights, "lstm")
    h = c = np.zeros((x.shape[0], weights.hidden_size))
    hs, cs = [], []
    for t in range(x.shape[1]):
        x_t = x[:, t]
        i = _sigmoid(_gate(w, "i", x_t, h))
        f = _sigmoid(_gate(w, "f", x_t, h))
        g = phi(_gate(w, "g", x_t, h))
        o = _sigmoid(_gate(w, "o", x_t, h))
        c = f * c + i * g
        h = o * phi(c)
        hs.append(h)
        cs.append(c)
    return np.stack(hs, axis=1), np.stack(cs, axis=1)


def gru_forward(x, weights):
    """GRU (Cho et al. 2014); returns the hidden states, shape (batch, time, hidden).

        r_t = sigma(W_r x_t + U_r h_{t-1} + b_r)      reset gate
        z_t = sigma(W_z x_t + U_z h_{t-1} + b_z)      update gate
        n_t = phi(W_n x_t + b_n + r_t * (U_n h_{t-1} + b_hn))   if weights.reset_after (torch, Keras default)
        n_t = phi(W_n x_t + U_n (r_t * h_{t-1}) + b_n)          otherwise (Cho et al., Keras reset_after=False)
        h_t = (1 - z_t) * n_t + z_t * h_{t-1}
    """
    x, w, phi = _prepare(x, weights, "gru")
    h = np.zeros((x.shape[0], weights.hidden_size))
    states = []
    for t in range(x.shape[1]):
        x_t = x[:, t]
        r = _sigmoid(_gate(w, "r", x_t, h))
        z = _sigmoid(_gate(w, "z", x_t, h))
        if weights.reset_after:
            n = phi(x_t @ w["W_n"].T + w["b_n"] + r * (h @ w["U_n"].T + w["b_hn"]))
        else:
            n = phi(x_t @ w["W_n"].T + (r * h) @ w["U_n"].T + w["b_n"])
        h = (1 - z) * n + z * h
        states.append(h)
    return np.stack(states, axis=1)


def forward(x, weights):
    """The hidden states (batch, time, hidden) of whichever cell ``weights`` describes
    (use :func:`lstm_forward` for the LSTM's cell states too)."""
    if not isinstance(weights, CellWeights):
        raise TypeError(f"weights must be a CellWeights, got {type(weights).__name__}")
    if weights.cell == "lstm":
        return lstm_forward(x, weights)[0]
    return (rnn_forward if weights.cell == "rnn" else gru_forward)(x, weights)
