"""How long `make demo` takes from a fresh clone (set-up excluded), and what it showed: `rnnlab demo` into an empty
folder, timed with /usr/bin/time, several times; the median wall time goes into the table.

    python benchmarks/demo_time.py              # two runs (the README's 'about two minutes' is their median)
    python benchmarks/demo_time.py --repeat 3

Each run is one whole process (imports, worker start-up and the figure included) with make demo's arguments.
The load average before each run is recorded: on a shared machine a run competes with other jobs.
Writes benchmarks/results/demo.md.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from report import ONE_THREAD, provenance, write_report  # noqa: E402

DEMO_ARGS = ["--seeds", "3", "--jobs", "2"]   # as the Makefile's demo target
TIME = shutil.which("time", path="/usr/bin") or "/usr/bin/time"


def run_demo():
    """(wall s, user s, system s, stdout) of one `rnnlab demo` into a fresh folder."""
    with tempfile.TemporaryDirectory() as tmp:
        command = [TIME, "-f", "TIME %e %U %S", sys.executable, "-m", "rnnlab", "demo", *DEMO_ARGS,
                   "--out", os.path.join(tmp, "demo"), "--no-progress"]
        done = subprocess.run(command, cwd=ROOT, env={**os.environ, **ONE_THREAD}, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"rnnlab demo failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    wall, user, system = map(float, re.findall(r"^TIME (\S+) (\S+) (\S+)$", done.stderr, re.M)[-1])
    return wall, user, system, done.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2, help="number of timed runs (default: 2)")
    args = parser.parse_args()
    if not 1 <= args.repeat <= 20:
        parser.error("--repeat takes 1 to 20 runs")
    runs = []
    for i in range(args.repeat):
        load = os.getloadavg()[0]
        wall, user, system, out = run_demo()
        print(f"run {i + 1}: {wall:.0f} s wall, {user + system:.0f} s CPU, load average before {load:.2f}", flush=True)
        runs.append((wall, user + system, load, out))
    median = statistics.median(w for w, *_ in runs)
    table_start = runs[-1][3].index("Solved runs")
    shown = runs[-1][3][table_start:].split("\nwrote ")[0].strip()
    lines = ["# make demo", "",
             "`rnnlab demo --seeds 3 --jobs 2` (the Makefile's demo target) into an empty folder: wall time of the whole "
             "process (imports, two worker processes, training, figure), set-up excluded. Timed with /usr/bin/time.", "",
             provenance("torch", "numpy"), "",
             f"Median wall time over {len(runs)} runs: **{median:.0f} s** ({median / 60:.1f} min).", "",
             "| run | wall s | CPU s (user + system) | load average (1 min) before |",
             "|----:|-------:|----------------------:|----------------------------:|",
             *[f"| {i + 1} | {w:.0f} | {c:.0f} | {lo:.2f} |" for i, (w, c, lo, _) in enumerate(runs)], "",
             "A load average above 0 before a run means other jobs shared the two cores: CPU s / 2 is the wall time "
             "two free cores would need at best.", "",
             "What the last run printed:", "", "```", shown, "```"]
    write_report("demo", lines)


if __name__ == "__main__":
    main()
