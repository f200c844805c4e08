"""Solve-rate maps and ablations: resumable sweeps whose tables the notebooks load.

    python benchmarks/solve_rate_maps.py run maps [--jobs 2]   # benchmarks/maps/{torch,keras}.toml
    python benchmarks/solve_rate_maps.py run ablations         # benchmarks/maps/ablations.toml
    python benchmarks/solve_rate_maps.py export maps           # rnnlab/tables/maps.{csv,json} + a markdown report

Each finished run is appended to benchmarks/results/NAME/results.csv as it completes: interrupted, the same
command resumes. One thread per run. Every cell gets the same step budget (see the spec files).
"""
import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")


HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from report import commit, machine, versions  # noqa: E402

from rnnlab.experiments import summarize  # noqa: E402
from rnnlab.sweep import ResultStore, load_spec, run_sweep  # noqa: E402
from rnnlab.tables import FORMAT, TABLES, fingerprint  # noqa: E402

SPECS = {"maps": ["torch.toml", "keras.toml"], "ablations": ["ablations.toml"]}
PACKAGE_TABLES = HERE.parent / "rnnlab" / "tables"


def run(name, jobs):
    parts = [part for spec in SPECS[name] for part in load_spec(HERE / "maps" / spec)]
    run_sweep(parts, HERE / "results" / name, n_jobs=jobs)


def export(name):
    store = ResultStore(HERE / "results" / name)
    table = store.result().table
    if table.empty:
        raise SystemExit(f"no runs yet: python benchmarks/solve_rate_maps.py run {name}")
    PACKAGE_TABLES.mkdir(exist_ok=True)
    table.to_csv(PACKAGE_TABLES / f"{name}.csv", index=False)
    found = versions("torch", "keras", "jax", "tensorflow-cpu")
    meta = {"format": FORMAT, "table": name, "what": TABLES[name], "machine": machine(),
            "python": platform.python_version(), "versions": found, "keras_backend": os.environ.get(
                "KERAS_BACKEND", "jax" if "jax" in found else "tensorflow"),
            "commit": commit(), "exported": time.strftime("%Y-%m-%d"), "runs": len(table),
            "specs": {s: (HERE / "maps" / s).read_text() for s in SPECS[name]},
            "files": {f"{name}.csv": fingerprint((PACKAGE_TABLES / f"{name}.csv").read_bytes(), f"{name}.csv")}}
    (PACKAGE_TABLES / f"{name}.json").write_text(json.dumps(meta, indent=1) + "\n")
    summary = summarize(table)
    lines = [f"# {name}", "", TABLES[name] + ".", "",
             f"Machine: {meta['machine']}; " + ", ".join(f"{k} {v}" for k, v in found.items())
             + f"; commit {meta['commit']}; one thread per run. Specs: "
             + ", ".join(f"benchmarks/maps/{s}" for s in SPECS[name]) + ".",
             "", "Solved: first-token, validation accuracy ≥ 0.99; adding, validation MSE ≤ 0.01; next-number, "
             "|prediction − 13| ≤ 0.05. Interval: 95% Wilson. Seconds were measured while other jobs shared the "
             "machine: read them as upper bounds; steps are exact.", ""]
    for experiment, rows in table.groupby("experiment", sort=False):
        part = summarize(rows)
        order = {"torch": 0, "keras": 1, "rnn": 0, "lstm": 1, "gru": 2}
        part = part.sort_values(["recipe", "backend", "cell", "seq_len"], key=lambda c: c.map(order).fillna(0)
                                if c.name in ("backend", "cell") else c, kind="stable")
        part["solve rate [95% CI]"] = [f"{s}/{n} [{lo:.2f}, {hi:.2f}]" for s, n, lo, hi in
                                       zip(part.solved, part.runs, part.low, part.high)]
        keep = ["cell", "backend", "seq_len", "recipe", "solve rate [95% CI]", "median_steps", "median_seconds", "failed"]
        lines += [f"## {experiment}", "", part[keep].to_markdown(index=False, floatfmt=".4g"), ""]
    (HERE / "results" / f"{name}.md").write_text("\n".join(lines))
    print("\n".join(lines))
    print(f"{len(summary)} groups, {len(table)} runs -> rnnlab/tables/{name}.csv")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run")
    r.add_argument("name", choices=sorted(SPECS))
    r.add_argument("--jobs", type=int, default=1)
    e = sub.add_parser("export")
    e.add_argument("name", choices=sorted(SPECS))
    args = parser.parse_args()
    run(args.name, args.jobs) if args.command == "run" else export(args.name)
