"""Measurements the README quotes are the ones in benchmarks/results: re-measuring a table and forgetting the
README fails here."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _step_row(cell):
    """{column: value} of one CPU row of benchmarks/results/step_times.md."""
    lines = (ROOT / "benchmarks" / "results" / "step_times.md").read_text().splitlines()
    header = next(line for line in lines if line.startswith("| cell |"))
    row = next(line for line in lines if line.startswith(f"| {cell} | cpu |"))
    names = [c.strip() for c in header.strip("|").split("|")]
    return dict(zip(names, (c.strip() for c in row.strip("|").split("|"))))


def test_readme_quotes_the_measured_lstm_step_times():
    readme = " ".join((ROOT / "README.md").read_text().split())
    lstm = _step_row("lstm")
    jax, tf, xla, torch = lstm["keras-jax"], lstm["keras-tensorflow"], lstm["keras-tensorflow + XLA"], lstm["torch"]
    assert (f"takes {jax} ms on Keras-on-JAX against {tf} ms on Keras-on-TensorFlow ({xla} ms with "
            "`jit_compile=True`)") in readme
    assert f"torch {torch}, Keras-on-JAX {jax}, Keras-on-TensorFlow {tf} ({xla} with XLA)" in readme
    ratio = lstm["JAX vs TF (no XLA)"]
    assert re.search(rf"JAX/TF {re.escape(ratio)}", readme), f"the README should quote JAX/TF {ratio}"
