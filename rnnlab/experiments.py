"""Named experiments: a spec (cells × backends × seeds × T × hidden × recipe) in, a tidy table out.

One source for the CLI, the sweeps, the notebooks and the widgets. The whole request is checked before
the first run trains; runs can go to worker processes (or a Dask cluster) through joblib.
"""
from __future__ import annotations

import itertools
import numbers
import os
import warnings
from dataclasses import dataclass

import numpy as np
from tqdm.auto import tqdm

import rnnlab.recipes as _recipes
from ._validation import check_bool, check_choice, check_int, check_seed
from .backends import BACKENDS, CELLS, require
from .data import Scaler, adding_task, first_token_task, next_number_task
from .models import build_model, gate_biases
from .settings import (EXPERIMENT_DEFAULTS, MAX_EPOCHS, MAX_HIDDEN, MAX_JOBS, MAX_SEEDS, MAX_SEQ_LEN,
                       SOLVE_ACCURACY, SOLVE_ERROR, SOLVE_MSE, use_one_thread)
from .results import COLUMNS, KEY, ExperimentResult, ResultStore, summarize
from .training import predict, train

# The row schema and the result live in rnnlab.results; they are named here too, where the notebooks import them.
__all__ = ["COLUMNS", "EXPERIMENTS", "KEY", "ExperimentResult", "Run", "execute", "next_number_query", "plan",
           "recipes_of", "run_experiment", "seed_list", "summarize"]

EXPERIMENTS = {
    name: {"recipes": recipes, "seq_len": EXPERIMENT_DEFAULTS[name].seq_len,
           "hidden_size": EXPERIMENT_DEFAULTS[name].hidden_size}
    for name, recipes in (("long_dependency", _recipes.LONG_DEPENDENCY), ("next_number", _recipes.NEXT_NUMBER),
                          ("adding", _recipes.ADDING))
}
QUERY_START = 10           # next_number: the query is [10, 11, …], as in the classic demo
VAL_SEED_OFFSET = 10_000   # validation data never shares a seed with training data


@dataclass(frozen=True)
class Run:
    """One training run of an experiment: everything needed to execute it in another process."""

    experiment: str
    recipe: _recipes.Recipe
    cell: str
    backend: str
    seed: int
    seq_len: int
    hidden_size: int

    @property
    def key(self):
        return {"experiment": self.experiment, "cell": self.cell, "backend": self.backend, "seed": self.seed,
                "seq_len": self.seq_len, "hidden_size": self.hidden_size, "recipe": self.recipe.name,
                "max_epochs": self.recipe.epochs}


def _as_list(value, name, check):
    if isinstance(value, np.ndarray):
        value = value.tolist()
    values = list(value) if isinstance(value, (list, tuple, range)) else [value]
    if not values:
        raise ValueError(f"{name} must not be empty")
    checked = [check(v) for v in values]
    repeated = sorted({v for v in checked if checked.count(v) > 1}, key=str)
    if repeated:
        raise ValueError(f"{name} lists {repeated} more than once")
    return checked


def seed_list(seeds):
    """A count N gives seeds 0..N-1; a list, range or array is taken as it is. Seeds are ints in [0, 2**32)."""
    if isinstance(seeds, numbers.Integral) and not isinstance(seeds, (bool, np.bool_)):
        return list(range(check_int(seeds, "seeds", max_value=MAX_SEEDS)))
    return _as_list(seeds, "seeds", lambda s: check_seed(s, "seeds"))


def recipes_of(name):
    """Every recipe ``name`` accepts: the main ones and, where there is an original, the one-change ablations."""
    main = EXPERIMENTS[check_choice(name, "name", EXPERIMENTS)]["recipes"]
    return {**main, **(_recipes.ablations(main) if "original" in main else {})}


def _check_recipe(name, recipe):
    allowed = recipes_of(name)
    if not isinstance(recipe, str) or recipe not in allowed:
        main = sorted(EXPERIMENTS[name]["recipes"])
        extra = f", or an ablation such as {sorted(set(allowed) - set(main))[0]!r}" if len(allowed) > len(main) else ""
        raise ValueError(f"recipe must be one of {main}{extra}; got {recipe!r}")
    return allowed[recipe]


def plan(name, *, cells=("rnn", "lstm"), backends="torch", seeds=3, seq_len=None, hidden_size=None,
         recipe="rnnlab", epochs=None):
    """Check a whole request and return its runs, so that a bad combination fails before any training.

    Raises ValueError/TypeError naming the parameter, or ImportError (with the pip command) for a backend
    that is not installed.
    """
    check_choice(name, "name", EXPERIMENTS)
    spec = EXPERIMENTS[name]
    cells = _as_list(cells, "cells", lambda c: check_choice(c, "cells", CELLS))
    backends = _as_list(backends, "backends", lambda b: check_choice(b, "backends", BACKENDS))
    seeds = seed_list(seeds)
    min_len = 2 if name == "adding" else 1
    seq_lens = _as_list(spec["seq_len"] if seq_len is None else seq_len, "seq_len",
                        lambda t: check_int(t, "seq_len", min_value=min_len, max_value=MAX_SEQ_LEN))
    hiddens = _as_list(spec["hidden_size"] if hidden_size is None else hidden_size, "hidden_size",
                       lambda h: check_int(h, "hidden_size", max_value=MAX_HIDDEN))
    recipe_list = _as_list(recipe, "recipe", lambda r: _check_recipe(name, r))
    if epochs is not None:
        epochs = check_int(epochs, "epochs", max_value=MAX_EPOCHS)
        recipe_list = [r.with_(epochs=epochs) for r in recipe_list]
    for rec, T, cell in itertools.product(recipe_list, seq_lens, cells):
        if cell != "rnn" and name != "next_number":
            try:
                gate_biases(cell, rec.forget_bias, 1, T)
            except ValueError as exc:
                raise ValueError(f"seq_len={T} does not suit cell={cell!r} with recipe {rec.name!r}: {exc}") from None
    for backend in backends:
        require(backend)  # no import: Keras takes seconds to load, and a worker may be the one to use it
    return [Run(name, rec, cell, backend, seed, T, H)
            for rec, T, H, backend, cell, seed in itertools.product(recipe_list, seq_lens, hiddens, backends, cells, seeds)]


def _key_tuple(key):
    return tuple(str(key[c]) for c in KEY)


def _check_n_jobs(n_jobs):
    if n_jobs is None or n_jobs == -1:
        return n_jobs
    return check_int(n_jobs, f"n_jobs (a positive int up to {MAX_JOBS}, -1 for every core, or None)", max_value=MAX_JOBS)


def run_experiment(name, *, cells=("rnn", "lstm"), backends="torch", seeds=3, seq_len=None, hidden_size=None,
                   recipe="rnnlab", epochs=None, progress=True, on_run=None, n_jobs=None, out=None):
    """Run every combination of the given cells, backends, seeds, sequence lengths, hidden sizes and recipes.

    Parameters
    ----------
    name : 'long_dependency' (label = first token of a ±1 or 0/1 sequence), 'adding' (sum of the two marked
        values; solved = validation MSE ≤ 0.01) or 'next_number'
    cells, backends : one value or a list ('rnn', 'lstm', 'gru'; 'torch', 'keras')
    seeds : a count N (seeds 0..N-1) or a list of seeds
    seq_len, hidden_size : one value or a list; default 300/16 (long_dependency, adding) or 3/10 (next_number)
    recipe : one name or a list: 'original', 'rnnlab', or an ablation such as 'rnnlab-clip_norm'
        (:func:`rnnlab.recipes.ablations`)
    epochs : override the recipe's epoch budget (e.g. for quick runs)
    on_run : optional callable receiving each finished row (a dict), as soon as it finishes
    n_jobs : worker processes through joblib (one thread each; -1: one per core). None: 1, unless a
        ``joblib.parallel_config`` (e.g. ``backend="dask"``) says otherwise. Results equal a serial run's.
    out : optional folder: each finished run is appended to ``out/results.csv`` (its curve to
        ``out/histories.jsonl``) as it completes, and runs already stored there are not run again; the result
        then holds the stored runs of this request too (see :mod:`rnnlab.sweep`)

    A run that raises fails its own row (column ``failure``) and the others go on; a warning counts them.
    """
    runs = plan(name, cells=cells, backends=backends, seeds=seeds, seq_len=seq_len, hidden_size=hidden_size,
                recipe=recipe, epochs=epochs)
    n_jobs = _check_n_jobs(n_jobs)
    progress = check_bool(progress, "progress")
    if on_run is not None and not callable(on_run):
        raise TypeError(f"on_run must be callable, got {type(on_run).__name__}")
    if out is None:
        return _run_all(name, runs, progress, on_run, n_jobs, None)
    store = ResultStore(out)
    with store.writing():  # one writer per folder, held from before the first run to the last row
        done = {_key_tuple(k) for k in store.done()}
        _run_all(name, [r for r in runs if _key_tuple(r.key) not in done], progress, on_run, n_jobs, store)
        return store.result([r.key for r in runs])


def _run_all(name, runs, progress, on_run, n_jobs, store):
    """Run ``runs``, appending each finished one to ``store`` (when given) as it finishes."""
    results = [None] * len(runs)
    bar = tqdm(total=len(runs), desc=name, disable=not progress or len(runs) <= 1)
    # runs in this process also show their epoch bar under the bar over runs (workers turn theirs off)
    for index, row, history in _execute_all(runs, n_jobs, progress):
        results[index] = (row, history)
        if store is not None:
            store.append(row, history)
        bar.update(1)
        if on_run is not None:
            on_run(row)
    bar.close()
    result = ExperimentResult([r for r, _ in results], [h for _, h in results])
    if result.failures:
        first = result.failures[0]
        warnings.warn(f"{len(result.failures)} of {len(runs)} runs failed; the first: {first['cell']} on "
                      f"{first['backend']}, seed {first['seed']}, T={first['seq_len']}: {first['failure']}",
                      RuntimeWarning, stacklevel=3)
    return result


def _execute_all(runs, n_jobs, progress):
    """Yield ``(index, row, history)`` as runs finish, through joblib: in this process when n_jobs is 1
    (or None with no ``parallel_config``), else in worker processes or on a Dask cluster."""
    from joblib import Parallel, delayed

    parallel = Parallel(n_jobs=n_jobs, return_as="generator_unordered")
    yield from parallel(delayed(_execute_in_worker)(index, run, os.getpid(), progress) for index, run in enumerate(runs))


def _execute_in_worker(index, run, parent_pid, progress):
    """One run; in a worker process with one thread and no per-epoch bars."""
    if os.getpid() != parent_pid:
        progress = False
        if run.backend == "torch":
            import torch  # noqa: F401  (imported first, so that use_one_thread sets its thread count too)
        use_one_thread()
    return (index, *execute(run, progress))


def execute(run, progress=False):
    """Train one :class:`Run`; return its table row and History. An error fails the row, not the caller."""
    try:
        values, history = _RUNNERS[run.experiment](run, progress)
    except Exception as exc:  # noqa: BLE001  (a failed run is a row with its error; Ctrl-C still stops)
        values, history = {"failure": f"{type(exc).__name__}: {exc}"}, None
    row = {**run.key, "failure": "", **values}
    return {c: row.get(c) for c in COLUMNS}, history


def _model(run, **kwargs):
    rec = run.recipe
    return build_model(run.cell, run.backend, hidden_size=run.hidden_size, activation=rec.activation,
                       forget_bias=rec.forget_bias if run.cell != "rnn" else "default", seq_len=run.seq_len,
                       seed=run.seed, **kwargs)


def _fit(run, model, X, y, X_val, y_val, progress, **kwargs):
    rec = run.recipe
    return train(model, X, y, X_val=X_val, y_val=y_val, epochs=rec.epochs, batch_size=rec.batch_size, lr=rec.lr,
                 lr_schedule=rec.lr_schedule, clip_norm=rec.clip_norm, seed=run.seed, progress=progress,
                 jit_compile=rec.jit_compile, **kwargs)


def _outcome(history, **extra):
    last = history.final
    return {"solved": history.solved, "epochs": last["epoch"], "steps": last["steps"],
            "seconds": round(last["seconds"], 3), "loss": last["loss"], "val_loss": last["val_loss"], **extra}


def _run_long_dependency(run, progress):
    rec = run.recipe
    X, y = first_token_task(rec.n_train, run.seq_len, seed=run.seed, encoding=rec.encoding)
    X_val, y_val = first_token_task(rec.n_val, run.seq_len, seed=VAL_SEED_OFFSET + run.seed, encoding=rec.encoding)
    history = _fit(run, _model(run, head="binary"), X, y, X_val, y_val, progress, target=SOLVE_ACCURACY)
    return _outcome(history, activation=rec.activation, val_metric=history.final["val_accuracy"]), history


def _run_adding(run, progress):
    rec = run.recipe
    X, y = adding_task(rec.n_train, run.seq_len, seed=run.seed)
    X_val, y_val = adding_task(rec.n_val, run.seq_len, seed=VAL_SEED_OFFSET + run.seed)
    history = _fit(run, _model(run, input_size=2, head="regression"), X, y, X_val, y_val, progress,
                   target=SOLVE_MSE)
    return _outcome(history, activation=rec.activation, val_metric=min(history["val_loss"])), history


def next_number_query(seq_len, step=1):
    """The classic query [10, 11, 12] (for seq_len=3) and its true next number."""
    query = QUERY_START + step * np.arange(seq_len, dtype=np.float32)
    return query[None, :, None], float(QUERY_START + step * seq_len)


def _run_next_number(run, progress):
    rec, T = run.recipe, run.seq_len
    X, y = next_number_task(rec.n_train, seq_len=T, seed=run.seed)
    X_val, y_val = next_number_task(rec.n_val, seq_len=T, seed=VAL_SEED_OFFSET + run.seed)
    scaler = Scaler(rec.scaling).fit(np.concatenate([X.ravel(), y.ravel()]))
    # torch's LSTM and GRU are tanh-only: the relu of the Keras demo applies to torch's simple RNN alone.
    activation = rec.activation if run.backend == "keras" or run.cell == "rnn" else "tanh"
    model = build_model(run.cell, run.backend, hidden_size=run.hidden_size, head="regression",
                        activation=activation, seed=run.seed)
    history = _fit(run, model, scaler.transform(X), scaler.transform(y), scaler.transform(X_val),
                   scaler.transform(y_val), progress)
    query, truth = next_number_query(T)
    prediction = float(scaler.inverse_transform(predict(model, scaler.transform(query)))[0, 0])
    error = abs(prediction - truth)
    return _outcome(history, activation=activation, solved=bool(error <= SOLVE_ERROR),
                   val_metric=float(scaler.scale_ * history.final["val_mae"]), prediction=prediction,
                   error=error), history


_RUNNERS = {"long_dependency": _run_long_dependency, "adding": _run_adding, "next_number": _run_next_number}
