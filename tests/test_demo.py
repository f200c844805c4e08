"""The headline demo (rnnlab demo, make demo): its table and verdict say what the rows say. No training here."""
from __future__ import annotations

import random

import pytest

from rnnlab import demo
from rnnlab.cli import main
from rnnlab.experiments import plan

TITLES = [title for title, _ in demo.PARTS]


def rows_for(experiment, recipe, cell, solved, runs, max_epochs, failed=0):
    """``runs`` result rows of one cell, the first ``solved`` of them solved, then ``failed`` failed runs."""
    out = [dict(experiment=experiment, recipe=recipe, cell=cell, seed=i, seq_len=300, max_epochs=max_epochs,
                solved=i < solved, failure="") for i in range(runs)]
    out += [dict(experiment=experiment, recipe=recipe, cell=cell, seed=runs + i, seq_len=300, max_epochs=max_epochs,
                 solved=False, failure="RuntimeError: boom") for i in range(failed)]
    return out


def demo_rows(classic=(0, 0), recipe=(1, 2), adding=(0, 3, 3), runs=3):
    rows = []
    for cell, k in zip(["rnn", "lstm"], classic):
        rows += rows_for("long_dependency", "original", cell, k, runs, 20)
    for cell, k in zip(["rnn", "lstm"], recipe):
        rows += rows_for("long_dependency", "rnnlab", cell, k, runs, 40)
    for cell, k in zip(["rnn", "lstm", "gru"], adding):
        rows += rows_for("adding", "rnnlab", cell, k, runs, 20)
    return rows


def test_parts_are_the_first_seeds_at_t300_on_equal_budgets():
    parts = demo.demo_parts(3)
    runs = [plan(p["experiment"], **{k: v for k, v in p.items() if k != "experiment"}) for p in parts]
    assert [len(r) for r in runs] == [6, 6, 9]
    for part_runs in runs:
        assert {r.seed for r in part_runs} == {0, 1, 2}
        assert {(r.seq_len, r.hidden_size, r.backend) for r in part_runs} == {(300, 16, "torch")}
    rows = [dict(experiment=p["experiment"], recipe=p["recipe"], max_epochs=p.get("epochs", 20)) for p in parts]
    assert [demo._budget(r) for r in rows] == [20, 2560, 2560]   # the classic demo as published; the maps' budget
    with pytest.raises(ValueError, match="seeds"):
        demo.demo_parts(0)
    with pytest.raises(TypeError, match="seeds"):
        demo.demo_parts("3")


def test_verdict_of_the_lesson():
    lines = demo.verdict(demo_rows())
    assert lines[0] == (f"{TITLES[0]}: simple RNN 0/3, LSTM 0/3 solved; no cell learns it, so this run cannot tell "
                        "the cells apart.")
    assert lines[1] == f"{TITLES[1]}: simple RNN 1/3, LSTM 2/3 solved; no clear difference between the cells on these seeds."
    assert lines[2] == (f"{TITLES[2]}: simple RNN 0/3, LSTM 3/3, GRU 3/3 solved; the gated cells learn it and the "
                        "simple RNN does not.")
    assert lines[3] == f"Of the 3 sweeps, only the {TITLES[2]} shows the simple RNN behind the gated cells."
    assert "p = 0.10" in lines[4] and "--seeds 10" in lines[4]   # Fisher's exact test of 0/3 against 3/3
    assert len(lines) == 5


def test_verdict_without_the_gap_says_so():
    for adding in [(2, 3, 3), (0, 3, 2), (1, 2, 3), (3, 3, 3)]:
        lines = demo.verdict(demo_rows(adding=adding))
        assert "the gated cells learn it and the simple RNN does not" not in lines[2], adding
        assert lines[-1].startswith("On these seeds no task shows the simple RNN behind the gated cells"), adding
    lines = demo.verdict(demo_rows(adding=(1, 3, 3)))   # one lucky simple-RNN seed in three still counts as the gap
    assert "the gated cells learn it and the simple RNN does not" in lines[2]
    lines = demo.verdict(demo_rows(adding=(3, 3, 3)))
    assert lines[2].endswith("every cell learns it on every seed.")


def test_verdict_with_ten_seeds_needs_no_caveat():
    lines = demo.verdict(demo_rows(classic=(0, 0), recipe=(5, 9), adding=(0, 10, 10), runs=10))
    assert lines[2].startswith(f"{TITLES[2]}: simple RNN 0/10, LSTM 10/10, GRU 10/10 solved; the gated cells learn it")
    assert lines[-1] == f"Of the 3 sweeps, only the {TITLES[2]} shows the simple RNN behind the gated cells."


def test_failed_runs_are_not_counted():
    rows = demo_rows() + rows_for("adding", "rnnlab", "rnn", 0, 0, 20, failed=2)
    assert demo.verdict(rows)[2].startswith(f"{TITLES[2]}: simple RNN 0/3,")
    assert demo.verdict(rows_for("adding", "rnnlab", "rnn", 0, 0, 20, failed=1)) == [
        "No run finished, so there is nothing to compare."]


def test_table_shows_counts_and_budgets():
    table = demo.solve_table(demo_rows())
    assert list(table.columns) == ["sweep", "steps (at most)", "simple RNN", "LSTM", "GRU"]
    assert table.values.tolist() == [[TITLES[0], "20", "0/3", "0/3", "–"],
                                     [TITLES[1], "2,560", "1/3", "2/3", "–"],
                                     [TITLES[2], "2,560", "0/3", "3/3", "3/3"]]


def test_verdict_and_table_report_the_rows_over_random_draws():
    """Replayed over seeded draws: every per-sweep line and table cell says the counts the rows hold, and the
    gap is reported exactly where the gated cells solved everything and the simple RNN at most a third."""
    for draw in range(300):
        rng = random.Random(draw)
        runs = rng.randint(1, 10)
        classic, recipe, adding = ([rng.randint(0, runs) for _ in range(n)] for n in (2, 2, 3))
        rows = demo_rows(classic, recipe, adding, runs=runs)
        rng.shuffle(rows)
        lines, table = demo.verdict(rows), demo.solve_table(rows)
        for line, (title, counts) in zip(lines, [(TITLES[0], dict(zip(["rnn", "lstm"], classic))),
                                                  (TITLES[1], dict(zip(["rnn", "lstm"], recipe))),
                                                  (TITLES[2], dict(zip(["rnn", "lstm", "gru"], adding)))]):
            said = ", ".join(f"{demo.CELL_NAMES[c]} {k}/{runs}" for c, k in counts.items())
            assert line.startswith(f"{title}: {said} solved;"), (draw, line)
            row = table[table.sweep == title].iloc[0]
            assert [row[demo.CELL_NAMES[c]] for c in counts] == [f"{k}/{runs}" for k in counts.values()]
            gap = counts["rnn"] <= runs // 3 and all(counts[c] == runs for c in ("lstm", "gru") if c in counts)
            assert demo.shows_gap({c: (k, runs) for c, k in counts.items()}) == gap, (draw, counts)
            assert ("the gated cells learn it and the simple RNN does not" in line) == (
                gap and not all(k == runs for k in counts.values()) and not all(k == 0 for k in counts.values())), draw


def test_shows_gap_needs_both_kinds_of_cell():
    assert not demo.shows_gap({"lstm": (3, 3), "gru": (3, 3)})
    assert not demo.shows_gap({"rnn": (0, 3)})
    assert demo.shows_gap({"rnn": (0, 3), "gru": (3, 3)})


def test_rows_are_checked():
    with pytest.raises(TypeError, match="rows"):
        demo.verdict("rows")
    with pytest.raises(ValueError, match="rows must be result rows"):
        demo.verdict([{"cell": "rnn"}])


def test_cli_refuses_bad_seeds_before_training(capsys):
    assert main(["demo", "--seeds", "0", "--out", "unused"]) == 2
    assert "seeds must be >= 1" in capsys.readouterr().err
