"""The adding experiment, whole-request checks, parallel and Dask runs, resumable sweeps, ablation recipes."""
import csv
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

from rnnlab import experiments, recipes
from rnnlab.experiments import COLUMNS, plan, run_experiment
from rnnlab.sweep import ResultStore, load_spec, run_sweep

SMALL = dict(cells=["rnn", "lstm"], seeds=[0, 1], seq_len=8, hidden_size=4, epochs=1, progress=False)


def _same(a, b):
    """Tables equal but for the wall-clock column."""
    drop = ["seconds"]
    return a.table.drop(columns=drop).equals(b.table.drop(columns=drop))


def test_adding_rows_report_mse_and_solve_at_0_01(backend):
    result = run_experiment("adding", backends=backend, **{**SMALL, "epochs": 2})
    for row, history in zip(result.rows, result.histories):
        assert row["experiment"] == "adding" and row["failure"] == ""
        assert row["val_metric"] == pytest.approx(min(history["val_loss"]))
        assert row["solved"] == (row["val_metric"] <= experiments.SOLVE_MSE)
        assert row["steps"] == history.final["steps"] == 2 * 4096 // 32


def test_lstm_solves_a_short_adding_problem(torch):
    row = run_experiment("adding", cells="lstm", seeds=[0], seq_len=10, epochs=10, progress=False).rows[0]
    assert row["solved"] and row["val_metric"] <= 0.01 and row["epochs"] < 10


def test_the_whole_request_is_checked_before_training():
    seen = []
    with pytest.raises(ValueError, match="seq_len=2 does not suit cell='lstm'"):
        run_experiment("long_dependency", cells=["rnn", "lstm"], seq_len=2, seeds=1, on_run=seen.append,
                       progress=False)
    assert seen == []
    with pytest.raises(ValueError, match="seeds lists \\[3\\] more than once"):
        plan("adding", seeds=[3, 3])
    with pytest.raises(ValueError, match="hidden_size must be <= 4096"):
        plan("adding", hidden_size=10_000_000)
    with pytest.raises(ValueError, match=r"seeds must be an integer in \[0, 2\*\*32\)"):
        plan("adding", seeds=[2**32])
    with pytest.raises(ValueError, match="seeds must be <= 100000"):
        plan("adding", seeds=10_000_000_000)
    with pytest.raises(ValueError, match="seq_len must be >= 2"):
        plan("adding", seq_len=1)
    with pytest.raises(TypeError, match="on_run must be callable"):
        run_experiment("adding", seeds=1, on_run="print")
    assert [r.seed for r in plan("adding", seeds=np.array([4, 5]), cells="rnn")] == [4, 5]


@pytest.mark.parametrize("n_jobs, error, match", [
    (0, ValueError, "n_jobs"), (-2, ValueError, "n_jobs"), (1.5, TypeError, "n_jobs"), (True, TypeError, "n_jobs"),
])
def test_n_jobs_is_checked(n_jobs, error, match):
    with pytest.raises(error, match=match):
        run_experiment("adding", seeds=1, n_jobs=n_jobs)


def test_two_workers_give_the_serial_table(torch):
    serial = run_experiment("adding", **SMALL)
    parallel = run_experiment("adding", n_jobs=2, **SMALL)
    assert _same(serial, parallel)
    assert [h.records[-1]["loss"] for h in serial.histories] == [h.records[-1]["loss"] for h in parallel.histories]


def test_a_run_that_raises_fails_its_row_only(torch, monkeypatch):
    real = experiments._RUNNERS["adding"]

    def flaky(run, progress):
        if run.seed == 1:
            raise FloatingPointError("loss became nan")
        return real(run, progress)

    monkeypatch.setitem(experiments._RUNNERS, "adding", flaky)
    with pytest.warns(RuntimeWarning, match="2 of 4 runs failed.*FloatingPointError: loss became nan"):
        result = run_experiment("adding", **SMALL)
    assert [r["failure"] != "" for r in result.rows] == [False, True, False, True]
    assert [h is None for h in result.histories] == [False, True, False, True]
    summary = result.summary()
    assert list(summary.runs) == [1, 1] and list(summary.failed) == [1, 1]


def test_out_appends_each_run_and_a_second_call_skips_them(torch, tmp_path):
    out = tmp_path / "runs"
    first = run_experiment("adding", out=out, **SMALL)
    with open(out / "results.csv", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == 4
    seen = []
    again = run_experiment("adding", out=out, on_run=seen.append, **{**SMALL, "cells": ["rnn", "lstm", "gru"]})
    assert [(r["cell"], r["seed"]) for r in seen] == [("gru", 0), ("gru", 1)]
    assert len(again.rows) == 6 and all(h is not None for h in again.histories)
    stored = {(r["cell"], r["seed"]): r for r in again.rows}
    for row in first.rows:
        assert stored[row["cell"], row["seed"]]["val_loss"] == pytest.approx(row["val_loss"])


def test_interrupted_sweep_keeps_finished_runs_and_resumes(torch, tmp_path):
    out = tmp_path / "runs"

    def stop_after_two(row, count=[]):
        count.append(row)
        if len(count) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_experiment("adding", out=out, on_run=stop_after_two, **SMALL)
    assert len(ResultStore(out).rows()) == 2
    seen = []
    result = run_experiment("adding", out=out, on_run=seen.append, **SMALL)
    assert len(seen) == 2 and len(result.rows) == 4


def test_store_refuses_bad_folders(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="is a file"):
        ResultStore(tmp_path / "file")
    with pytest.raises(ValueError, match="out must name a folder"):
        ResultStore("")
    with pytest.raises(ValueError, match="cannot be written"):
        ResultStore(tmp_path / "file" / "under")
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "results.csv").write_text("cell,seed\nrnn,0\n")
    with pytest.raises(ValueError, match="another version of rnnlab"):
        ResultStore(tmp_path / "old")


def test_a_cut_off_last_line_is_ignored(torch, tmp_path):
    run_experiment("adding", out=tmp_path, **SMALL)
    with open(tmp_path / "results.csv", "a") as fh:
        fh.write("adding,rnn,torch,7,8")
    assert len(ResultStore(tmp_path).rows()) == 4


def _spec(tmp_path, text):
    path = tmp_path / "spec.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("text, match", [
    ('experiment = "adding"\ncels = ["rnn"]\n', "unknown key 'cels'; allowed keys"),
    ('cells = ["rnn"]\n', "missing key 'experiment'"),
    ('experiment = "adding"\ncells = []\n', "cells must not be empty"),
    ('experiment = "adding"\nseq_len = [10, -1]\n', "seq_len must be >= 2"),
    ('experiment = "copy"\n', "experiment must be one of"),
    ('experiment = "adding"\nseeds = "ten"\n', "seeds must be an integer"),
    ('experiment = "adding"\nrecipe = "fast"\n', "recipe must be one of"),
    ('experiment = "adding"\ncells = [\n', "not valid TOML"),
    ('[[sweep]]\nexperiment = "adding"\n[[sweep]]\nexperiment = "adding"\nhidden_size = 0\n',
     "sweep 2: hidden_size must be >= 1"),
])
def test_bad_specs_name_the_field(tmp_path, text, match):
    with pytest.raises(ValueError, match=match):
        load_spec(_spec(tmp_path, text))


def test_missing_spec_file(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        load_spec(tmp_path / "none.toml")


def test_sweep_runs_every_part_into_one_table(torch, tmp_path):
    spec = _spec(tmp_path, '[[sweep]]\nexperiment = "adding"\ncells = ["rnn"]\nseeds = 2\nseq_len = 8\nepochs = 1\n'
                           'hidden_size = 4\n[[sweep]]\nexperiment = "long_dependency"\ncells = "lstm"\nseeds = [5]\n'
                           'seq_len = [6, 8]\nepochs = 1\nhidden_size = 4\n')
    result = run_sweep(load_spec(spec), tmp_path / "out", progress=False)
    assert sorted((r["experiment"], r["seed"], r["seq_len"]) for r in result.rows) == [
        ("adding", 0, 8), ("adding", 1, 8), ("long_dependency", 5, 6), ("long_dependency", 5, 8)]


def test_dask_cluster_gives_the_serial_table(torch):
    distributed = pytest.importorskip("distributed")
    from joblib import parallel_config

    serial = run_experiment("adding", **SMALL)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None,
                                  processes=True) as cluster, distributed.Client(cluster):
        with parallel_config(backend="dask"):
            on_dask = run_experiment("adding", **SMALL)
    assert _same(serial, on_dask)


def test_dask_without_a_client_says_so(torch):
    pytest.importorskip("distributed")
    from joblib import parallel_config

    with pytest.raises(ValueError, match="first create a Dask Client"):  # joblib's own message, before any run
        with parallel_config(backend="dask"):
            run_experiment("adding", **SMALL)


def test_ablations_change_one_field_each():
    changed = recipes.changes(recipes.LONG_DEPENDENCY)
    assert sorted(changed) == ["batch_size", "clip_norm", "encoding", "epochs", "forget_bias", "n_train"]
    variants = recipes.ablations(recipes.LONG_DEPENDENCY)
    assert len(variants) == 2 * len(changed)
    no_clip = variants["rnnlab-clip_norm"]
    assert no_clip.clip_norm is None
    assert no_clip.with_(clip_norm=1.0, name="rnnlab", description="") == \
        recipes.LONG_DEPENDENCY["rnnlab"].with_(description="")
    assert variants["original+forget_bias"].forget_bias == "chrono"
    assert [r.recipe.name for r in plan("long_dependency", recipe="rnnlab-encoding", cells="lstm", seeds=1)] == \
        ["rnnlab-encoding"]
    with pytest.raises(ValueError, match="or an ablation such as"):
        plan("next_number", recipe="rnnlab-dropout")


def _cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "rnnlab", *args], capture_output=True, text=True, timeout=300, **kw)


def test_cli_run_adding_then_again_reuses_the_rows(torch, tmp_path):
    args = ["run", "adding", "--cells", "rnn,gru", "--seq-len", "6", "--hidden", "4", "--seeds", "2", "--epochs", "1",
            "--jobs", "2", "--out", str(tmp_path), "--no-progress"]
    first = _cli(*args)
    assert first.returncode == 0, first.stderr
    assert "gru" in first.stdout and (tmp_path / "adding.png").exists()
    again = _cli(*args)
    assert again.returncode == 0 and "4 of these runs were already in" in again.stdout
    with open(tmp_path / "results.csv", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == 4


def test_cli_sweep(torch, tmp_path):
    spec = _spec(tmp_path, 'experiment = "adding"\ncells = "rnn"\nseeds = 1\nseq_len = 6\nepochs = 1\n')
    proc = _cli("sweep", str(spec), "--out", str(tmp_path / "o"), "--no-progress")
    assert proc.returncode == 0, proc.stderr
    assert "1 runs in" in proc.stdout


@pytest.mark.parametrize("args, fragment", [
    (["run", "adding", "--jobs", "0"], "--jobs takes a positive number"),
    (["run", "adding", "--seq-len", "1"], "seq_len must be >= 2"),
    (["run", "adding", "--hidden", "10000000"], "hidden_size must be <= 4096"),
    (["run", "adding", "--seeds", "10000000000"], "seeds must be <= 100000"),
    (["run", "adding", "--seeds", "4294967296,1"], "seeds must be an integer in [0, 2**32)"),
    (["run", "long-dependency", "--seq-len", "2", "--cells", "rnn,lstm"], "does not suit cell='lstm'"),
    (["sweep", "nothing.toml", "--out", "x"], "does not exist"),
])
def test_cli_refuses_before_training(args, fragment, tmp_path):
    proc = _cli(*args, cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert fragment in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "rnnlab-results" / "results.csv").exists()


def test_cli_out_that_is_a_file_fails_before_training(tmp_path):
    (tmp_path / "f").write_text("")
    proc = _cli("run", "adding", "--out", str(tmp_path / "f"))
    assert proc.returncode == 2 and "is a file" in proc.stderr


def test_cli_help_shows_defaults_and_examples():
    proc = _cli("run", "--help")
    assert "default: rnnlab" in proc.stdout and "examples:" in proc.stdout and "adding" in proc.stdout
    assert "[[sweep]]" in _cli("sweep", "--help").stdout


def test_cli_into_a_closed_pipe_is_quiet():
    proc = subprocess.run(f"{sys.executable} -m rnnlab run --help | head -c 10", shell=True, capture_output=True,
                          text=True, timeout=60)
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr


def test_cli_output_into_a_pipe_nobody_reads():
    """Output to a pipe whose reader has gone (``rnnlab info | head -1``): no error message, status 0."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run([sys.executable, "-m", "rnnlab", "info"], stdout=write_end, stderr=subprocess.PIPE,
                              text=True, timeout=120)
    finally:
        os.close(write_end)
    assert proc.returncode == 0 and proc.stderr == ""


def test_results_csv_header_is_the_columns(torch, tmp_path):
    run_experiment("adding", out=tmp_path, **SMALL)
    with open(tmp_path / "results.csv", newline="") as fh:
        assert next(csv.reader(fh)) == COLUMNS
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ResultStore(tmp_path).result().table.shape == (4, len(COLUMNS))


def test_plot_curves_names_what_it_needs():
    from rnnlab.plotting import plot_curves

    with pytest.raises(TypeError, match="result must be an ExperimentResult"):
        plot_curves("x")
