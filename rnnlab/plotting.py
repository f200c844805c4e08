"""Figures for experiment results: learning curves with a band over seeds."""
from __future__ import annotations

import numpy as np

from ._validation import check_choice

X_AXES = ("epoch", "steps")


def _curves(histories, metric, x):
    """Stack runs of unequal length: a run that stopped early keeps its last value (it met its target)."""
    length = max(len(h.records) for h in histories)
    values = np.array([h[metric] + [h[metric][-1]] * (length - len(h.records)) for h in histories])
    longest = max(histories, key=lambda h: len(h.records))
    return np.asarray(longest[x], dtype=float), values


def plot_curves(result, metric=None, *, x="steps", ax=None):
    """Median curve and min–max band over seeds, one line per (cell, backend, T, hidden, recipe).

    ``metric`` defaults to 'val_accuracy' for the long-dependency task and 'val_loss' for next-number.
    Returns the matplotlib Axes.
    """
    import matplotlib.pyplot as plt

    if not result.rows:
        raise ValueError("result has no runs to plot")
    check_choice(x, "x", X_AXES)
    heads = {h.head for h in result.histories}
    if metric is None:
        metric = "val_accuracy" if heads == {"binary"} else "val_loss"
    columns = set(result.histories[0].records[0])
    check_choice(metric, "metric", columns - {"epoch", "steps", "seconds"})
    keys = ["cell", "backend", "seq_len", "hidden_size", "recipe"]
    varying = [k for k in keys if len({row[k] for row in result.rows}) > 1] or ["cell"]
    groups = {}
    for row, history in zip(result.rows, result.histories):
        groups.setdefault(tuple(row[k] for k in varying), []).append(history)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    for label, histories in groups.items():
        xs, values = _curves(histories, metric, x)
        line, = ax.plot(xs, np.median(values, axis=0), label=" ".join(map(str, label)) + f" (n={len(histories)})")
        ax.fill_between(xs, values.min(axis=0), values.max(axis=0), color=line.get_color(), alpha=0.2)
    fixed = {k: result.rows[0][k] for k in keys if k not in varying}
    ax.set_title(f"{result.rows[0]['experiment']}: median and min–max over seeds\n"
                 + ", ".join(f"{k}={v}" for k, v in fixed.items()), fontsize=10)
    ax.set_xlabel("training steps" if x == "steps" else "epoch")
    ax.set_ylabel(metric)
    if metric.endswith("loss") and "binary" not in heads:
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return ax


def save_figure(ax, path):
    """Write the figure holding ``ax`` as a PNG and close it."""
    import matplotlib.pyplot as plt

    fig = ax.figure
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=120)
    plt.close(fig)
