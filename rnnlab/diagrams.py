"""Diagrams drawn with matplotlib, so the notebooks need no remote images.

Each cell is drawn in its colour from :data:`rnnlab.plotting.CELL_COLORS`. Solid arrows carry values within
step t; dashed arrows carry the state to step t+1, where it enters again on the left.
"""
from __future__ import annotations

from ._validation import check_axes, check_int
from .plotting import CELL_COLORS, _mix

INK = "#333333"


def _box(ax, x, y, text, *, w=0.9, h=0.6, color="#dbe9f6", ec=INK, gid=None, fontsize=11):
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.05", fc=color, ec=ec,
                                gid=gid, zorder=2))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, zorder=3)


def _node(ax, x, y, symbol, *, r=0.22, fontsize=12):
    """A pointwise operation (⊙, +, 1−) drawn as a small circle on the wires."""
    from matplotlib.patches import Circle

    ax.add_patch(Circle((x, y), r, fc="white", ec=INK, lw=1.2, zorder=3))
    ax.text(x, y, symbol, ha="center", va="center", fontsize=fontsize, zorder=4)


def _arrow(ax, start, end, text=None, *, color=INK, lw=1.4, ls="-"):
    ax.annotate("", xy=end, xytext=start, arrowprops=dict(arrowstyle="-|>", lw=lw, color=color, linestyle=ls,
                                                          shrinkA=0, shrinkB=0, mutation_scale=12), zorder=1)
    if text:
        ax.text((start[0] + end[0]) / 2, (start[1] + end[1]) / 2 + 0.12, text, ha="center", fontsize=9)


def _wire(ax, points, *, color=INK, lw=1.4, ls="-"):
    xs, ys = zip(*points)
    ax.plot(xs, ys, color=color, lw=lw, ls=ls, solid_capstyle="butt", zorder=1)


def _dot(ax, x, y, color=INK):
    ax.plot([x], [y], "o", color=color, markersize=4, zorder=2)


def _label(ax, x, y, text, ha="left", va="center", fontsize=11, color=INK):
    ax.text(x, y, text, ha=ha, va=va, fontsize=fontsize, color=color, zorder=4)


def _frame(ax, color, name):
    """The cell's outline, the names of its inputs and the equations panel are drawn by the callers."""
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(FancyBboxPatch((1.0, 0.9), 9.0, 5.2, boxstyle="round,pad=0.1", fc=_mix(color, "white", 0.93),
                                ec=color, lw=1.5, zorder=0))
    _label(ax, 9.95, 1.05, name, ha="right", va="bottom", fontsize=10, color=color)


def _recurrence(ax, y_out, y_in, color, text):
    """The dashed loop carrying a state from the right edge at ``y_out`` (step t) back in on the left at
    ``y_in`` (step t+1): over the top for the upper state line, under the bottom for the lower."""
    turn = 6.75 if y_out > 4 else -0.35
    _dot(ax, 10.6, y_out, color)
    _wire(ax, [(10.6, y_out), (10.6, turn), (-0.6, turn), (-0.6, y_in)], color=color, ls="--")
    _arrow(ax, (-0.6, y_in), (0.0, y_in), color=color, ls="--")
    _label(ax, 5.0, turn + (0.1 if y_out > 4 else -0.1), text, ha="center", va="bottom" if y_out > 4 else "top",
           fontsize=9, color=color)


def _equations(ax, lines, note):
    """The cell's equations in a box to the right of the drawing, and a smaller note just below them."""
    box = ax.text(13.9, 6.3, "\n".join(lines), ha="left", va="top", fontsize=11, linespacing=1.9,
                  bbox=dict(fc="white", ec="#999999", boxstyle="round,pad=0.6"))
    ax.annotate(note, xy=(0, 0), xycoords=box, xytext=(0, -14), textcoords="offset points", ha="left", va="top",
                fontsize=8.5, color="#555555", linespacing=1.5)


def _finish(ax, title, *, bottom=-1.0):
    ax.set_xlim(-1.2, 22.2)
    ax.set_ylim(bottom, 7.3)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=11)
    return ax


def draw_unrolled_rnn(steps=4, ax=None):
    """The same cell applied at every time step: x_t and h_{t-1} in, h_t out; the weights are shared."""
    import matplotlib.pyplot as plt

    steps = check_int(steps, "steps", max_value=8)
    if check_axes(ax) is None:
        _, ax = plt.subplots(figsize=(2.1 * steps + 1, 3))
    cell = CELL_COLORS["rnn"]
    for t in range(steps):
        x = 2.0 * t + 1
        _box(ax, x, 1.0, "cell\n(W, U, b)", color=_mix(cell, "white", 0.8), ec=cell)
        _box(ax, x, -0.4, f"$x_{{{t}}}$", w=0.6, h=0.45, color="#fde9c9")
        _box(ax, x, 2.4, f"$h_{{{t}}}$", w=0.6, h=0.45, color="#d8f0d2")
        _arrow(ax, (x, -0.12), (x, 0.65))
        _arrow(ax, (x, 1.35), (x, 2.12))
        _arrow(ax, (x - 1.55 if t else x - 1.4, 1.0), (x - 0.5, 1.0), "$h_{-1}=0$" if t == 0 else f"$h_{{{t - 1}}}$")
    ax.set_xlim(-0.6, 2.0 * steps + 0.2)
    ax.set_ylim(-0.9, 2.9)
    ax.axis("off")
    ax.set_title("An RNN unrolled in time: one cell, the same weights at every step", fontsize=11)
    return ax


def draw_lstm_cell(ax=None):
    """One LSTM step (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et al. 2000): x_t and
    h_{t-1} feed the gates f, i, o and the candidate g; the cell state c runs along the top, only scaled by
    f_t and added to; h_t = o_t ⊙ tanh(c_t) leaves to the right and returns as h_{t-1} of the next step."""
    import matplotlib.pyplot as plt

    if check_axes(ax) is None:
        _, ax = plt.subplots(figsize=(14, 5.8))
    color = CELL_COLORS["lstm"]
    gate_fill = _mix(color, "white", 0.75)
    _frame(ax, color, "LSTM cell, step t")
    # Cell state along the top: c_{t-1} -> ⊙ f_t -> + i_t ⊙ g_t -> c_t.
    _label(ax, 0.5, 5.42, "$c_{t-1}$", ha="center", va="bottom", color=color)
    _arrow(ax, (0.0, 5.3), (2.78, 5.3), color=color, lw=2.5)
    _node(ax, 3.0, 5.3, r"$\odot$")
    _arrow(ax, (3.22, 5.3), (5.58, 5.3), color=color, lw=2.5)
    _node(ax, 5.8, 5.3, "$+$")
    _arrow(ax, (6.02, 5.3), (11.3, 5.3), color=color, lw=2.5)
    _label(ax, 11.4, 5.3, "$c_t$", color=color)
    # Inputs: h_{t-1} from the left and x_t from below join one bus that reaches every gate.
    _label(ax, 0.5, 1.72, "$h_{t-1}$", ha="center", va="bottom")
    _wire(ax, [(0.0, 1.6), (7.4, 1.6)])
    _label(ax, 1.8, 0.2, "$x_t$", ha="center", va="top")
    _arrow(ax, (1.8, 0.25), (1.8, 1.6))
    _dot(ax, 1.8, 1.6)
    _label(ax, 4.6, 1.45, "$x_t$ and $h_{t-1}$ reach every gate", ha="center", va="top", fontsize=9)
    gates = [("f", 3.0, r"$\sigma$"), ("i", 4.5, r"$\sigma$"), ("g", 5.8, r"$\tanh$"), ("o", 7.4, r"$\sigma$")]
    for name, x, text in gates:
        _dot(ax, x, 1.6)
        _arrow(ax, (x, 1.6), (x, 2.55))
        _box(ax, x, 2.9, text, w=0.8, h=0.6, color=gate_fill, ec=color, gid=f"gate {name}")
    # Forget: f_t scales c_{t-1}. Input: i_t ⊙ g_t is added.
    _arrow(ax, (3.0, 3.25), (3.0, 5.08))
    _label(ax, 3.12, 4.2, "$f_t$")
    _wire(ax, [(4.5, 3.25), (4.5, 4.3)])
    _arrow(ax, (4.5, 4.3), (5.58, 4.3))
    _label(ax, 4.38, 3.8, "$i_t$", ha="right")
    _arrow(ax, (5.8, 3.25), (5.8, 4.08))
    _label(ax, 5.92, 3.68, "$g_t$")
    _node(ax, 5.8, 4.3, r"$\odot$")
    _arrow(ax, (5.8, 4.52), (5.8, 5.08))
    _label(ax, 5.95, 4.72, r"$i_t \odot g_t$", fontsize=10)
    # Output: h_t = o_t ⊙ tanh(c_t).
    _dot(ax, 8.8, 5.3)
    _arrow(ax, (8.8, 5.3), (8.8, 4.55))
    _box(ax, 8.8, 4.3, r"$\tanh$", w=0.8, h=0.4, color="white", ec=INK, fontsize=10)
    _arrow(ax, (8.8, 4.05), (8.8, 3.12))
    _node(ax, 8.8, 2.9, r"$\odot$")
    _arrow(ax, (7.85, 2.9), (8.58, 2.9))
    _label(ax, 8.2, 3.0, "$o_t$", ha="center", va="bottom")
    _arrow(ax, (9.02, 2.9), (11.3, 2.9), lw=2)
    _label(ax, 11.4, 2.9, "$h_t$ (output)")
    _recurrence(ax, 5.3, 5.3, color, r"$c_t$ is the next step's $c_{t-1}$")
    _recurrence(ax, 2.9, 1.6, color, r"$h_t$ is the next step's $h_{t-1}$ (the recurrence)")
    _equations(ax, [r"$f_t = \sigma(W_f\,x_t + U_f\,h_{t-1} + b_f)$",
                    r"$i_t = \sigma(W_i\,x_t + U_i\,h_{t-1} + b_i)$",
                    r"$g_t = \tanh(W_g\,x_t + U_g\,h_{t-1} + b_g)$",
                    r"$o_t = \sigma(W_o\,x_t + U_o\,h_{t-1} + b_o)$",
                    r"$c_t = f_t \odot c_{t-1} + i_t \odot g_t$",
                    r"$h_t = o_t \odot \tanh(c_t)$"],
               "$\\odot$: element-wise product.  Dashed: carried to step t+1.\n"
               "torch and Keras use these equations (gate order i, f, g, o).")
    return _finish(ax, "LSTM: the cell state is only scaled by $f_t$ and added to, so gradients can flow")


def draw_gru_cell(ax=None):
    """One GRU step (Cho et al. 2014) as torch and Keras compute it: reset gate r, update gate z, candidate
    n_t = tanh(W_n x_t + r_t ⊙ (U_n h_{t-1})) and h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}, which leaves to the
    right and returns as h_{t-1} of the next step."""
    import matplotlib.pyplot as plt

    if check_axes(ax) is None:
        _, ax = plt.subplots(figsize=(14, 5.8))
    color = CELL_COLORS["gru"]
    gate_fill = _mix(color, "white", 0.75)
    _frame(ax, color, "GRU cell, step t")
    # The state along the top: h_{t-1} -> ⊙ z_t -> + (1 − z_t) ⊙ n_t -> h_t.
    _label(ax, 0.5, 5.42, "$h_{t-1}$", ha="center", va="bottom", color=color)
    _arrow(ax, (0.0, 5.3), (2.78, 5.3), color=color, lw=2.5)
    _node(ax, 3.0, 5.3, r"$\odot$")
    _arrow(ax, (3.22, 5.3), (8.18, 5.3), color=color, lw=2.5)
    _label(ax, 5.6, 5.42, r"$z_t \odot h_{t-1}$", ha="center", va="bottom", fontsize=10)
    _node(ax, 8.4, 5.3, "$+$")
    _arrow(ax, (8.62, 5.3), (11.3, 5.3), color=color, lw=2.5)
    _label(ax, 11.4, 5.3, "$h_t$ (output)", color=color)
    # Inputs: h_{t-1} branches down and joins x_t on one bus that reaches every gate.
    _dot(ax, 1.4, 5.3, color)
    _wire(ax, [(1.4, 5.3), (1.4, 1.6), (6.8, 1.6)])
    _label(ax, 2.0, 0.2, "$x_t$", ha="center", va="top")
    _arrow(ax, (2.0, 0.25), (2.0, 1.6))
    _dot(ax, 2.0, 1.6)
    _label(ax, 4.6, 1.45, "$x_t$ and $h_{t-1}$ reach every gate", ha="center", va="top", fontsize=9)
    gates = [("z", 3.0, r"$\sigma$"), ("r", 5.0, r"$\sigma$"), ("n", 6.8, r"$\tanh$")]
    for name, x, text in gates:
        _dot(ax, x, 1.6)
        _arrow(ax, (x, 1.6), (x, 2.55))
        _box(ax, x, 2.9, text, w=0.8, h=0.6, color=gate_fill, ec=color, gid=f"gate {name}")
    # Update gate: z_t keeps h_{t-1}; 1 − z_t lets the candidate in.
    _arrow(ax, (3.0, 3.25), (3.0, 5.08))
    _label(ax, 2.88, 3.75, "$z_t$", ha="right")
    _dot(ax, 3.0, 4.3)
    _arrow(ax, (3.0, 4.3), (4.08, 4.3))
    _node(ax, 4.35, 4.3, r"$1-$", r=0.27, fontsize=9)
    _arrow(ax, (4.62, 4.3), (8.18, 4.3))
    _label(ax, 6.4, 4.42, r"$1 - z_t$", ha="center", va="bottom", fontsize=10)
    # Reset gate: r_t scales the recurrent part of the candidate.
    _arrow(ax, (5.45, 2.9), (6.35, 2.9))
    _label(ax, 5.9, 3.0, "$r_t$", ha="center", va="bottom")
    _wire(ax, [(7.25, 2.9), (8.4, 2.9)])
    _label(ax, 7.8, 2.78, "$n_t$", ha="center", va="top")
    _arrow(ax, (8.4, 2.9), (8.4, 4.08))
    _node(ax, 8.4, 4.3, r"$\odot$")
    _arrow(ax, (8.4, 4.52), (8.4, 5.08))
    _label(ax, 8.55, 4.8, r"$(1 - z_t) \odot n_t$", fontsize=10)
    _recurrence(ax, 5.3, 5.3, color, r"$h_t$ is the next step's $h_{t-1}$ (the recurrence)")
    _equations(ax, [r"$r_t = \sigma(W_r\,x_t + U_r\,h_{t-1} + b_r)$",
                    r"$z_t = \sigma(W_z\,x_t + U_z\,h_{t-1} + b_z)$",
                    r"$n_t = \tanh(W_n\,x_t + b_n + r_t \odot (U_n\,h_{t-1} + b_{hn}))$",
                    r"$h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}$"],
               "$\\odot$: element-wise product.  Dashed: carried to step t+1.\n"
               "Convention of torch and of Keras (reset_after=True, its default): $r_t$ acts after $U_n$.\n"
               "Cho et al. (2014) apply it before: $U_n\\,(r_t \\odot h_{t-1})$ (Keras reset_after=False).\n"
               "$z_t$ near 1 keeps the old state.")
    return _finish(ax, "GRU: the update gate interpolates between the old state and a candidate", bottom=-0.3)


SEQUENCE_TASKS = (
    ("many-to-one", "one label per sequence:\nthe first-token task\n(this notebook, 03)"),
    ("many-to-many", "an output at every step:\nthe next character\n(notebook 05)"),
    ("one-to-many", "one input, a sequence out:\ne.g. text sampled\nfrom a start"),
    ("sequence-to-sequence", "read the whole input, then write\nthe output: encoder-decoder\n(notebook 06)"),
)
"""The four kinds of sequence task :func:`draw_sequence_tasks` draws, left to right, with their captions."""


def _task_panel(ax, x0, kind, steps, cell):
    """One kind of task unrolled over ``steps`` steps (twice that for sequence-to-sequence) from x = ``x0``;
    returns the x just right of the panel. Patches carry gids 'cell <kind>', 'input <kind>', 'output <kind>'."""
    n = 2 * steps if kind == "sequence-to-sequence" else steps
    reads = {"many-to-one": range(n), "many-to-many": range(n), "one-to-many": range(1),
             "sequence-to-sequence": range(steps)}[kind]
    writes = {"many-to-one": range(n - 1, n), "many-to-many": range(n), "one-to-many": range(n),
              "sequence-to-sequence": range(steps, n)}[kind]
    fill = _mix(cell, "white", 0.8)
    for t in range(n):
        x = x0 + 1.2 * t
        decoder = kind == "sequence-to-sequence" and t >= steps
        _box(ax, x, 1.0, "", w=0.7, h=0.55, color=_mix(cell, "white", 0.6) if decoder else fill, ec=cell,
             gid=f"cell {kind}")
        if t:
            _arrow(ax, (x - 0.85, 1.0), (x - 0.38, 1.0), color=cell)
        if t in reads:
            _box(ax, x, -0.35, f"$x_{{{t}}}$", w=0.55, h=0.42, color="#fde9c9", gid=f"input {kind}", fontsize=10)
            _arrow(ax, (x, -0.1), (x, 0.68))
        if t in writes:
            label = "$y$" if kind == "many-to-one" else f"$y_{{{t - (steps if kind == 'sequence-to-sequence' else 0)}}}$"
            _box(ax, x, 2.35, label, w=0.55, h=0.42, color="#f3d9e6", gid=f"output {kind}", fontsize=10)
            _arrow(ax, (x, 1.32), (x, 2.1))
    if kind == "sequence-to-sequence":
        # The encoder has no outputs above it and the decoder no inputs below it: label them there.
        for start, stop, text, y, va in ((0, steps, "encoder", 1.45, "bottom"), (steps, n, "decoder", 0.55, "top")):
            left, right = x0 + 1.2 * start - 0.35, x0 + 1.2 * (stop - 1) + 0.35
            _wire(ax, [(left, y), (right, y)], color=cell, lw=1.0)
            _label(ax, (left + right) / 2, y + (0.08 if va == "bottom" else -0.08), text, ha="center", va=va,
                   fontsize=9, color=cell)
    caption = dict(SEQUENCE_TASKS)[kind]
    middle = x0 + 1.2 * (n - 1) / 2
    _label(ax, middle, 3.05, kind, ha="center", va="bottom", fontsize=11)
    _label(ax, middle, -0.75, caption, ha="center", va="top", fontsize=8.5, color="#555555")
    return x0 + 1.2 * (n - 1)


def draw_sequence_tasks(steps=3, ax=None):
    """The kinds of sequence task, each an RNN unrolled over ``steps`` steps: many-to-one (inputs at every step,
    one output at the end), many-to-many (an output at every step), one-to-many (one input, an output at every
    step) and sequence-to-sequence (an encoder reads the inputs, then a decoder writes the outputs)."""
    import matplotlib.pyplot as plt

    steps = check_int(steps, "steps", min_value=2, max_value=5)
    if check_axes(ax) is None:
        _, ax = plt.subplots(figsize=(3.0 * steps + 4, 3.8))
    cell = CELL_COLORS["rnn"]
    x = 0.0
    for kind, _ in SEQUENCE_TASKS:
        x = _task_panel(ax, x, kind, steps, cell) + 2.6
    ax.set_xlim(-1.0, x - 1.6)
    ax.set_ylim(-2.2, 3.6)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("Kinds of sequence task: where the inputs $x$ enter and the outputs $y$ leave", fontsize=11)
    return ax
