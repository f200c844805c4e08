"""Resumable sweeps from TOML spec files: every finished run is appended to ``DIR/results.csv`` (and its curve to
``DIR/histories.jsonl``) as it completes; running the same sweep again skips what is done.

A spec is a small TOML file, either one table of :func:`rnnlab.experiments.run_experiment` arguments or
several ``[[sweep]]`` tables::

    [[sweep]]
    experiment = "adding"
    cells = ["rnn", "lstm", "gru"]
    backends = ["torch"]
    seeds = 10
    seq_len = [10, 30, 100, 300]
    epochs = 20

The results folder itself is :class:`rnnlab.results.ResultStore`.
"""
from __future__ import annotations

import os
import warnings

from .experiments import plan, run_experiment
from .results import ResultStore

SPEC_KEYS = ("experiment", "cells", "backends", "seeds", "seq_len", "hidden_size", "recipe", "epochs")
_MOVED = {"RESULTS", "HISTORIES"}  # ResultStore itself is imported above: rnnlab.sweep.ResultStore still works


def __getattr__(name):
    """Names that moved to :mod:`rnnlab.results` (for one release)."""
    if name in _MOVED:
        from . import results

        warnings.warn(f"rnnlab.sweep.{name} is now rnnlab.results.{name}", DeprecationWarning, stacklevel=2)
        return getattr(results, name)
    raise AttributeError(f"module 'rnnlab.sweep' has no attribute {name!r}")


def load_spec(path):
    """The list of sweep parts in a TOML spec file, each a dict of ``run_experiment`` arguments, all checked."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    if isinstance(path, bool) or not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a TOML file path (str or os.PathLike), got {type(path).__name__} {path!r}")
    path = os.fspath(path)
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ValueError(f"spec file {path!r} does not exist") from None
    except IsADirectoryError:
        raise ValueError(f"spec {path!r} is a folder; give a .toml file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ValueError(f"{path}: cannot read the spec file: {exc.strerror or exc}") from None
    parts = data["sweep"] if set(data) == {"sweep"} else [data]
    if not isinstance(parts, list) or not parts or not all(isinstance(p, dict) for p in parts):
        raise ValueError(f"{path}: 'sweep' must be a non-empty list of tables ([[sweep]])")
    return [_check_part(part, f"{path}: sweep {i + 1}" if len(parts) > 1 else path) for i, part in enumerate(parts)]


def _check_part(part, where):
    unknown = sorted(set(part) - set(SPEC_KEYS))
    if unknown:
        raise ValueError(f"{where}: unknown key {unknown[0]!r}; allowed keys: {', '.join(SPEC_KEYS)}")
    if "experiment" not in part:
        raise ValueError(f"{where}: missing key 'experiment' (long_dependency, adding or next_number)")
    args = {k: part[k] for k in SPEC_KEYS if k in part}
    try:
        plan(args["experiment"], **{k: v for k, v in args.items() if k != "experiment"})
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{where}: {exc}".replace("name must", "experiment must")) from None
    return args


def run_sweep(parts, out, *, n_jobs=None, progress=True):
    """Run every part of a sweep into ``out``, skipping runs already stored there; returns the
    :class:`ExperimentResult` of all the runs the parts ask for (stored and new). Every part is checked
    before the first run trains."""
    store = ResultStore(out)
    plans = [plan(p["experiment"], **{k: v for k, v in p.items() if k != "experiment"}) for p in parts]
    with store.writing():  # a second sweep on the same folder is refused before its first run
        for part in parts:
            args = {k: v for k, v in part.items() if k != "experiment"}
            run_experiment(part["experiment"], **args, progress=progress, n_jobs=n_jobs, out=store.folder)
        return store.result([run.key for runs in plans for run in runs])
