"""The results of experiments: the row schema, :class:`ExperimentResult` and its summary, and
:class:`ResultStore`, the folder every finished run is appended to (``results.csv`` and ``histories.jsonl``).

Below the experiments and the sweeps, and free of any framework: loading a stored table reads this schema
without importing torch, Keras or the training code.
"""
from __future__ import annotations

import csv
import json
import math
import os
from dataclasses import dataclass, field

from .history import History
from .stats import wilson_interval

RESULTS, HISTORIES = "results.csv", "histories.jsonl"

KEY = ["experiment", "cell", "backend", "seed", "seq_len", "hidden_size", "recipe", "max_epochs"]
COLUMNS = KEY + ["activation", "solved", "epochs", "steps", "seconds", "loss", "val_loss", "val_metric",
                 "prediction", "error", "failure"]


@dataclass
class ExperimentResult:
    """``table``: a pandas DataFrame, one row per run (columns ``COLUMNS``); ``histories``: one
    :class:`~rnnlab.History` per row, in the same order (None for a run that failed)."""

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

    @property
    def failures(self):
        return [row for row in self.rows if row.get("failure")]

    def summary(self):
        """Solve rate and median time-to-solve per (cell, backend, seq_len, hidden_size, recipe)."""
        return summarize(self.table)


def summarize(table):
    """Per (experiment, cell, backend, seq_len, hidden_size, recipe): runs, solved, the 95% Wilson interval
    of the solve rate (``low``, ``high``), the median final metric and the median steps/seconds of solved
    runs. Failed runs (an error, not a miss) are counted apart in ``failed``."""
    keys = ["experiment", "cell", "backend", "seq_len", "hidden_size", "recipe"]
    failed = table["failure"].notna() & (table["failure"].astype(str) != "")
    done = table[~failed]
    out = done.groupby(keys, sort=False).agg(runs=("solved", "size"), solved=("solved", "sum"),
                                             final_val_metric=("val_metric", "median")).reset_index()
    out["solved"] = out["solved"].astype(int)
    out["low"], out["high"] = wilson_interval(out["solved"].to_numpy(), out["runs"].to_numpy())
    solved_only = done[done.solved.astype(bool)].groupby(keys, sort=False)
    medians = solved_only.agg(median_steps=("steps", "median"), median_seconds=("seconds", "median"))
    out = out.merge(medians.reset_index(), on=keys, how="left")
    failures = table[failed].groupby(keys, sort=False).size().rename("failed").reset_index()
    out = out.merge(failures, on=keys, how="outer") if len(failures) else out.assign(failed=0)
    out["failed"] = out["failed"].fillna(0).astype(int)
    return out


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
