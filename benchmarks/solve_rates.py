"""Solve rates and time-to-solve over 10 seeds for both experiments, both recipes, both backends.

    python benchmarks/solve_rates.py run --backend torch     # writes benchmarks/results/solve_rates_torch.csv
    python benchmarks/solve_rates.py run --backend keras
    python benchmarks/solve_rates.py report                  # writes benchmarks/results/solve_rates.md

Runs use one thread each (OMP_NUM_THREADS=1), so the two backends can run side by side on 2 cores.
Takes about 10 minutes (torch) and 25 minutes (keras) on the project's 2-core CPU.
"""
import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import pandas as pd  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import machine, versions  # noqa: E402

from rnnlab.experiments import run_experiment  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
PLAN = [  # (experiment, recipe, seeds)
    ("long_dependency", "original", 3),
    ("long_dependency", "rnnlab", 10),
    ("next_number", "original", 10),
    ("next_number", "rnnlab", 10),
]


def run(backend, seeds_scale):
    frames = []
    for name, recipe, seeds in PLAN:
        result = run_experiment(name, cells=["rnn", "lstm"], backends=backend, seeds=max(1, seeds // seeds_scale),
                                recipe=recipe, progress=True)
        frames.append(result.table)
        print(result.summary().to_string(index=False), flush=True)
    RESULTS.mkdir(exist_ok=True)
    pd.concat(frames).to_csv(RESULTS / f"solve_rates_{backend}.csv", index=False)


def report():
    tables = [pd.read_csv(p) for p in sorted(RESULTS.glob("solve_rates_*.csv"))]
    if not tables:
        raise SystemExit("no results yet: run `python benchmarks/solve_rates.py run --backend torch` first")
    table = pd.concat(tables)
    rows = []
    for (name, recipe, backend, cell), g in table.groupby(["experiment", "recipe", "backend", "cell"], sort=False):
        solved = g[g.solved]
        line = {"experiment": name, "recipe": recipe, "backend": backend, "cell": cell,
                "solved": f"{int(g.solved.sum())}/{len(g)}",
                "median steps to solve": f"{solved.steps.median():.0f}" if len(solved) else "–",
                "median s to solve": f"{solved.seconds.median():.1f}" if len(solved) else "–",
                "median s per run": f"{g.seconds.median():.1f}"}
        if name == "long_dependency":
            line["median final val acc"] = f"{g.val_metric.median():.3f}"
        else:
            line["median |pred − 13|"] = f"{g.error.median():.3f}"
        rows.append(line)
    found = ", ".join(f"{d} {v}" for d, v in versions("torch", "keras", "tensorflow-cpu").items())
    md = ["# Solve rates", "", f"Machine: {machine()}; {found}; one thread per run.", "",
          "long_dependency: solved = validation accuracy ≥ 0.99 at T=300, H=16, within the recipe's epochs.",
          "next_number: solved = |prediction for [10, 11, 12] − 13| ≤ 0.05, H=10.", ""]
    for name in ("long_dependency", "next_number"):
        sub = pd.DataFrame([r for r in rows if r["experiment"] == name]).drop(columns="experiment").dropna(axis=1)
        md += [f"## {name}", "", sub.to_markdown(index=False), ""]
    (RESULTS / "solve_rates.md").write_text("\n".join(md))
    print("\n".join(md))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run")
    r.add_argument("--backend", choices=["torch", "keras"], required=True)
    r.add_argument("--quick", action="store_true", help="a tenth of the seeds, to try the script")
    sub.add_parser("report")
    args = parser.parse_args()
    run(args.backend, 10 if args.quick else 1) if args.command == "run" else report()
