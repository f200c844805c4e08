"""The results of experiments: the row schema, :class:`ExperimentResult` and its summary, and
:class:`ResultStore`, the folder every finished run is appended to (``results.csv`` and ``histories.jsonl``).

Below the experiments and the sweeps, and free of any framework: loading a stored table reads this schema
without importing torch, Keras or the training code.
"""
from __future__ import annotations

import csv
import io
import math
import os
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field

import rnnlab.store_io as store_io
from .history import History
from .stats import wilson_interval

RESULTS, HISTORIES, LOCK = "results.csv", "histories.jsonl", ".rnnlab.lock"
LOCK_WAIT = 0.5  # seconds a writer waits for the folder's lock before refusing

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

    The folder and the files in it are checked for writing up front, so a bad ``out`` fails before any training.
    A run is written as one unit: its curve first, then its row, each flushed to disk (fsync); a row is counted
    as done only with its curve. One process writes at a time: :meth:`writing` holds a lock on the folder (the
    file ``.rnnlab.lock``), and a second writer is refused at once. The first writer repairs a torn last line
    left by a killed run (the dropped bytes are kept in ``FILE.torn``) and says so.
    """

    def __init__(self, folder):
        if not isinstance(folder, (str, os.PathLike)) or not os.fspath(folder).strip():
            raise ValueError(f"out must name a folder, got {folder!r}")
        self.folder = os.fspath(folder)
        if os.path.exists(self.folder) and not os.path.isdir(self.folder):
            raise ValueError(f"out {self.folder!r} is a file, not a folder")
        self.results = os.path.join(self.folder, RESULTS)
        self.histories = os.path.join(self.folder, HISTORIES)
        self.lock_file = os.path.join(self.folder, LOCK)
        try:
            os.makedirs(self.folder, exist_ok=True)
            probe = os.path.join(self.folder, ".rnnlab-write-test")
            with open(probe, "w"):
                pass
            os.remove(probe)
        except OSError as exc:
            raise ValueError(f"out {self.folder!r} cannot be written: {exc.strerror or exc}") from None
        for path in (self.results, self.histories, self.lock_file):
            if os.path.exists(path):
                try:
                    os.close(os.open(path, os.O_WRONLY | os.O_APPEND))
                except OSError as exc:
                    raise ValueError(f"{path} cannot be written ({exc.strerror or exc}): make it writable or "
                                     "choose another out folder, then run the same command again") from None
        self._check_header()

    def _check_header(self):
        records = store_io.scan_csv(self.results).records
        header = records[0][1] if records else COLUMNS
        if header != COLUMNS:
            raise ValueError(f"{self.results} was written by another version of rnnlab (columns {header}); "
                             "move it away or choose another out folder, then run the same command again")

    @contextmanager
    def writing(self):
        """Hold the folder's writer lock (re-entrant within this thread); refuse at once when another rnnlab run
        holds it. The outermost holder repairs a torn last line of either file first."""
        from filelock import FileLock, Timeout

        lock = FileLock(self.lock_file, timeout=LOCK_WAIT, is_singleton=True)
        try:
            lock.acquire()
        except Timeout:
            raise ValueError(f"out {self.folder!r} is being written by another rnnlab run (it holds "
                             f"{self.lock_file}); wait for that run to finish, or choose another out folder") from None
        try:
            if lock.lock_counter == 1:
                store_io.cut_torn_tail(self.histories, store_io.scan_jsonl(self.histories))
                store_io.cut_torn_tail(self.results, store_io.scan_csv(self.results))
            yield self
        finally:
            lock.release()

    def append(self, row, history):
        """Write one finished run as a unit: its curve, then its row, each flushed to disk before returning."""
        with self.writing():
            def kept():
                try:
                    stored = f"the {len(self.rows())} runs stored before it are kept"
                except (OSError, ValueError):
                    stored = "the runs stored before it are kept"
                return f"this run is not stored, {stored} in {self.folder}: free space and run the same command again"

            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
            if not os.path.exists(self.results) or os.path.getsize(self.results) == 0:
                writer.writeheader()
            writer.writerow(row)
            curves = os.path.getsize(self.histories) if os.path.exists(self.histories) else 0
            if history is not None:
                line = {"key": {k: row[k] for k in KEY}, "head": history.head, "target": history.target,
                        "records": history.records}
                store_io.append_synced(self.histories, store_io.dumps(line) + "\n", kept)
            try:
                store_io.append_synced(self.results, buffer.getvalue(), kept)
            except OSError:
                store_io.cut_back(self.histories, curves)  # the run's curve goes with its row
                raise

    def rows(self):
        """The finished rows, the last per run key (a re-run replaces a failed one); [] when there are none.
        A torn last line is left out (the next writer removes it); a damaged line is skipped with a warning;
        a value that cannot be read raises ValueError naming the file, line and column."""
        scan = store_io.scan_csv(self.results)
        store_io.report_damaged(self.results, scan)
        latest = {}
        for line, fields in scan.records[1:]:
            if len(fields) != len(COLUMNS):
                store_io.report_damaged(self.results, _one(line, f"{len(fields)} fields, not {len(COLUMNS)}"))
                continue
            row = _typed(dict(zip(COLUMNS, fields)), f"{self.results}, line {line}")
            latest[_key(row)] = row
        return list(latest.values())

    def _curves(self):
        """The curve of each run key (the last written), or None when ``histories.jsonl`` does not exist."""
        if not os.path.exists(self.histories):
            return None
        scan = store_io.scan_jsonl(self.histories)
        store_io.report_damaged(self.histories, scan)
        curves = {}
        for line, item in scan.records:
            try:
                history = History(head=item["head"], target=item["target"],
                                  records=[store_io.numbers(r) for r in item["records"]])
                curves[tuple(str(item["key"][k]) for k in KEY)] = history
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                store_io.report_damaged(self.histories, _one(line, f"not a curve: {exc}"))
        return curves

    def _stored(self):
        """The rows with their curves; a finished row without its curve is named in a warning and left out of
        :meth:`done` (it runs again). A folder without ``histories.jsonl`` (a table copied alone) keeps its rows."""
        rows, curves = self.rows(), self._curves()
        if curves is None:
            return [(r, None, True) for r in rows]
        out = [(r, None if r["failure"] else curves.get(_key(r)), True) for r in rows]
        out = [(r, h, bool(r["failure"]) or h is not None) for r, h, _ in out]
        missing = [r for r, _, ok in out if not ok]
        if missing:
            first = ", ".join(f"{k}={missing[0][k]}" for k in KEY)
            warnings.warn(f"{self.results}: {len(missing)} finished run(s) have no curve in {self.histories} (the "
                          f"first: {first}); they are not counted as done and run again", RuntimeWarning, stacklevel=3)
        return out

    def done(self):
        """Keys of the runs that finished without an error and have their curve."""
        return [{k: r[k] for k in KEY} for r, _, ok in self._stored() if ok and not r["failure"]]

    def result(self, keys=None):
        """An :class:`ExperimentResult` of the stored runs (only ``keys`` when given), with their histories."""
        wanted = None if keys is None else {tuple(str(k[c]) for c in KEY) for k in keys}
        kept = [(r, h) for r, h, _ in self._stored() if wanted is None or _key(r) in wanted]
        return ExperimentResult([r for r, _ in kept], [h for _, h in kept])


_INTS = ("seed", "seq_len", "hidden_size", "max_epochs", "epochs", "steps")
_FLOATS = ("seconds", "loss", "val_loss", "val_metric", "prediction", "error")


def _key(row):
    return tuple(str(row[k]) for k in KEY)


def _one(line, reason):
    scan = store_io.Scan()
    scan.damaged.append((line, reason))
    return scan


def _typed(raw, where):
    """A row read back: numbers and the ``solved`` flag typed; a value that is neither raises ValueError naming
    the file, line and column."""
    row = dict(raw)
    for c in _INTS:
        row[c] = store_io.parse_int(row[c], f"{where}, column {c!r}")
    for c in _FLOATS:
        row[c] = store_io.parse_float(row[c], f"{where}, column {c!r}", None if c == "prediction" else math.nan)
    row["solved"] = store_io.parse_bool(row["solved"], f"{where}, column 'solved'")
    row["failure"] = row["failure"] or ""
    return row
