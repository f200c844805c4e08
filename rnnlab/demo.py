"""The headline demo (``rnnlab demo``, ``make demo``): where the simple RNN and the gated cells differ, in minutes.

Three sweeps on torch at T=300, H=16, the first ``seeds`` seeds each, into one resumable results folder:

1. the classic first-token demo as published (20 full-batch steps), simple RNN and LSTM;
2. the first-token task under the rnnlab recipe, on a budget of 2,560 steps, simple RNN and LSTM;
3. the adding problem under the rnnlab recipe, on the same budget, simple RNN, LSTM and GRU.

It prints a table of solve counts and a verdict in plain words, both computed from the stored rows
(:func:`solve_table`, :func:`verdict`), and writes one figure with a panel per sweep, each with its own step axis.
"""
from __future__ import annotations

import math
import os

from ._validation import check_int
from .settings import MAX_SEEDS

CELL_NAMES = {"rnn": "simple RNN", "lstm": "LSTM", "gru": "GRU"}
GATED = ("lstm", "gru")


# (title, sweep part): the part is a dict of run_experiment arguments, as in a spec file of `rnnlab sweep`
PARTS = (
    ("first-token task (classic demo)",
     dict(experiment="long_dependency", cells=["rnn", "lstm"], recipe="original")),
    ("first-token task (rnnlab recipe)",
     dict(experiment="long_dependency", cells=["rnn", "lstm"], recipe="rnnlab", epochs=40)),
    ("adding problem (rnnlab recipe)",
     dict(experiment="adding", cells=["rnn", "lstm", "gru"], recipe="rnnlab", epochs=20)),
)
SEQ_LEN, HIDDEN = 300, 16


def demo_parts(seeds=3):
    """The demo's sweep parts, each run on seeds 0..seeds-1 on torch at T=300, H=16."""
    seeds = check_int(seeds, "seeds", min_value=1, max_value=MAX_SEEDS)
    return [dict(part, backends=["torch"], seeds=seeds, seq_len=SEQ_LEN, hidden_size=HIDDEN) for _, part in PARTS]


def _title(row):
    for title, part in PARTS:
        if (row["experiment"], row["recipe"]) == (part["experiment"], part["recipe"]):
            return title
    return f"{row['experiment']} ({row['recipe']} recipe)"


def _groups(rows):
    """{title: {cell: (solved, runs)}} over the finished rows, in the order of PARTS, cells in rnn/lstm/gru order."""
    if not isinstance(rows, (list, tuple)):
        raise TypeError(f"rows must be a list of result rows (dicts), got {type(rows).__name__}")
    counts = {}
    for row in rows:
        if not isinstance(row, dict) or not {"experiment", "recipe", "cell", "solved"} <= set(row):
            raise ValueError(f"rows must be result rows with experiment, recipe, cell and solved; got {row!r}")
        if row.get("failure"):
            continue
        solved, runs = counts.setdefault(_title(row), {}).get(row["cell"], (0, 0))
        counts[_title(row)][row["cell"]] = (solved + bool(row["solved"]), runs + 1)
    order = [title for title, _ in PARTS] + sorted(set(counts) - {title for title, _ in PARTS})
    return {t: {c: counts[t][c] for c in sorted(counts[t], key=list(CELL_NAMES).index)} for t in order if t in counts}


def _budget(row):
    """The most optimiser steps a run of this row's recipe and epoch budget may take."""
    from .experiments import recipes_of

    recipe = recipes_of(row["experiment"])[row["recipe"]]
    return math.ceil(recipe.n_train / recipe.batch_size) * int(row["max_epochs"])


def solve_table(rows):
    """One line per sweep: its step budget and, per cell, ``solved/runs`` (``–`` for a cell it does not run)."""
    import pandas as pd

    groups = _groups(rows)
    budgets = {}
    for row in rows:
        budgets.setdefault(_title(row), _budget(row))
    cells = [c for c in CELL_NAMES if any(c in g for g in groups.values())]
    lines = [{"sweep": title, "steps (at most)": f"{budgets[title]:,}",
              **{CELL_NAMES[c]: (f"{g[c][0]}/{g[c][1]}" if c in g else "–") for c in cells}}
             for title, g in groups.items()]
    return pd.DataFrame(lines)


def shows_gap(counts):
    """True when the gated cells all solve every run and the simple RNN at most a third of its runs; False when
    there is no simple RNN or no gated cell to compare."""
    gated = [counts[c] for c in GATED if c in counts]
    if "rnn" not in counts or not gated:
        return False
    solved, runs = counts["rnn"]
    return solved <= runs // 3 and all(k == n for k, n in gated)


def _fisher_p(a, b):
    """Fisher's exact test of two (solved, runs) counts, or None without scipy."""
    try:
        from scipy.stats import fisher_exact
    except ImportError:
        return None
    return float(fisher_exact([[a[0], a[1] - a[0]], [b[0], b[1] - b[0]]])[1])


def verdict(rows):
    """The demo's verdict in plain words, a list of sentences, computed from the result rows (dicts with
    ``experiment``, ``recipe``, ``cell``, ``solved`` and optionally ``failure``; failed runs are not counted)."""
    groups = _groups(rows)
    if not groups:
        return ["No run finished, so there is nothing to compare."]
    lines = []
    for title, counts in groups.items():
        said = ", ".join(f"{CELL_NAMES.get(c, c)} {k}/{n}" for c, (k, n) in counts.items())
        if all(k == 0 for k, _ in counts.values()):
            judged = "no cell learns it, so this run cannot tell the cells apart"
        elif all(k == n for k, n in counts.values()):
            judged = "every cell learns it on every seed"
        elif shows_gap(counts):
            judged = "the gated cells learn it and the simple RNN does not"
        else:
            judged = "no clear difference between the cells on these seeds"
        lines.append(f"{title}: {said} solved; {judged}.")
    gap = [title for title, counts in groups.items() if shows_gap(counts)]
    if gap:
        if len(gap) == len(groups):
            lines.append("Every sweep shows the simple RNN behind the gated cells.")
        else:
            lines.append(f"Of the {len(groups)} sweeps, only the {' and the '.join(gap)} "
                         f"show{'s' if len(gap) == 1 else ''} the simple RNN behind the gated cells.")
        counts = groups[gap[0]]
        p = _fisher_p(counts["rnn"], next(counts[c] for c in GATED if c in counts))
        if p is not None and p >= 0.05:
            lines.append(f"With {counts['rnn'][1]} seeds per cell this is a demonstration, not yet a measurement "
                         f"(Fisher's exact test, simple RNN against {CELL_NAMES[next(c for c in GATED if c in counts)]}: "
                         f"p = {p:.2f}): run it with --seeds 10 to measure it.")
    else:
        lines.append("On these seeds no task shows the simple RNN behind the gated cells (the gated cells solving "
                     "every seed and the simple RNN at most a third).")
    return lines


def plot_demo(result, path):
    """One panel per sweep of ``result`` (an ExperimentResult), each with its own axis of training steps."""
    import matplotlib.pyplot as plt

    from .plotting import plot_curves, save_figure
    from .results import ExperimentResult

    panels = {}
    for row, history in zip(result.rows, result.histories):
        if history is not None:
            panels.setdefault(_title(row), ([], []))
            panels[_title(row)][0].append(row)
            panels[_title(row)][1].append(history)
    if not panels:
        return None
    order = [t for t, _ in PARTS if t in panels] + sorted(set(panels) - {t for t, _ in PARTS})
    fig, axes = plt.subplots(1, len(order), figsize=(5 * len(order), 4), squeeze=False)
    for ax, title in zip(axes[0], order):
        rows, histories = panels[title]
        plot_curves(ExperimentResult(rows, histories), x="steps", ax=ax)
        seeds = len({r["seed"] for r in rows})
        ax.set_title(f"{title}, T={rows[0]['seq_len']}\nmedian and min–max over {seeds} seeds", fontsize=10)
    save_figure(axes[0][0], path)
    return path


def run_demo(out, *, seeds=3, n_jobs=2, progress=True):
    """Run (or resume) the demo's sweeps into the folder ``out``; return ``(result, table, verdict, png)``."""
    from .sweep import run_sweep

    result = run_sweep(demo_parts(seeds), out, n_jobs=n_jobs, progress=progress)
    png = plot_demo(result, os.path.join(out, "demo.png"))
    return result, solve_table(result.rows), verdict(result.rows), png
