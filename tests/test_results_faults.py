"""Fault injection on the results folder (:class:`rnnlab.results.ResultStore`): a torn last line, a real kill -9 in
the middle of a write, a read-only file, a full disk, a spreadsheet's booleans, two writers, inf/NaN curves.

No training: the experiment's runner is replaced by a stub that counts its calls, so each test takes milliseconds
and "refused before training" is checked by that count.
"""
import csv
import errno
import json
import math
import os
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import warnings

import pytest

from rnnlab import experiments, store_io
from rnnlab.cli import main
from rnnlab.experiments import run_experiment
from rnnlab.history import History
from rnnlab.results import COLUMNS, KEY, ResultStore
from rnnlab.sweep import run_sweep

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNS = dict(cells=["rnn", "gru"], seeds=[0, 1], seq_len=6, hidden_size=4, epochs=1, progress=False)


def _outcome(seed, records=3):
    history = History("regression", target=0.01, records=[
        {"epoch": e, "steps": 2 * e, "seconds": 0.1 * e, "loss": 1.0 / (e + seed + 1), "val_loss": 0.5 / (e + 1),
         "mae": 0.3, "val_mae": 0.2} for e in range(1, records + 1)])
    values = {"solved": seed % 2 == 0, "epochs": records, "steps": 2 * records, "seconds": 0.25, "loss": 0.125,
              "val_loss": 0.0078125 if seed % 2 == 0 else 0.5, "activation": "tanh", "val_metric": 0.0078125}
    return values, history


@pytest.fixture
def calls(monkeypatch):
    """The runs that trained: the 'adding' runner replaced by a stub that records each run."""
    seen = []

    def stub(run, progress):
        seen.append((run.cell, run.seed))
        return _outcome(run.seed)

    monkeypatch.setitem(experiments._RUNNERS, "adding", stub)
    return seen


def _lines(path):
    with open(path, newline="") as fh:
        return list(csv.reader(fh))


def _check_whole(folder):
    """Every stored line is whole, and every run counted as done has its curve."""
    store = ResultStore(folder)
    rows = _lines(store.results)
    assert rows[0] == COLUMNS and all(len(r) == len(COLUMNS) for r in rows)
    with open(store.histories, "rb") as fh:
        data = fh.read()
    assert data == b"" or data.endswith(b"\n")
    for line in data.splitlines():
        json.loads(line, parse_constant=lambda token: pytest.fail(f"invalid JSON token {token}"))
    result = store.result(store.done())
    assert all(h is not None and h.records for h in result.histories)
    return store


# -- a torn last line ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("cut", range(1, 80, 3))
def test_a_torn_last_row_is_repaired_said_and_run_again(calls, tmp_path, cut):
    run_experiment("adding", out=tmp_path, **RUNS)
    path = tmp_path / "results.csv"
    data = path.read_bytes()
    last = data.rstrip(b"\r\n").rfind(b"\n") + 1
    torn = data[:len(data) - min(cut, len(data) - last - 3) - 2]  # cut inside the last row, line end gone
    path.write_bytes(torn)
    calls.clear()
    with pytest.warns(RuntimeWarning, match=r"results\.csv: line 5 was cut short .*kept in .*results\.csv\.torn"):
        result = run_experiment("adding", out=tmp_path, **RUNS)
    assert calls == [("gru", 1)] and len(result.rows) == 4
    assert (tmp_path / "results.csv.torn").read_bytes() == torn[last:] + b"\n"
    rows = _lines(path)
    assert len(rows) == 5 and {(r[1], r[3]) for r in rows[1:]} == {("rnn", "0"), ("rnn", "1"), ("gru", "0"), ("gru", "1")}
    _check_whole(tmp_path)


def test_a_torn_curve_runs_its_run_again(calls, tmp_path):
    run_experiment("adding", out=tmp_path, **RUNS)
    path = tmp_path / "histories.jsonl"
    path.write_bytes(path.read_bytes()[:-40])
    calls.clear()
    with pytest.warns(RuntimeWarning) as said:
        result = run_experiment("adding", out=tmp_path, **RUNS)
    said = [str(w.message) for w in said]
    assert any("histories.jsonl: line 4 was cut short" in m for m in said)
    assert any("1 finished run(s) have no curve" in m and "cell=gru, backend=torch, seed=1" in m for m in said)
    assert calls == [("gru", 1)] and all(h is not None for h in result.histories)
    _check_whole(tmp_path)


def test_a_reader_leaves_a_torn_tail_to_the_writer(calls, tmp_path):
    run_experiment("adding", out=tmp_path, **RUNS)
    with open(tmp_path / "results.csv", "a") as fh:
        fh.write("adding,rnn,torch,7,8")
    size = os.path.getsize(tmp_path / "results.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(ResultStore(tmp_path).rows()) == 4 and len(ResultStore(tmp_path).done()) == 4
    assert os.path.getsize(tmp_path / "results.csv") == size  # only a writer, holding the lock, repairs


# -- kill -9 in the middle of a write -----------------------------------------------------------------------

CHILD = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, {root!r})
    from rnnlab import store_io
    from rnnlab.history import History
    from rnnlab.results import COLUMNS, ResultStore

    folder, mode = sys.argv[1], sys.argv[2]
    store = ResultStore(folder)
    real = store_io.append_synced
    writes = []

    def killed_mid_write(path, text, kept):
        writes.append(path)
        if mode == "mid-row" and len(writes) == 8 or mode == "mid-curve" and len(writes) == 7:
            with open(path, "a", newline="") as fh:   # half the record reaches the disk, then kill -9
                fh.write(text[:len(text) // 2]); fh.flush(); os.fsync(fh.fileno())
            os.kill(os.getpid(), signal.SIGKILL)
        if mode == "after-curve" and len(writes) == 7:
            real(path, text, kept)
            os.kill(os.getpid(), signal.SIGKILL)
        return real(path, text, kept)

    store_io.append_synced = killed_mid_write
    records = [dict(epoch=e, steps=e, seconds=0.1, loss=1.0, val_loss=0.5, mae=0.3, val_mae=0.2) for e in range(200)]
    for seed in range(20 if mode != "loop" else 2000):  # bounded: a child that is not killed ends by itself
        row = dict(experiment="adding", cell="rnn", backend="torch", seed=seed, seq_len=6, hidden_size=4,
                   recipe="rnnlab", max_epochs=1, activation="tanh", solved=True, epochs=1, steps=3, seconds=0.5,
                   loss=0.1, val_loss=0.005, val_metric=0.005, prediction=None, error=None,
                   failure="" if seed % 3 else "x" * 3000)
        store.append(row, History("regression", 0.01, records) if seed % 3 else None)
        if seed == 0:
            print("writing", flush=True)
""")


def _child(tmp_path, mode):
    script = tmp_path / "child.py"
    script.write_text(CHILD.format(root=ROOT))
    return subprocess.Popen([sys.executable, str(script), str(tmp_path / "out"), mode], stdout=subprocess.PIPE,
                            stdin=subprocess.PIPE, text=True)


@pytest.mark.parametrize("mode", ["mid-row", "mid-curve", "after-curve"])
def test_kill_9_at_a_chosen_point_of_a_write(tmp_path, mode):
    """The child kills itself (SIGKILL) in the middle of seed 4's run: half its curve, its curve without its row,
    or half its row."""
    proc = _child(tmp_path, mode)
    try:
        proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == -signal.SIGKILL
    store = ResultStore(tmp_path / "out")
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        with store.writing():
            pass
        done = store.done()
    _check_whole(tmp_path / "out")
    # writes 1-6 are the runs of seeds 0-3 (0 and 3 failed: a row only); the 7th is seed 4's curve, the 8th its row
    assert [d["seed"] for d in done] == [1, 2]
    assert [r["seed"] for r in store.rows()] == [0, 1, 2, 3]


def test_kill_9_from_outside_while_appending(tmp_path):
    """A real kill -9 sent while the child appends runs in a loop: whatever it cut, what is left is whole."""
    for _ in range(3):
        proc = _child(tmp_path, "loop")
        try:
            assert proc.stdout.readline() == "writing\n"
            while os.path.getsize(tmp_path / "out" / "results.csv") < 4000 and proc.poll() is None:
                pass
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.communicate(timeout=60)
        assert proc.returncode == -signal.SIGKILL  # killed while still writing
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            with ResultStore(tmp_path / "out").writing():
                pass
        store = _check_whole(tmp_path / "out")
        seeds = [r["seed"] for r in store.rows()]
        assert seeds == list(range(len(seeds)))  # no row lost in the middle, none doubled
        os.remove(tmp_path / "out" / "results.csv")
        os.remove(tmp_path / "out" / "histories.jsonl")


# -- a read-only file ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["results.csv", "histories.jsonl"])
def test_a_read_only_file_is_refused_before_training(calls, tmp_path, monkeypatch, name):
    run_experiment("adding", out=tmp_path, **RUNS)
    path = tmp_path / name
    path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    if os.access(path, os.W_OK):  # root ignores permission bits: emulate them for the write check
        real_open = os.open

        def permission_bits_open(file, flags, *args, **kwargs):
            if flags & (os.O_WRONLY | os.O_RDWR) and os.path.exists(file) and not os.stat(file).st_mode & 0o222:
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), file)
            return real_open(file, flags, *args, **kwargs)

        monkeypatch.setattr(os, "open", permission_bits_open)
    calls.clear()
    with pytest.raises(ValueError, match=rf"{name} cannot be written \(Permission denied\)"):
        run_experiment("adding", out=tmp_path, **{**RUNS, "seeds": [0, 1, 2]})
    assert calls == []


# -- a full disk --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("failing", [1, 2])
def test_a_full_disk_keeps_the_stored_runs_whole_and_says_where(calls, tmp_path, monkeypatch, failing):
    """ENOSPC on the curve (1st fsync of a run) or on the row (2nd): the error names the file and the runs kept;
    both files keep exactly the runs before it, and the same command resumes."""
    run_experiment("adding", out=tmp_path, **{**RUNS, "cells": ["rnn"]})
    before = {p: (tmp_path / p).read_bytes() for p in ("results.csv", "histories.jsonl")}
    real_fsync, count = os.fsync, []

    def full(fd):
        count.append(fd)
        if len(count) == failing:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError) as info:
        run_experiment("adding", out=tmp_path, **RUNS)
    monkeypatch.setattr(os, "fsync", real_fsync)
    name = ["histories.jsonl", "results.csv"][failing - 1]
    assert info.value.errno == errno.ENOSPC and info.value.filename == str(tmp_path / name)
    assert f"could not write {tmp_path / name}" in str(info.value) and "the 2 runs stored before it are kept" in str(
        info.value)
    assert {p: (tmp_path / p).read_bytes() for p in before} == before
    calls.clear()
    result = run_experiment("adding", out=tmp_path, **RUNS)
    assert calls == [("gru", 0), ("gru", 1)] and len(result.rows) == 4
    _check_whole(tmp_path)


@pytest.fixture
def tiny_disk(tmp_path):
    """A real 64 KiB tmpfs, where the platform allows mounting one (root on Linux), else the test is skipped."""
    where = tmp_path / "disk"
    where.mkdir()
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(where)], capture_output=True).returncode:
        pytest.skip("this machine does not allow mounting a tmpfs")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=True)


def test_a_really_full_tmpfs(calls, tiny_disk, monkeypatch):
    monkeypatch.setitem(experiments._RUNNERS, "adding", lambda run, progress: (calls.append(run.seed),
                                                                               _outcome(run.seed, 20))[1])
    fill = tiny_disk / "fill"
    fill.write_bytes(b"\0" * 40_000)
    out = tiny_disk / "out"
    with pytest.raises(OSError) as info:
        run_experiment("adding", out=out, **{**RUNS, "cells": ["rnn"], "seeds": 12})
    assert info.value.errno == errno.ENOSPC and str(out) in info.value.filename and "runs stored before it are kept" \
        in str(info.value)
    store = _check_whole(out)
    stored = len(store.rows())
    assert 0 < stored < 12 and len(store.done()) == stored == len(calls) - 1
    fill.unlink()
    calls.clear()
    assert len(run_experiment("adding", out=out, **{**RUNS, "cells": ["rnn"], "seeds": 12}).rows) == 12
    assert len(calls) == 12 - stored
    _check_whole(out)


def test_the_cli_names_the_full_file(calls, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space left on device")))
    code = main(["run", "adding", "--cells", "rnn", "--seeds", "1", "--seq-len", "6", "--hidden", "4", "--epochs",
                 "1", "--out", str(tmp_path), "--no-progress"])
    err = capsys.readouterr().err
    assert code == 1 and "No space left on device" in err and err.count(str(tmp_path / "histories.jsonl")) == 1
    assert "0 runs stored before it are kept" in err


def test_rows_without_a_curve_are_said_and_run_again(calls, tmp_path):
    """A folder left by an older rnnlab on a full disk: 4 rows, 3 curves."""
    run_experiment("adding", out=tmp_path, **RUNS)
    path = tmp_path / "histories.jsonl"
    path.write_text("".join(path.read_text().splitlines(keepends=True)[:3]))
    calls.clear()
    with pytest.warns(RuntimeWarning, match=r"results\.csv: 1 finished run\(s\) have no curve in .*histories\.jsonl"):
        run_experiment("adding", out=tmp_path, **RUNS)
    assert calls == [("gru", 1)]
    _check_whole(tmp_path)


def test_a_table_without_its_curves_file_keeps_its_rows(calls, tmp_path):
    run_experiment("adding", out=tmp_path, **RUNS)
    os.remove(tmp_path / "histories.jsonl")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(ResultStore(tmp_path).done()) == 4


# -- a spreadsheet round trip -------------------------------------------------------------------------------

def _rewrite(path, change):
    rows = _lines(path)
    with open(path, "w", newline="") as fh:
        csv.writer(fh).writerows([rows[0]] + [change(dict(zip(COLUMNS, r))) for r in rows[1:]])


@pytest.mark.parametrize("true, false", [("TRUE", "FALSE"), ("true", "false"), ("1", "0"), ("True", "False")])
def test_spreadsheet_booleans_and_numbers_read_back_the_same(calls, tmp_path, true, false):
    first = run_experiment("adding", out=tmp_path, **RUNS)
    _rewrite(tmp_path / "results.csv", lambda r: [
        {"True": true, "False": false}.get(r[c], r[c]) if c == "solved" else
        (r[c] + ".0" if c in ("epochs", "steps") else r[c]) for c in COLUMNS])
    again = ResultStore(tmp_path).result()
    assert [r["solved"] for r in again.rows] == [r["solved"] for r in first.rows]
    assert list(again.summary().solved) == [1, 1]
    assert [r["steps"] for r in again.rows] == [r["steps"] for r in first.rows]


@pytest.mark.parametrize("column, value, fragment", [
    ("solved", "maybe", "is not a boolean"), ("loss", "#NUM!", "is not a number"), ("steps", "2.5", "is not a whole number"),
    ("seed", "x", "is not a whole number")])
def test_an_unreadable_value_is_refused_with_file_line_and_column(calls, tmp_path, column, value, fragment):
    run_experiment("adding", out=tmp_path, **RUNS)
    _rewrite(tmp_path / "results.csv", lambda r: [value if c == column and r["cell"] == "gru" and r["seed"] == "0"
                                                  else r[c] for c in COLUMNS])
    with pytest.raises(ValueError, match=rf"results\.csv, line 4, column '{column}': '{value}' {fragment}"):
        ResultStore(tmp_path).rows()


# -- two writers --------------------------------------------------------------------------------------------

HOLDER = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from rnnlab.results import ResultStore

    with ResultStore(sys.argv[1]).writing():
        print("holding", flush=True)
        sys.stdin.read()
""")


def test_a_second_writer_is_refused_before_training(calls, tmp_path):
    script = tmp_path / "holder.py"
    script.write_text(HOLDER.format(root=ROOT))
    out = tmp_path / "out"
    holder = subprocess.Popen([sys.executable, str(script), str(out)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline() == "holding\n"
        with pytest.raises(ValueError, match=rf"out '{out}' is being written by another rnnlab run"):
            run_experiment("adding", out=out, **RUNS)
        with pytest.raises(ValueError, match="is being written by another rnnlab run"):
            run_sweep([{"experiment": "adding", "cells": ["rnn"], "seeds": 1, "seq_len": 6, "epochs": 1}], out,
                      progress=False)
        with pytest.raises(ValueError, match="is being written by another rnnlab run"):
            ResultStore(out).append(*_outcome(0))
        assert calls == [] and not (out / "results.csv").exists()
    finally:
        holder.communicate("", timeout=60)
    assert len(run_experiment("adding", out=out, **RUNS).rows) == 4 and len(calls) == 4


def test_one_writer_nests_its_own_lock(calls, tmp_path):
    result = run_sweep([{"experiment": "adding", "cells": ["rnn"], "seeds": 2, "seq_len": 6, "epochs": 1},
                        {"experiment": "adding", "cells": ["gru"], "seeds": 2, "seq_len": 6, "epochs": 1}], tmp_path,
                       progress=False)
    assert len(result.rows) == 4 and len(_lines(tmp_path / "results.csv")) == 5


# -- inf and NaN in a curve ---------------------------------------------------------------------------------

def test_inf_and_nan_in_a_curve_are_valid_json_and_read_back(tmp_path):
    store = ResultStore(tmp_path)
    records = [{"epoch": 1, "loss": math.inf, "val_loss": -math.inf, "mae": math.nan, "val_mae": 0.5}]
    row = {c: None for c in COLUMNS} | {"experiment": "adding", "cell": "rnn", "backend": "torch", "seed": 0,
                                        "seq_len": 6, "hidden_size": 4, "recipe": "rnnlab", "max_epochs": 1,
                                        "solved": False, "failure": ""}
    store.append(row, History("regression", None, records))
    _check_whole(tmp_path)
    (history,) = store.result().histories
    back = history.records[0]
    assert back["loss"] == math.inf and back["val_loss"] == -math.inf and math.isnan(back["mae"])
    assert back["val_mae"] == 0.5 and {k: row[k] for k in KEY} == store.done()[0]
    assert store_io.numbers({"x": "NaN"})["x"] != "NaN"
