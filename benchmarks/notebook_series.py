"""The notebook series under nbval as `make test` runs it: wall time per Keras backend and number of workers.

    python benchmarks/notebook_series.py                 # two workers (make test's setting), JAX then TensorFlow
    python benchmarks/notebook_series.py --workers 1 2   # one notebook at a time as well, for comparison

Each configuration is one whole pytest process (kernel start-up and imports included), one thread per kernel;
with two workers, pytest-xdist runs two notebooks at a time (--dist loadfile keeps a notebook on one kernel).
The per-notebook column sums nbval's cell times. Writes benchmarks/results/notebook_series.md.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from report import provenance, write_report  # noqa: E402

NBVAL = ["--nbval-lax", "--nbval-sanitize-with", "notebooks/nbval_sanitize.cfg"]  # as NBVAL in the Makefile
BACKENDS = ("jax", "tensorflow")


def run_series(keras_backend, workers):
    """(wall seconds, {notebook: summed cell seconds}, passed) of one nbval run of notebooks/."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "junit.xml"
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "notebooks", *NBVAL,
                   f"--junitxml={report}"]
        if workers > 1:
            command += ["-n", str(workers), "--dist", "loadfile"]
        env = {**os.environ, "OMP_NUM_THREADS": "1", "KERAS_BACKEND": keras_backend}
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - start
        if done.returncode:
            sys.exit(f"nbval failed on {keras_backend} with {workers} worker(s):\n{done.stdout[-3000:]}")
        per_notebook = defaultdict(float)
        cases = list(ET.parse(report).getroot().iter("testcase"))
        for case in cases:  # classname: notebooks.04_next_number.ipynb
            per_notebook[case.get("classname").split(".")[1]] += float(case.get("time"))
    return wall, dict(per_notebook), len(cases)


def _minutes(seconds):
    return f"{int(seconds // 60)} min {seconds % 60:.0f} s"


def main(workers, repeats):
    if any(w < 1 for w in workers):
        sys.exit(f"--workers: every value must be a positive int, got {workers}")
    if repeats < 1:
        sys.exit(f"--repeats must be a positive int, got {repeats}")
    runs = defaultdict(list)  # (backend, workers) -> [(wall, per_notebook, passed)]
    for _ in range(repeats):
        for backend in BACKENDS:
            for w in workers:
                runs[backend, w].append(run_series(backend, w))
                print(f"{backend}, {w} worker(s): {_minutes(runs[backend, w][-1][0])}", flush=True)
    lines = ["# The notebook series under nbval", "",
             provenance("keras", "jax", "tensorflow-cpu", "tensorflow", "torch", "nbval", "pytest-xdist"),
             "", "`pytest notebooks --nbval-lax` as `make test` runs it (`OMP_NUM_THREADS=1`, one kernel per notebook); "
             f"wall time of the whole pytest process, median of {repeats}. With two workers pytest-xdist runs two "
             "notebooks at a time, one per core. The last column sums nbval's cell times per notebook (one run).", "",
             "| Keras backend | workers | wall time | cells passed | seconds per notebook (cells) |", "|---|---|---|---|---|"]
    for (backend, w), found_runs in runs.items():
        wall = statistics.median(r[0] for r in found_runs)
        per_notebook = ", ".join(f"{name[:2]}: {s:.0f}" for name, s in sorted(found_runs[0][1].items()))
        lines.append(f"| {backend} | {w} | {_minutes(wall)} | {found_runs[0][2]} | {per_notebook} |")
    write_report("notebook_series", lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[2], help="numbers of workers to time (default 2)")
    parser.add_argument("--repeats", type=int, default=1, help="runs per configuration (default 1)")
    args = parser.parse_args()
    main(args.workers, args.repeats)
