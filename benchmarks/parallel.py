"""Seeds in parallel: a 10-seed run_experiment with n_jobs=1 and n_jobs=2, same table, wall-clock speed-up.

    python benchmarks/parallel.py        # writes benchmarks/results/parallel.md

Workload: first-token task, torch LSTM, T=300, 10 seeds, 10 epochs each (no early stop is reached).
Worker start-up (importing torch) is inside the measured time. Median of 3 repeats, alternating.
"""
import os
import statistics
import sys
import time
from importlib import metadata
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from report import commit, machine, write_report  # noqa: E402

from rnnlab.experiments import run_experiment  # noqa: E402

WORK = dict(cells="lstm", backends="torch", seeds=10, seq_len=300, epochs=10, progress=False)


def timed(n_jobs):
    start = time.perf_counter()
    result = run_experiment("long_dependency", n_jobs=n_jobs, **WORK)
    return time.perf_counter() - start, result.table.drop(columns=["seconds"])


def main(repeats=3):
    times = {1: [], 2: []}
    tables = {}
    for _ in range(repeats):
        for n_jobs in (1, 2):
            seconds, tables[n_jobs] = timed(n_jobs)
            times[n_jobs].append(seconds)
            print(f"n_jobs={n_jobs}: {seconds:.1f} s", flush=True)
    same = tables[1].equals(tables[2])
    serial, parallel = statistics.median(times[1]), statistics.median(times[2])
    lines = ["# Seeds in parallel", "",
             f"Machine: {machine()}; torch {metadata.version('torch')}; joblib {metadata.version('joblib')}; "
             f"commit {commit()}.", "",
             "Workload: `run_experiment('long_dependency', cells='lstm', seeds=10, seq_len=300, epochs=10)` on torch; "
             f"median of {repeats} repeats, alternating; worker start-up included.", "",
             "| n_jobs | median wall time | all repeats |", "|---|---|---|",
             f"| 1 | {serial:.1f} s | {', '.join(f'{t:.1f}' for t in times[1])} |",
             f"| 2 | {parallel:.1f} s | {', '.join(f'{t:.1f}' for t in times[2])} |", "",
             f"Speed-up: **{serial / parallel:.2f}×**; tables identical apart from the seconds column: **{same}**."]
    write_report("parallel", lines)


if __name__ == "__main__":
    main()
