"""Wall time of `import rnnlab` in a fresh interpreter and which heavy modules it pulls in; and the time to
load Keras through rnnlab on each Keras backend installed (the first Keras cell of a notebook pays it).

Writes benchmarks/results/import_time.md (medians over fresh interpreters).
"""
import json
import os
import statistics
import subprocess
import sys

from report import commit, machine, write_report

IMPORT = ("import sys, time, json; t = time.perf_counter(); import rnnlab; dt = time.perf_counter() - t; "
          "print(json.dumps([dt, [m for m in ('torch', 'tensorflow', 'keras', 'jax') if m in sys.modules]]))")
KERAS = ("import sys, time, json; t = time.perf_counter(); import rnnlab; rnnlab.backends.load_adapter('keras'); "
         "dt = time.perf_counter() - t; print(json.dumps([dt, ['tensorflow' in sys.modules]]))")


def fresh(code, **env):
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, **env}).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(repeats=7, keras_repeats=3):
    runs = [fresh(IMPORT) for _ in range(repeats)]
    heavy = sorted({m for r in runs for m in r[1]})
    lines = ["# import rnnlab", "", f"Machine: {machine()}; commit {commit()}.", "",
             f"`import rnnlab`, median of {repeats} fresh interpreters: {statistics.median(r[0] for r in runs):.3f} s; "
             f"heavy modules imported: {heavy or 'none'}.", "",
             f"Loading Keras through rnnlab (`import rnnlab; rnnlab.backends.load_adapter('keras')`), median of "
             f"{keras_repeats} fresh interpreters:", "", "| Keras backend | seconds | TensorFlow imported |", "|---|---|---|"]
    for backend in ("jax", "tensorflow"):
        try:
            times = [fresh(KERAS, KERAS_BACKEND=backend) for _ in range(keras_repeats)]
        except subprocess.CalledProcessError:
            lines.append(f"| {backend} | not installed | – |")
            continue
        lines.append(f"| {backend} | {statistics.median(t[0] for t in times):.1f} | {times[0][1][0]} |")
    write_report("import_time", lines)


if __name__ == "__main__":
    main()
