"""How long each notebook takes, top to bottom in a fresh kernel, and the one phrase every page quotes for it.

    python benchmarks/notebook_times.py                       # execute every notebook (copies; files untouched)
    python benchmarks/notebook_times.py --in-place --apply    # re-execute them in place, then quote the times

Each notebook is executed by nbconvert, one thread per kernel (as `make notebooks` runs them), with every
installed backend. Two times per notebook, median of --repeat runs: the CPU time of the whole execution (nbconvert
and its kernel, start-up included: the children's user + system time), which the pages quote because it does
not depend on what else the machine runs, and the wall time, which does. Writes
benchmarks/results/notebook_times.md. The notebooks' "**CPU time:**" lines, the instructor guide and the site's
landing page quote the phrase of the table (tests/test_quoted_measurements.py checks that they do).
"""
import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
NOTEBOOKS = ROOT / "notebooks"
sys.path.insert(0, str(HERE))
from report import provenance, write_report  # noqa: E402

TABLE = HERE / "results" / "notebook_times.md"
HEADER = re.compile(r"\*\*CPU time:\*\* about .*? on a 2-core CPU")  # the line each notebook opens with


def phrase(seconds):
    """The words a page uses for a run time: 'about 15 s' under a minute and a half (to 5 s), else
    'about 2.5 minutes' (to half a minute)."""
    if seconds < 90:
        return f"about {max(5, 5 * round(seconds / 5))} s"
    minutes = round(seconds / 30) / 2
    return f"about {minutes:g} minutes"


def execute(path, in_place=False):
    """(CPU seconds, wall seconds) of one top-to-bottom execution of ``path``, into a temporary copy or
    (``in_place``) into the file itself with its widgets' state saved, as `make notebooks` does."""
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                   "--ExecutePreprocessor.timeout=1200", "--log-level=WARN", path.name]
        command += (["--inplace", "--ExecutePreprocessor.store_widget_state=True"] if in_place
                    else ["--output-dir", tmp])
        before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        done = subprocess.run(command, cwd=path.parent, env={**os.environ, "OMP_NUM_THREADS": "1"},
                              capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"{path.name} failed to execute:\n" + "\n".join(done.stderr.splitlines()[-30:]))
        wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
        return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def read_table(path=TABLE):
    """{notebook file name: (seconds, phrase)} from the stored table."""
    rows = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if line.startswith("| ") and cells[0].endswith(".ipynb"):
            rows[cells[0]] = (float(cells[1]), cells[2])
    return rows


def apply(rows):
    """Write each notebook's phrase into its '**CPU time:**' header line (the source only; outputs untouched)."""
    import nbformat

    for name, (_, words) in rows.items():
        path = NOTEBOOKS / name
        nb = nbformat.read(path, as_version=4)
        header = nb.cells[0]
        new = HEADER.sub(f"**CPU time:** {words} on a 2-core CPU", header.source, count=1)
        if new != header.source:
            header.source = new
            nbformat.write(nb, path)
            print(f"{name}: {words}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=1, help="runs per notebook (the median is kept)")
    parser.add_argument("--in-place", action="store_true", help="execute the notebooks themselves (not copies)")
    parser.add_argument("--apply", action="store_true", help="write the phrases into the notebooks' headers")
    parser.add_argument("--only-apply", action="store_true", help="apply the stored table without measuring")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if not args.only_apply:
        rows, walls = {}, {}
        for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
            runs = [execute(path, args.in_place) for _ in range(args.repeat)]
            seconds, walls[path.name] = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
            rows[path.name] = (seconds, phrase(seconds))
            print(f"{path.name}: {seconds:.0f} s CPU, {walls[path.name]:.0f} s wall", flush=True)
        total = sum(s for s, _ in rows.values())
        load = os.getloadavg()[0]
        write_report("notebook_times", [
            "# How long each notebook takes",
            "",
            provenance("torch", "keras", "jax", "tensorflow-cpu", "nbconvert"),
            "",
            f"Each notebook executed top to bottom by nbconvert in a fresh kernel, one thread per kernel, every "
            f"installed backend (Keras on {os.environ.get('KERAS_BACKEND', 'jax')}); CPU seconds (user + system of "
            f"nbconvert and its kernel, start-up included) and wall seconds, median of {args.repeat}. The phrase, "
            "from the CPU seconds, is what the notebooks, the instructor guide and the site quote. The wall time "
            f"depends on the machine's other work: load average {load:.1f} at the end.",
            "",
            "| notebook | CPU seconds | phrase | wall seconds |",
            "|---|---|---|---|",
            *(f"| {name} | {s:.0f} | {words} | {walls[name]:.0f} |" for name, (s, words) in rows.items()),
            "",
            f"The whole series: {phrase(total)} ({total:.0f} s).",
        ])
    if args.apply or args.only_apply:
        apply(read_table())


if __name__ == "__main__":
    main()
