"""Diagrams drawn with matplotlib, so the notebooks need no remote images."""
from __future__ import annotations

from ._validation import check_int


def _box(ax, x, y, text, *, w=0.9, h=0.6, color="#dbe9f6"):
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.05", fc=color, ec="#333"))
    ax.text(x, y, text, ha="center", va="center", fontsize=11)


def _arrow(ax, start, end, text=None, **kw):
    ax.annotate("", xy=end, xytext=start, arrowprops=dict(arrowstyle="->", lw=1.4, color=kw.get("color", "#333")))
    if text:
        ax.text((start[0] + end[0]) / 2, (start[1] + end[1]) / 2 + 0.12, text, ha="center", fontsize=9)


def draw_unrolled_rnn(steps=4, ax=None):
    """The same cell applied at every time step: x_t and h_{t-1} in, h_t out; the weights are shared."""
    import matplotlib.pyplot as plt

    steps = check_int(steps, "steps", max_value=8)
    if ax is None:
        _, ax = plt.subplots(figsize=(2.1 * steps + 1, 3))
    for t in range(steps):
        x = 2.0 * t + 1
        _box(ax, x, 1.0, f"cell\n(W, U, b)")
        _box(ax, x, -0.4, f"$x_{{{t}}}$", w=0.6, h=0.45, color="#fde9c9")
        _box(ax, x, 2.4, f"$h_{{{t}}}$", w=0.6, h=0.45, color="#d8f0d2")
        _arrow(ax, (x, -0.15), (x, 0.65))
        _arrow(ax, (x, 1.35), (x, 2.15))
        _arrow(ax, (x - 1.55 if t else x - 1.4, 1.0), (x - 0.5, 1.0), "$h_{-1}=0$" if t == 0 else f"$h_{{{t - 1}}}$")
    ax.set_xlim(-0.6, 2.0 * steps + 0.2)
    ax.set_ylim(-0.9, 2.9)
    ax.axis("off")
    ax.set_title("An RNN unrolled in time: one cell, the same weights at every step", fontsize=11)
    return ax


def draw_lstm_cell(ax=None):
    """The LSTM cell: forget, input and output gates around the cell state c (Hochreiter & Schmidhuber 1997)."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    ax.plot([0, 8], [3, 3], color="#c0392b", lw=3)
    ax.text(0.1, 3.2, "cell state $c_{t-1}$", color="#c0392b", fontsize=10)
    ax.text(6.6, 3.2, "$c_t$", color="#c0392b", fontsize=11)
    _box(ax, 2, 3, r"$\times f_t$", w=0.8, h=0.5, color="#fadbd8")
    _box(ax, 4, 3, r"$+\ i_t \odot g_t$", w=1.3, h=0.5, color="#fadbd8")
    _box(ax, 6, 1.8, r"$h_t = o_t \odot \tanh(c_t)$", w=2.4, h=0.5, color="#d8f0d2")
    gates = [(2, r"$f_t=\sigma(W_f x_t + U_f h_{t-1} + b_f)$"), (3.6, r"$i_t=\sigma(\cdot)$"),
             (4.6, r"$g_t=\tanh(\cdot)$"), (6, r"$o_t=\sigma(\cdot)$")]
    for x, label in gates:
        ax.text(x, 0.25, label, ha="center", fontsize=9, bbox=dict(fc="#dbe9f6", ec="#333", boxstyle="round"))
    for x in (2, 4):
        _arrow(ax, (x, 0.55), (x, 2.7))
    _arrow(ax, (6, 0.55), (6, 1.5))
    _arrow(ax, (6.4, 3.0), (6.4, 2.1))
    ax.text(0.1, 0.9, "inputs: $x_t$ and $h_{t-1}$", fontsize=10)
    ax.set_xlim(0, 8)
    ax.set_ylim(0, 3.7)
    ax.axis("off")
    ax.set_title("LSTM: the cell state is only scaled by $f_t$ and added to, so gradients can flow", fontsize=11)
    return ax
