"""Figures for experiment results, with one palette for the whole series.

Every figure colours a cell the same way (``CELL_COLORS``, from the colour-blind-safe Okabe–Ito palette),
draws a recipe with the same line style (``RECIPE_STYLES``) and a backend with the same marker
(``BACKEND_MARKERS``), so a reader can follow "the LSTM" or "the original recipe" from notebook to notebook.
"""
from __future__ import annotations

import re

import numpy as np

from ._validation import check_axes, check_choice

X_AXES = ("epoch", "steps")

CELL_COLORS = {"rnn": "#0072B2", "lstm": "#D55E00", "gru": "#009E73"}  # Okabe–Ito blue, vermillion, green
RECIPE_STYLES = {"rnnlab": "-", "original": "--"}
CELL_MARKERS = ("o", "s", "^", "D")  # in the order the cells are drawn
METRIC_LABELS = {"val_accuracy": "validation accuracy", "accuracy": "training accuracy",
                 "val_loss": "validation loss", "loss": "training loss"}
OTHER_RECIPE_STYLES = (":", "-.", (0, (5, 1, 1, 1)))  # ablations and other named recipes, in order of appearance
BACKEND_MARKERS = {"torch": "o", "keras": "s"}
SAME_COLOR_STYLES = ("-", "--", ":", "-.")  # lines that share a colour, in order
SOLVE_RATE_COLUMNS = ("cell", "backend", "seq_len", "runs", "solved", "low", "high")

_CELL_WORD = re.compile(r"(?<![a-z])(rnn|lstm|gru)s?(?![a-z])", re.IGNORECASE)


def cell_color(label):
    """The palette colour of the cell named in ``label`` ('lstm torch 300', 'LSTM, chrono', 'simple RNN'),
    or None when it names no cell or more than one."""
    if not isinstance(label, str):
        raise TypeError(f"label must be a string, got {type(label).__name__} {label!r}")
    cells = {m.lower() for m in _CELL_WORD.findall(label)}
    return CELL_COLORS[cells.pop()] if len(cells) == 1 else None


def _mix(color, other, t):
    """``color`` moved a fraction ``t`` of the way towards ``other``, as an RGB tuple."""
    from matplotlib.colors import to_rgb

    return tuple((1 - t) * np.array(to_rgb(color)) + t * np.array(to_rgb(other)))


def _label_styles(labels, colors=None):
    """(colour, line style) per label: ``colors[label]`` if given, else the cell's colour, else None (the
    Axes' colour cycle). Lines that share a colour take the next of ``SAME_COLOR_STYLES``."""
    labels = list(labels)
    if colors is None:
        colors = {}
    elif isinstance(colors, dict):
        unknown = [k for k in colors if k not in labels]
        if unknown:
            raise ValueError(f"colors has labels that are not plotted: {unknown}; plotted: {labels}")
    elif isinstance(colors, (list, tuple)):
        if len(colors) != len(labels):
            raise ValueError(f"colors must give one colour per label ({len(labels)}), got {len(colors)}")
        colors = dict(zip(labels, colors))
    else:
        raise TypeError(f"colors must be a dict label -> colour or a list of colours, got {colors!r}")
    from matplotlib.colors import is_color_like, to_hex

    for label, color in colors.items():
        if not is_color_like(color):
            raise ValueError(f"colors[{label!r}] is not a matplotlib colour: {color!r}")
    styles, seen = [], {}
    for label in labels:
        color = colors.get(label) or cell_color(str(label))
        if color is None:
            styles.append((None, "-"))
            continue
        n = seen[to_hex(color)] = seen.get(to_hex(color), -1) + 1
        styles.append((color, SAME_COLOR_STYLES[n % len(SAME_COLOR_STYLES)]))
    return styles


def _curves(histories, metric, x):
    """Stack runs of unequal length: a run that stopped early keeps its last value (it met its target)."""
    length = max(len(h.records) for h in histories)
    values = np.array([h[metric] + [h[metric][-1]] * (length - len(h.records)) for h in histories])
    longest = max(histories, key=lambda h: len(h.records))
    return np.asarray(longest[x], dtype=float), values


def plot_curves(result, metric=None, *, x="steps", ax=None):
    """Median curve and min–max band over seeds, one line per (cell, backend, T, hidden, recipe).

    A line takes its cell's colour, its recipe's line style and, when backends differ, its backend's
    marker; lines that differ only in T or hidden size are shades of the cell colour (darker = larger).
    ``metric`` defaults to 'val_accuracy' for the long-dependency task and 'val_loss' otherwise.
    Failed runs (no history) are left out. Returns the matplotlib Axes.
    """
    import matplotlib.pyplot as plt

    if not (hasattr(result, "rows") and hasattr(result, "histories")):
        raise TypeError(f"result must be an ExperimentResult (from run_experiment), got {type(result).__name__}")
    runs = [(row, h) for row, h in zip(result.rows, result.histories) if h is not None]
    if not runs:
        raise ValueError("result has no runs to plot")
    check_choice(x, "x", X_AXES)
    heads = {h.head for _, h in runs}
    if metric is None:
        metric = "val_accuracy" if heads == {"binary"} else "val_loss"
    columns = set(runs[0][1].records[0])
    check_choice(metric, "metric", columns - {"epoch", "steps", "seconds"})
    keys = ["cell", "backend", "seq_len", "hidden_size", "recipe"]
    varying = [k for k in keys if len({row[k] for row, _ in runs}) > 1] or ["cell"]
    groups = {}
    for row, history in runs:
        groups.setdefault(tuple(row[k] for k in varying), (row, []))[1].append(history)
    families = {}  # (cell, backend, recipe) -> group labels that only differ in T or hidden size
    for label, (row, _) in groups.items():
        families.setdefault((row["cell"], row["backend"], row["recipe"]), []).append(label)
    other_recipes = sorted({row["recipe"] for row, _ in runs} - set(RECIPE_STYLES))
    if check_axes(ax) is None:
        _, ax = plt.subplots(figsize=(7, 4))
    for (cell, backend, recipe), labels in families.items():
        base = CELL_COLORS[cell]
        shades = np.linspace(0.55, 0, len(labels)) if len(labels) > 1 else [0]
        style = RECIPE_STYLES.get(recipe) or OTHER_RECIPE_STYLES[other_recipes.index(recipe) % len(OTHER_RECIPE_STYLES)]
        marker = BACKEND_MARKERS[backend] if "backend" in varying else None
        for label, shade in zip(sorted(labels), shades):
            xs, values = _curves(groups[label][1], metric, x)
            color = _mix(base, "white", shade)
            n = len(groups[label][1])
            ax.plot(xs, np.median(values, axis=0), color=color, linestyle=style, marker=marker, markersize=4,
                    markevery=max(1, len(xs) // 6),
                    label=" ".join(map(str, label)) + (f" ({n} seeds: median, band min–max)" if n > 1 else " (1 seed)"))
            ax.fill_between(xs, values.min(axis=0), values.max(axis=0), color=color, alpha=0.15, linewidth=0)
    fixed = {k: runs[0][0][k] for k in keys if k not in varying}
    one_each = all(len(histories) == 1 for _, histories in groups.values())
    what = "one seed per line" if one_each else "median and min–max over seeds"
    ax.set_title(f"{runs[0][0]['experiment']}: {what}\n"
                 + ", ".join(f"{k}={v}" for k, v in fixed.items()), fontsize=10)
    ax.set_xlabel("training steps" if x == "steps" else "epoch")
    ax.set_ylabel(METRIC_LABELS.get(metric, metric))
    if metric.endswith("loss") and "binary" not in heads:
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return ax


def plot_solve_rates(table, ax=None):
    """Solve rate against sequence length with its 95% interval: one line per cell in the cell's colour,
    one panel per backend.

    ``table`` is a DataFrame with columns ``cell, backend, seq_len, runs, solved, low, high`` (``low`` and
    ``high`` bound ``solved/runs``, e.g. from :func:`rnnlab.stats.wilson_interval`), one row per
    (cell, backend, seq_len). ``ax`` may be given only when the table holds one backend.
    Returns the Axes, or an array of Axes, one per backend.
    """
    import matplotlib.pyplot as plt
    import pandas as pd

    check_axes(ax)
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table must be a pandas DataFrame, got {type(table).__name__}")
    missing = [c for c in SOLVE_RATE_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"table is missing columns {missing}; it needs {list(SOLVE_RATE_COLUMNS)}")
    if table.empty:
        raise ValueError("table has no rows to plot")
    repeated = table.duplicated(["cell", "backend", "seq_len"])
    if repeated.any():
        row = table[repeated].iloc[0]
        raise ValueError(f"table has several rows for cell={row.cell!r}, backend={row.backend!r}, "
                         f"seq_len={row.seq_len}; select one recipe and hidden size first")
    runs, solved = table["runs"].to_numpy(float), table["solved"].to_numpy(float)
    if np.any(runs < 1) or np.any(solved < 0) or np.any(solved > runs):
        raise ValueError("table needs runs >= 1 and 0 <= solved <= runs in every row")
    rate = solved / runs
    if np.any(table["low"].to_numpy(float) > rate + 1e-9) or np.any(table["high"].to_numpy(float) < rate - 1e-9):
        raise ValueError("table's low and high must bracket solved/runs in every row")
    backends = list(dict.fromkeys(table["backend"]))
    if ax is not None and len(backends) > 1:
        raise ValueError(f"ax can hold one backend, but table has {len(backends)}: {backends}; pass ax=None")
    if ax is None:
        _, axes = plt.subplots(1, len(backends), figsize=(5.5 * len(backends), 3.8), sharey=True, squeeze=False)
        axes = axes[0]
    else:
        axes = np.array([ax])
    table = table.assign(rate=rate)
    cells = sorted(set(table["cell"]), key=lambda c: (list(CELL_COLORS).index(c) if c in CELL_COLORS else 99, str(c)))
    lengths = sorted(set(table["seq_len"]))  # one x-axis for every panel, so a length sits at the same place
    for panel, backend in zip(axes, backends):
        part = table[table["backend"] == backend]
        for i, cell in enumerate(cells):
            rows = part[part["cell"] == cell].sort_values("seq_len")
            if rows.empty:
                continue
            # side by side on the log axis, each cell with its own marker: equal rates stay visible, not on top
            dodge = 10 ** (0.035 * (i - (len(cells) - 1) / 2))
            rate, low, high = (rows[c].to_numpy(float) for c in ("rate", "low", "high"))
            panel.errorbar(rows["seq_len"].to_numpy(float) * dodge, rate, yerr=[rate - low, high - rate],
                           color=cell_color(str(cell)), marker=CELL_MARKERS[i % len(CELL_MARKERS)], markersize=5,
                           capsize=3, label=str(cell))
        panel.set_xscale("log")
        panel.set_xlim(min(lengths) / 1.4, max(lengths) * 1.4)
        panel.set_xticks(lengths, [str(t) for t in lengths], fontsize=8)
        panel.minorticks_off()
        panel.set_ylim(-0.04, 1.04)
        panel.set_xlabel("sequence length T")
        panel.set_title(f"{backend}: solved fraction, 95% Wilson interval", fontsize=10)
        panel.grid(alpha=0.3)
        panel.legend(fontsize=8)
    axes[0].set_ylabel("solved runs / runs")
    return axes[0] if ax is not None or len(backends) == 1 else axes


def save_figure(ax, path):
    """Write the figure holding ``ax`` as a PNG and close it."""
    import matplotlib.pyplot as plt

    fig = check_axes(ax, allow_none=False).figure
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=120)
    plt.close(fig)
