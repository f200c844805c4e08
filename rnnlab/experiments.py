"""Named experiments: a spec (cells × backends × seeds × T × hidden × recipe) in, a tidy table out.

One source for the CLI, the notebooks and the widgets.
"""
from __future__ import annotations

import csv
import itertools
import numbers
from dataclasses import dataclass, field

import numpy as np
from tqdm.auto import tqdm

from . import recipes as _recipes
from ._validation import check_choice, check_int
from .backends import BACKENDS, CELLS
from .data import Scaler, first_token_task, next_number_task
from .models import build_model
from .training import predict, train

EXPERIMENTS = {
    "long_dependency": {"recipes": _recipes.LONG_DEPENDENCY, "seq_len": 300, "hidden_size": 16},
    "next_number": {"recipes": _recipes.NEXT_NUMBER, "seq_len": 3, "hidden_size": 10},
}
SOLVE_ACCURACY = 0.99      # long_dependency: validation accuracy that counts as solved
SOLVE_ERROR = 0.05         # next_number: |prediction for the query − truth| that counts as solved
QUERY_START = 10           # next_number: the query is [10, 11, …], as in the classic demo
VAL_SEED_OFFSET = 10_000   # validation data never shares a seed with training data

COLUMNS = ["experiment", "cell", "backend", "seed", "seq_len", "hidden_size", "recipe", "activation",
           "solved", "epochs", "steps", "seconds", "loss", "val_loss", "val_metric", "prediction", "error"]


@dataclass
class ExperimentResult:
    """``table``: a pandas DataFrame, one row per run (columns ``COLUMNS``); ``histories``: one
    :class:`~rnnlab.History` per row, in the same order."""

    rows: list
    histories: list = field(repr=False)

    @property
    def table(self):
        import pandas as pd

        return pd.DataFrame(self.rows, columns=COLUMNS)

    def to_csv(self, path):
        with open(path, "w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(self.rows)

    def summary(self):
        """Solve rate and median time-to-solve per (cell, backend, seq_len, hidden_size, recipe)."""
        table = self.table
        keys = ["cell", "backend", "seq_len", "hidden_size", "recipe"]
        grouped = table.groupby(keys, sort=False)
        out = grouped.agg(runs=("solved", "size"), solved=("solved", "sum"),
                          final_val_metric=("val_metric", "median")).reset_index()
        solved_only = table[table.solved].groupby(keys, sort=False)
        medians = solved_only.agg(median_steps=("steps", "median"), median_seconds=("seconds", "median"))
        return out.merge(medians.reset_index(), on=keys, how="left")


def _as_list(value, name, check):
    values = list(value) if isinstance(value, (list, tuple, range)) else [value]
    if not values:
        raise ValueError(f"{name} must not be empty")
    return [check(v) for v in values]


def seed_list(seeds):
    """A count N gives seeds 0..N-1; a list or range is taken as it is."""
    if isinstance(seeds, numbers.Integral) and not isinstance(seeds, bool):
        return list(range(check_int(seeds, "seeds")))
    return _as_list(seeds, "seeds", lambda s: check_int(s, "seeds", min_value=0))


def run_experiment(name, *, cells=("rnn", "lstm"), backends="torch", seeds=3, seq_len=None, hidden_size=None,
                   recipe="rnnlab", epochs=None, progress=True, on_run=None):
    """Run every combination of the given cells, backends, seeds, sequence lengths, hidden sizes and recipes.

    Parameters
    ----------
    name : 'long_dependency' (label = first token of a ±1 or 0/1 sequence) or 'next_number'
    cells, backends : one value or a list ('rnn', 'lstm', 'gru'; 'torch', 'keras')
    seeds : a count N (seeds 0..N-1) or a list of seeds
    seq_len, hidden_size : one value or a list; default 300/16 (long_dependency) or 3/10 (next_number)
    recipe : one name or a list, from ``EXPERIMENTS[name]['recipes']`` ('original', 'rnnlab')
    epochs : override the recipe's epoch budget (e.g. for quick runs)
    on_run : optional callable receiving each finished row (a dict)
    """
    check_choice(name, "name", EXPERIMENTS)
    spec = EXPERIMENTS[name]
    cells = _as_list(cells, "cells", lambda c: check_choice(c, "cells", CELLS))
    backends = _as_list(backends, "backends", lambda b: check_choice(b, "backends", BACKENDS))
    seeds = seed_list(seeds)
    seq_lens = _as_list(spec["seq_len"] if seq_len is None else seq_len, "seq_len", lambda t: check_int(t, "seq_len"))
    hiddens = _as_list(spec["hidden_size"] if hidden_size is None else hidden_size, "hidden_size",
                       lambda h: check_int(h, "hidden_size"))
    recipe_list = [spec["recipes"][r] for r in
                   _as_list(recipe, "recipe", lambda r: check_choice(r, "recipe", spec["recipes"]))]
    if epochs is not None:
        epochs = check_int(epochs, "epochs")
        recipe_list = [r.with_(epochs=epochs) for r in recipe_list]

    run_one = _run_long_dependency if name == "long_dependency" else _run_next_number
    combos = list(itertools.product(recipe_list, seq_lens, hiddens, backends, cells, seeds))
    rows, histories = [], []
    for rec, T, H, backend, cell, seed in tqdm(combos, desc=name, disable=not progress or len(combos) == 1):
        row, history = run_one(rec, cell, backend, seed, T, H, progress)
        row.update({"experiment": name, "cell": cell, "backend": backend, "seed": seed, "seq_len": T,
                    "hidden_size": H, "recipe": rec.name})
        rows.append({c: row.get(c) for c in COLUMNS})
        histories.append(history)
        if on_run is not None:
            on_run(rows[-1])
    return ExperimentResult(rows, histories)


def _run_long_dependency(rec, cell, backend, seed, T, H, progress):
    X, y = first_token_task(rec.n_train, T, seed=seed, encoding=rec.encoding)
    X_val, y_val = first_token_task(rec.n_val, T, seed=VAL_SEED_OFFSET + seed, encoding=rec.encoding)
    model = build_model(cell, backend, hidden_size=H, head="binary", activation=rec.activation,
                        forget_bias=rec.forget_bias if cell != "rnn" else "default", seq_len=T, seed=seed)
    history = train(model, X, y, X_val=X_val, y_val=y_val, epochs=rec.epochs, batch_size=rec.batch_size,
                    lr=rec.lr, clip_norm=rec.clip_norm, target=SOLVE_ACCURACY, seed=seed, progress=progress,
                    jit_compile=rec.jit_compile)
    last = history.final
    return {"activation": rec.activation, "solved": history.solved, "epochs": last["epoch"], "steps": last["steps"],
            "seconds": round(last["seconds"], 3), "loss": last["loss"], "val_loss": last["val_loss"],
            "val_metric": last["val_accuracy"]}, history


def next_number_query(seq_len, step=1):
    """The classic query [10, 11, 12] (for seq_len=3) and its true next number."""
    query = QUERY_START + step * np.arange(seq_len, dtype=np.float32)
    return query[None, :, None], float(QUERY_START + step * seq_len)


def _run_next_number(rec, cell, backend, seed, T, H, progress):
    X, y = next_number_task(rec.n_train, seq_len=T, seed=seed)
    X_val, y_val = next_number_task(rec.n_val, seq_len=T, seed=VAL_SEED_OFFSET + seed)
    scaler = Scaler(rec.scaling).fit(np.concatenate([X.ravel(), y.ravel()]))
    # torch's LSTM and GRU are tanh-only: the relu of the Keras demo applies to torch's simple RNN alone.
    activation = rec.activation if backend == "keras" or cell == "rnn" else "tanh"
    model = build_model(cell, backend, hidden_size=H, head="regression", activation=activation, seed=seed)
    history = train(model, scaler.transform(X), scaler.transform(y), X_val=scaler.transform(X_val),
                    y_val=scaler.transform(y_val), epochs=rec.epochs, batch_size=rec.batch_size, lr=rec.lr,
                    lr_schedule=rec.lr_schedule, clip_norm=rec.clip_norm, seed=seed, progress=progress)
    query, truth = next_number_query(T)
    prediction = float(scaler.inverse_transform(predict(model, scaler.transform(query)))[0, 0])
    error = abs(prediction - truth)
    last = history.final
    return {"activation": activation, "solved": bool(error <= SOLVE_ERROR), "epochs": last["epoch"],
            "steps": last["steps"], "seconds": round(last["seconds"], 3), "loss": last["loss"],
            "val_loss": last["val_loss"], "val_metric": float(scaler.scale_ * last["val_mae"]),
            "prediction": prediction, "error": error}, history
