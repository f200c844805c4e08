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


def _notebook_times():
    """{notebook file: phrase} from benchmarks/results/notebook_times.md, and the whole series' phrase."""
    text = (ROOT / "benchmarks" / "results" / "notebook_times.md").read_text(encoding="utf-8")
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if line.startswith("| ") and cells[0].endswith(".ipynb"):
            rows[cells[0]] = cells[2]
    series = re.search(r"The whole series: (about [^(]+?) \(", text).group(1)
    return rows, series


def test_every_page_quotes_the_measured_notebook_times():
    """The notebooks' headers, the landing page and the instructor guide quote the run times of one table, the one
    benchmarks/notebook_times.py writes; a notebook that grows longer and a page that still says the old time fail."""
    import json

    rows, series = _notebook_times()
    notebooks = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert sorted(rows) == notebooks, "benchmarks/notebook_times.py has not measured every notebook"
    index = " ".join((ROOT / "docs" / "index.md").read_text(encoding="utf-8").split())
    guide = (ROOT / "docs" / "instructor_guide.md").read_text(encoding="utf-8")
    guide_times = re.findall(r"^CPU time: (.+?)(?:\.\s|\.$|;| \()", guide, flags=re.MULTILINE)
    for name, words in rows.items():
        header = "".join(json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))["cells"][0]["source"])
        assert f"**CPU time:** {words} on a 2-core CPU" in header, f"{name}'s header should say {words}"
        assert f"{words} |" in index or f"| {words}" in index, f"docs/index.md should give {name} as {words}"
    assert guide_times == list(rows.values()), f"the instructor guide's CPU times {guide_times} should be {rows}"
    assert f"the whole series ran in {series}" in index
