import csv
import subprocess
import sys

import numpy as np
import pytest

import rnnlab
from rnnlab.experiments import COLUMNS, next_number_query, run_experiment, seed_list
from rnnlab.plotting import plot_curves, save_figure


def test_seed_list_takes_a_count_or_a_list():
    assert seed_list(3) == [0, 1, 2]
    assert seed_list([7, 8, 9]) == [7, 8, 9]
    assert seed_list(range(2, 4)) == [2, 3]


def test_next_number_query_is_the_classic_one():
    query, truth = next_number_query(3)
    np.testing.assert_array_equal(query.ravel(), [10, 11, 12])
    assert truth == 13


def test_long_dependency_table_has_one_row_per_run():
    pytest.importorskip("torch")
    seen = []
    result = run_experiment("long_dependency", cells=["rnn", "lstm"], seeds=[4, 5], seq_len=[6, 8], epochs=2,
                            progress=False, on_run=seen.append)
    table = result.table
    assert list(table.columns) == COLUMNS and len(table) == 8 and len(result.histories) == 8
    assert seen == result.rows
    assert sorted(set(zip(table.cell, table.seed, table.seq_len))) == sorted(
        (c, s, t) for c in ("rnn", "lstm") for s in (4, 5) for t in (6, 8))
    assert set(table.recipe) == {"rnnlab"} and set(table.hidden_size) == {16}
    for row, history in zip(result.rows, result.histories):
        assert row["steps"] == history.final["steps"] and row["val_metric"] == history.final["val_accuracy"]
        assert row["solved"] == history.solved
    summary = result.summary()
    assert summary.runs.sum() == 8 and set(summary.columns) >= {"solved", "median_seconds"}


def test_recipes_differ_where_they_should():
    pytest.importorskip("torch")
    result = run_experiment("long_dependency", cells="lstm", seeds=1, seq_len=5, recipe=["original", "rnnlab"],
                            epochs=1, progress=False)
    original, ours = result.histories
    # full batch of 1000 is one step per epoch; minibatches of 32 over 2048 samples are 64
    assert original.final["steps"] == 1 and ours.final["steps"] == 64


def test_lstm_with_the_recipe_solves_a_short_first_token_task():
    pytest.importorskip("torch")
    result = run_experiment("long_dependency", cells="lstm", seeds=1, seq_len=20, epochs=10, progress=False)
    assert result.rows[0]["solved"] and result.rows[0]["val_metric"] >= 0.99


def test_next_number_both_backends_report_prediction_and_error(backend):
    result = run_experiment("next_number", cells=["rnn", "lstm"], backends=backend, seeds=1, epochs=2,
                            progress=False)
    for row in result.rows:
        assert row["error"] == pytest.approx(abs(row["prediction"] - 13))
        assert row["solved"] == (row["error"] <= 0.05)
    expected = {"rnn": "relu", "lstm": "relu" if backend == "keras" else "tanh"}
    assert {r["cell"]: r["activation"] for r in result.rows} == expected


def test_csv_and_figure(tmp_path):
    pytest.importorskip("torch")
    result = run_experiment("next_number", cells=["rnn", "gru"], seeds=2, epochs=3, progress=False)
    path = tmp_path / "results.csv"
    result.to_csv(path)
    rows = list(csv.DictReader(open(path)))
    assert len(rows) == 4 and list(rows[0]) == COLUMNS
    ax = plot_curves(result)
    assert ax.get_yscale() == "log" and len(ax.get_lines()) == 2
    assert "2 seeds" in ax.get_legend().get_texts()[0].get_text()
    save_figure(ax, tmp_path / "fig.png")
    assert (tmp_path / "fig.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match="metric must be one of"):
        plot_curves(result, metric="val_accuracy")


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "rnnlab", *args], capture_output=True, text=True, timeout=300)


def test_cli_run_writes_table_csv_and_png(tmp_path):
    pytest.importorskip("torch")
    out = tmp_path / "out"
    proc = _cli("run", "long-dependency", "--backend", "torch", "--cells", "rnn,lstm", "--seq-len", "6",
                "--hidden", "4", "--seeds", "7,8", "--epochs", "1", "--out", str(out), "--no-progress")
    assert proc.returncode == 0, proc.stderr
    assert "lstm" in proc.stdout and "wrote" in proc.stdout
    rows = list(csv.DictReader(open(out / "results.csv")))
    assert [(r["cell"], r["seed"]) for r in rows] == [("rnn", "7"), ("rnn", "8"), ("lstm", "7"), ("lstm", "8")]
    assert (out / "long_dependency.png").exists()


@pytest.mark.parametrize("args, fragment", [
    (["run", "long-dependency", "--cells", "cnn"], "cells must be one of"),
    (["run", "long-dependency", "--seeds", "x"], "--seeds takes a count"),
    (["run", "long-dependency", "--seq-len", "0"], "seq_len must be >= 1"),
    (["run", "copy-task"], "invalid choice"),
    (["fly"], "invalid choice"),
])
def test_cli_bad_arguments_give_one_line_not_a_traceback(args, fragment):
    proc = _cli(*args)
    assert proc.returncode == 2
    assert fragment in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_cli_info_lists_backends():
    proc = _cli("info")
    assert proc.returncode == 0
    assert "backends available:" in proc.stdout
    for backend in rnnlab.available_backends():
        assert backend in proc.stdout.split("backends available:")[1]
