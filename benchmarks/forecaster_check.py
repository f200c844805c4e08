"""How far the make_forecaster self-check (notebook 04) sits from a correct answer and from section 3's model.

For DRAWS seeded draws of the check's rule and runs, trains instructor/solutions/make_forecaster.py (the
notebook's solution) and instructor/cheats/make_forecaster/section3_step_model.py (section 3's step model, which
must fail), and records each forecaster's worst error on every set of runs the check asks for, as a fraction of
each run's step size. The check's tolerance (rnnlab.checks.notebook04._FORECAST_TOLERANCE) should sit well above
the solution's worst error and well below the step model's on at least one set of runs.

    python benchmarks/forecaster_check.py [--draws 300] [--jobs 2]

Writes benchmarks/results/forecaster_check.md and forecaster_check.csv (one row per draw and forecaster).
"""
import argparse
import csv
import importlib.util
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed

from report import commit, machine, versions, write_report

ROOT = Path(__file__).resolve().parent.parent
FORECASTERS = {"solution": ROOT / "instructor" / "solutions" / "make_forecaster.py",
               "section 3 step model": ROOT / "instructor" / "cheats" / "make_forecaster" / "section3_step_model.py"}


def _load(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_forecaster


def worst_errors(which, seed):
    """One draw as the check makes it (seeded): {set of runs: worst |error| / step size}."""
    import torch

    from rnnlab.checks import notebook04

    torch.set_num_threads(1)
    rng = np.random.default_rng(seed)
    rule = notebook04._forecast_rule(rng)
    X, y = notebook04._rule_runs(3000, rule, rng)
    forecast = _load(FORECASTERS[which])(X.astype(np.float32), y.astype(np.float32), seed=int(rng.integers(1000)))
    row = {"forecaster": which, "seed": seed, "a": round(rule[0], 4), "b": round(rule[1], 4)}
    for key, where in notebook04._FORECAST_TESTS:
        runs, truth = notebook04._rule_runs(50, rule, rng, **where)
        got = np.asarray(forecast(runs.copy()), dtype=np.float64).reshape(-1)
        row[key] = float((np.abs(got - truth[:, 0]) / notebook04._step_size(runs)).max())
    return row


def main(draws=300, jobs=2):
    from rnnlab.checks import notebook04

    jobs_list = [(which, seed) for which in FORECASTERS for seed in range(draws)]
    rows = Parallel(n_jobs=jobs)(delayed(worst_errors)(which, seed) for which, seed in jobs_list)
    keys = [key for key, _ in notebook04._FORECAST_TESTS]
    out = Path(__file__).resolve().parent / "results" / "forecaster_check.csv"
    with out.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    tol = notebook04._FORECAST_TOLERANCE
    lines = ["# The make_forecaster self-check: margins", "",
             f"Machine: {machine()}; commit {commit()}; {versions('torch', 'numpy')}.", "",
             f"{draws} seeded draws of the check's rule and runs per forecaster. Each cell: a draw's worst error on "
             f"that set of runs, as a fraction of each run's step size; median, largest and smallest over the draws. "
             f"The check's tolerance is {tol:.0%}; the last column counts the draws that would pass the check.", "",
             "| forecaster | " + " | ".join(keys) + " | draws within tolerance everywhere |",
             "|---|" + "---|" * (len(keys) + 1)]
    for which in FORECASTERS:
        mine = [r for r in rows if r["forecaster"] == which]
        cells = []
        for key in keys:
            values = np.array([r[key] for r in mine])
            cells.append(f"median {np.median(values):.1%}, max {values.max():.1%}, min {values.min():.1%}")
        passed = sum(all(r[key] <= tol for key in keys) for r in mine)
        lines.append(f"| {which} | " + " | ".join(cells) + f" | {passed} of {len(mine)} |")
    write_report("forecaster_check", lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=300)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    main(args.draws, args.jobs)
