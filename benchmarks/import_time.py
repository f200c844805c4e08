"""Wall time of `import rnnlab` in a fresh interpreter, and which heavy modules it pulls in.

Writes benchmarks/results/import_time.md (median of 7 runs).
"""
import json
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import machine  # noqa: E402

CODE = ("import sys, time, json; t = time.perf_counter(); import rnnlab; dt = time.perf_counter() - t; "
        "print(json.dumps([dt, [m for m in ('torch', 'tensorflow', 'keras') if m in sys.modules]]))")


def main(repeats=7):
    runs = [json.loads(subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True,
                                      check=True).stdout) for _ in range(repeats)]
    median = statistics.median(r[0] for r in runs)
    heavy = sorted({m for r in runs for m in r[1]})
    text = (f"# import rnnlab\n\nMachine: {machine()}\n\nMedian of {repeats} fresh interpreters: "
            f"{median:.3f} s; heavy modules imported: {heavy or 'none'}\n")
    out = Path(__file__).resolve().parent / "results" / "import_time.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
