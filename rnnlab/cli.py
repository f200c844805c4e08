"""Command line: ``rnnlab run long-dependency …``, ``rnnlab run next-number …``, ``rnnlab info``,
``rnnlab student notebooks/ --out student/``."""
from __future__ import annotations

import argparse
import os
import platform
import sys
from importlib import metadata

from .backends import BACKENDS, INSTALL_HINT, available_backends


def _csv(value):
    return [v.strip() for v in value.split(",") if v.strip()]


def _seeds(value):
    parts = _csv(value)
    if not parts or not all(p.isdigit() for p in parts):
        raise argparse.ArgumentTypeError(f"--seeds takes a count (5) or a comma list of seeds (7,8,9), got {value!r}")
    return int(parts[0]) if len(parts) == 1 and "," not in value else [int(p) for p in parts]


def _ints(value):
    try:
        return [int(v) for v in _csv(value)]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer or a comma list of integers, got {value!r}") from None


class _Parser(argparse.ArgumentParser):
    """Bad arguments end in one line on stderr (and status 2), not a usage block."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser():
    parser = _Parser(prog="rnnlab", description="Measured RNN / LSTM / GRU experiments on PyTorch and Keras.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run an experiment, print its table, write results.csv and a PNG")
    run.add_argument("experiment", choices=["long-dependency", "next-number"])
    run.add_argument("--backend", type=_csv, default=["torch"], help="torch, keras or torch,keras (default torch)")
    run.add_argument("--cells", type=_csv, default=["rnn", "lstm"], help="comma list of rnn, lstm, gru (default rnn,lstm)")
    run.add_argument("--seq-len", type=_ints, default=None, help="sequence length(s), e.g. 300 or 10,30,100")
    run.add_argument("--hidden", type=_ints, default=None, help="hidden size(s)")
    run.add_argument("--seeds", type=_seeds, default=3, help="a count N (seeds 0..N-1) or a comma list (7,8,9)")
    run.add_argument("--recipe", type=_csv, default=["rnnlab"], help="rnnlab, original or original,rnnlab")
    run.add_argument("--epochs", type=int, default=None, help="override the recipe's epoch budget")
    run.add_argument("--out", default="rnnlab-results", help="folder for results.csv and the figure")
    run.add_argument("--no-progress", action="store_true", help="hide progress bars")
    sub.add_parser("info", help="print versions and which backends are installed")
    student = sub.add_parser("student", help="write student versions of notebooks: solution cells removed, "
                                             "answer outputs cleared")
    student.add_argument("src", help="a notebook (.ipynb) or a folder of notebooks")
    student.add_argument("--out", default="student", help="folder for the student notebooks (default: student)")
    student.add_argument("--clear-outputs", action="store_true", help="clear every output, not only the answers")
    return parser


def info():
    lines = [f"rnnlab {metadata.version('rnnlab') if _has('rnnlab') else '(not installed)'}",
             f"python {platform.python_version()} on {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs"]
    for name, dists in (("numpy", ["numpy"]), ("torch", ["torch"]), ("keras", ["keras"]),
                        ("tensorflow", ["tensorflow", "tensorflow-cpu"])):
        found = [f"{name} {metadata.version(d)}" + ("" if d == name else f" ({d})") for d in dists if _has(d)]
        lines.append(found[0] if found else f"{name}: not installed")
    have = available_backends()
    lines.append("backends available: " + (", ".join(have) if have else "none"))
    for missing in sorted(set(BACKENDS) - set(have)):
        lines.append(f"  to add {missing}: {INSTALL_HINT[missing]}")
    return "\n".join(lines)


def _has(dist):
    try:
        metadata.version(dist)
        return True
    except metadata.PackageNotFoundError:
        return False


def run(args):
    from .experiments import run_experiment
    from .plotting import plot_curves, save_figure

    name = args.experiment.replace("-", "_")
    result = run_experiment(name, cells=args.cells, backends=args.backend, seeds=args.seeds, seq_len=args.seq_len,
                            hidden_size=args.hidden, recipe=args.recipe, epochs=args.epochs,
                            progress=not args.no_progress)
    os.makedirs(args.out, exist_ok=True)
    csv_path = os.path.join(args.out, "results.csv")
    png_path = os.path.join(args.out, f"{name}.png")
    result.to_csv(csv_path)
    save_figure(plot_curves(result), png_path)
    import pandas as pd

    with pd.option_context("display.width", 160, "display.max_columns", 30):
        print(result.table.drop(columns=["experiment"]).to_string(index=False, float_format=lambda v: f"{v:.4g}"))
        print()
        print(result.summary().to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    print(f"\nwrote {csv_path} and {png_path}")


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "info":
            print(info())
        elif args.command == "student":
            from .student import build_student_notebooks

            for path in build_student_notebooks(args.src, args.out, clear_outputs=args.clear_outputs):
                print(f"wrote {path}")
        else:
            run(args)
    except (ValueError, TypeError, ImportError) as exc:
        print(f"rnnlab: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("rnnlab: interrupted", file=sys.stderr)
        return 130
    return 0
