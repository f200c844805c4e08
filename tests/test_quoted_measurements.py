"""Measurements the documentation quotes are the ones in benchmarks/results: re-measuring a table and forgetting
the page that quotes it fails here (docs/package.md on choosing a Keras backend, docs/report.md's table of
measurements; both were the README's until the README became the short front door)."""
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


def _page(name):
    """The text of docs/``name`` with its line breaks and runs of spaces made single spaces."""
    return " ".join((ROOT / "docs" / name).read_text(encoding="utf-8").split())


def test_docs_quote_the_measured_lstm_step_times():
    package, report = _page("package.md"), _page("report.md")
    lstm = _step_row("lstm")
    jax, tf, xla, torch = lstm["keras-jax"], lstm["keras-tensorflow"], lstm["keras-tensorflow + XLA"], lstm["torch"]
    assert (f"takes {jax} ms on Keras-on-JAX against {tf} ms on Keras-on-TensorFlow ({xla} ms with "
            "`jit_compile=True`)") in package
    assert f"torch {torch}, Keras-on-JAX {jax}, Keras-on-TensorFlow {tf} ({xla} with XLA)" in report
    ratio = lstm["JAX vs TF (no XLA)"]
    assert re.search(rf"JAX/TF {re.escape(ratio)}", report), f"docs/report.md should quote JAX/TF {ratio}"
