"""Resumable sweeps: every finished run is appended to ``DIR/results.csv`` (and its curve to
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
"""
from __future__ import annotations

import csv
import json
import math
import os

from .experiments import COLUMNS, KEY, ExperimentResult, plan, run_experiment
from .training import History

SPEC_KEYS = ("experiment", "cells", "backends", "seeds", "seq_len", "hidden_size", "recipe", "epochs")
RESULTS, HISTORIES = "results.csv", "histories.jsonl"


def load_spec(path):
    """The list of sweep parts in a TOML spec file, each a dict of ``run_experiment`` arguments, all checked."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    path = os.fspath(path)
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ValueError(f"spec file {path!r} does not exist") from None
    except IsADirectoryError:
        raise ValueError(f"spec {path!r} is a folder; give a .toml file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: not valid TOML: {exc}") from None
    parts = data["sweep"] if set(data) == {"sweep"} else [data]
    if not isinstance(parts, list) or not parts:
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


class ResultStore:
    """A results folder: ``results.csv`` (one row per finished run) and ``histories.jsonl`` (its curve).

    The folder is created and checked for writing up front, so a bad ``out`` fails before any training.
    """

    def __init__(self, folder):
        if not isinstance(folder, (str, os.PathLike)) or not os.fspath(folder).strip():
            raise ValueError(f"out must name a folder, got {folder!r}")
        self.folder = os.fspath(folder)
        if os.path.exists(self.folder) and not os.path.isdir(self.folder):
            raise ValueError(f"out {self.folder!r} is a file, not a folder")
        try:
            os.makedirs(self.folder, exist_ok=True)
            probe = os.path.join(self.folder, ".rnnlab-write-test")
            with open(probe, "w"):
                pass
            os.remove(probe)
        except OSError as exc:
            raise ValueError(f"out {self.folder!r} cannot be written: {exc.strerror or exc}") from None
        self.results = os.path.join(self.folder, RESULTS)
        self.histories = os.path.join(self.folder, HISTORIES)
        self._check_header()

    def _check_header(self):
        if not os.path.exists(self.results) or os.path.getsize(self.results) == 0:
            return
        with open(self.results, newline="") as fh:
            header = next(csv.reader(fh), [])
        if header != COLUMNS:
            raise ValueError(f"{self.results} was written by another version of rnnlab (columns {header}); "
                             "move it away or choose another out folder, then run the same command again")

    def append(self, row, history):
        """Write one finished run, flushed to disk before returning."""
        new = not os.path.exists(self.results) or os.path.getsize(self.results) == 0
        with open(self.results, "a", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=COLUMNS)
            if new:
                writer.writeheader()
            writer.writerow(row)
            fh.flush()
            os.fsync(fh.fileno())
        if history is not None:
            line = {"key": {k: row[k] for k in KEY}, "head": history.head, "target": history.target,
                    "records": history.records}
            with open(self.histories, "a") as fh:
                fh.write(json.dumps(line) + "\n")
                fh.flush()

    def rows(self):
        """The finished rows, the last per run key (a re-run replaces a failed one); [] when there are none."""
        if not os.path.exists(self.results):
            return []
        latest = {}
        with open(self.results, newline="") as fh:
            for raw in csv.DictReader(fh):
                if None in raw or any(raw.get(c) is None for c in COLUMNS):
                    continue  # a line cut short by a crash
                row = _typed(raw)
                latest[tuple(str(row[k]) for k in KEY)] = row
        return list(latest.values())

    def done(self):
        """Keys of the runs that finished without an error."""
        return [{k: r[k] for k in KEY} for r in self.rows() if not r["failure"]]

    def result(self, keys=None):
        """An :class:`ExperimentResult` of the stored runs (only ``keys`` when given), with their histories."""
        histories = {}
        if os.path.exists(self.histories):
            with open(self.histories) as fh:
                for line in fh:
                    try:
                        item = json.loads(line)
                    except json.JSONDecodeError:
                        continue
                    history = History(head=item["head"], target=item["target"], records=item["records"])
                    histories[tuple(str(item["key"][k]) for k in KEY)] = history
        wanted = None if keys is None else {tuple(str(k[c]) for c in KEY) for k in keys}
        rows = [r for r in self.rows() if wanted is None or tuple(str(r[k]) for k in KEY) in wanted]
        return ExperimentResult(rows, [histories.get(tuple(str(r[k]) for k in KEY)) for r in rows])


_INTS = ("seed", "seq_len", "hidden_size", "max_epochs", "epochs", "steps")
_FLOATS = ("seconds", "loss", "val_loss", "val_metric", "prediction", "error")


def _typed(raw):
    row = dict(raw)
    for c in _INTS:
        row[c] = int(row[c]) if row[c] not in ("", None) else None
    for c in _FLOATS:
        row[c] = float(row[c]) if row[c] not in ("", None) else (math.nan if c != "prediction" else None)
    row["solved"] = row["solved"] == "True"
    row["failure"] = row["failure"] or ""
    return row


def run_sweep(parts, out, *, n_jobs=None, progress=True):
    """Run every part of a sweep into ``out``, skipping runs already stored there; returns the
    :class:`ExperimentResult` of all the runs the parts ask for (stored and new). Every part is checked
    before the first run trains."""
    store = ResultStore(out)
    plans = [plan(p["experiment"], **{k: v for k, v in p.items() if k != "experiment"}) for p in parts]
    for part in parts:
        args = {k: v for k, v in part.items() if k != "experiment"}
        run_experiment(part["experiment"], **args, progress=progress, n_jobs=n_jobs, out=store.folder)
    return store.result([run.key for runs in plans for run in runs])
