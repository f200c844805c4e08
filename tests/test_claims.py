"""The sentences the README and notebooks state, re-measured on a few seeds (the benchmarks use ten).

Marked slow: about two minutes on a 2-core CPU. ``make test`` runs them; ``pytest -m 'not slow'`` skips them.
"""
import pytest

from rnnlab.experiments import run_experiment

pytestmark = pytest.mark.slow


def test_original_long_dependency_demo_stays_at_chance_for_both_cells():
    pytest.importorskip("torch")
    result = run_experiment("long_dependency", cells=["rnn", "lstm"], seeds=2, recipe="original", progress=False)
    for row in result.rows:
        assert not row["solved"] and 0.4 <= row["val_metric"] <= 0.6, row


def test_recipe_lets_the_lstm_solve_t300_and_not_the_rnn():
    pytest.importorskip("torch")
    lstm = run_experiment("long_dependency", cells="lstm", seeds=3, progress=False)
    assert sum(r["solved"] for r in lstm.rows) >= 2, lstm.rows
    rnn = run_experiment("long_dependency", cells="rnn", seeds=1, epochs=60, progress=False)
    assert not rnn.rows[0]["solved"] and rnn.rows[0]["val_metric"] < 0.6, rnn.rows


def test_recipe_lets_the_keras_lstm_solve_t300():
    pytest.importorskip("keras")
    result = run_experiment("long_dependency", cells="lstm", backends="keras", seeds=[1], progress=False)
    assert result.rows[0]["solved"], result.rows


@pytest.mark.parametrize("backend", ["torch", "keras"])
def test_next_number_recipe_predicts_13_within_005(backend):
    pytest.importorskip(backend)
    result = run_experiment("next_number", cells=["rnn", "lstm"], backends=backend, seeds=3, progress=False)
    for cell in ("rnn", "lstm"):
        errors = [r["error"] for r in result.rows if r["cell"] == cell]
        assert sum(e <= 0.05 for e in errors) >= 2, (cell, errors)
