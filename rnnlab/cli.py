"""Command line: ``rnnlab run long-dependency|adding|next-number …``, ``rnnlab sweep SPEC …``, ``rnnlab demo``, ``rnnlab info``,
``rnnlab student notebooks/ --out student/``, ``rnnlab assign notebooks/ --to nbgrader|otter --out DIR``."""
from __future__ import annotations

import argparse
import os
import platform
import sys
from importlib import metadata

from .backends import BACKENDS, available_backends, install_hint, keras_backend_name
from .settings import EXPERIMENT_DEFAULTS, MAX_JOBS


def _default(field):
    """'300; next-number 3': the defaults of EXPERIMENT_DEFAULTS for one field, as the help text says them."""
    values = {name.replace("_", "-"): getattr(d, field) for name, d in EXPERIMENT_DEFAULTS.items()}
    common = max(set(values.values()), key=list(values.values()).count)
    others = [f"{name} {value}" for name, value in values.items() if value != common]
    return "; ".join([str(common), *others])


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


def _jobs(value):
    try:
        jobs = int(value)
    except ValueError:
        jobs = 0
    if (jobs < 1 and jobs != -1) or jobs > MAX_JOBS:
        raise argparse.ArgumentTypeError(f"--jobs takes a positive number of worker processes, at most {MAX_JOBS}, "
                                         f"or -1 (every core), got {value!r}")
    return jobs


RUN_EXAMPLES = """examples:
  rnnlab run long-dependency --cells rnn,lstm --seq-len 300 --seeds 5 --out results/ld
  rnnlab run adding --backend torch,keras --cells rnn,lstm,gru --seq-len 100,300 --seeds 10 --jobs 2 --out results/add
  rnnlab run next-number --recipe original,rnnlab --seeds 7,8,9 --out results/nn

Each finished run is appended to OUT/results.csv at once; the same command again skips the runs already there."""

SWEEP_EXAMPLES = """A spec is a TOML file of run_experiment arguments, one table or several [[sweep]] tables:

  [[sweep]]
  experiment = "adding"          # long_dependency, adding or next_number
  cells = ["rnn", "lstm", "gru"]
  backends = ["torch"]
  seeds = 10                     # a count, or a list of seeds
  seq_len = [10, 30, 100, 300]
  hidden_size = 16
  recipe = "rnnlab"              # or a list; ablations such as "rnnlab-clip_norm"
  epochs = 20                    # optional: override the recipe's budget

example:
  rnnlab sweep benchmarks/maps/torch.toml --out results/maps --jobs 2

Interrupted (Ctrl-C), the CSV keeps every finished run; run the same command again to resume."""


class _Parser(argparse.ArgumentParser):
    """Bad arguments end in one line on stderr (and status 2), not a usage block."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser():
    parser = _Parser(prog="rnnlab", description="Measured RNN / LSTM / GRU experiments on PyTorch and Keras.")
    sub = parser.add_subparsers(dest="command", required=True)
    fmt = argparse.RawDescriptionHelpFormatter
    run = sub.add_parser("run", help="run an experiment, print its table, write results.csv and a PNG",
                         epilog=RUN_EXAMPLES, formatter_class=fmt)
    run.add_argument("experiment", choices=["long-dependency", "adding", "next-number"],
                     help="long-dependency (first token of T bits), adding (sum of two marked values) or "
                          "next-number ([10, 11, 12] -> 13)")
    run.add_argument("--backend", type=_csv, default=["torch"], help="torch, keras or torch,keras (default: torch)")
    run.add_argument("--cells", type=_csv, default=["rnn", "lstm"],
                     help="comma list of rnn, lstm, gru (default: rnn,lstm)")
    run.add_argument("--seq-len", type=_ints, default=None,
                     help=f"sequence length(s), e.g. 300 or 10,30,100 (default: {_default('seq_len')})")
    run.add_argument("--hidden", type=_ints, default=None, help=f"hidden size(s) (default: {_default('hidden_size')})")
    run.add_argument("--seeds", type=_seeds, default=3, help="a count N (seeds 0..N-1) or a comma list (default: 3)")
    run.add_argument("--recipe", type=_csv, default=["rnnlab"],
                     help="rnnlab, original, both, or ablations such as rnnlab-clip_norm (default: rnnlab)")
    run.add_argument("--epochs", type=int, default=None, help="override the recipe's epoch budget")
    run.add_argument("--jobs", type=_jobs, default=1, help="worker processes, one thread each; -1: every core "
                                                            "(default: 1)")
    run.add_argument("--out", default="rnnlab-results",
                     help="folder for results.csv and the figure (default: rnnlab-results)")
    run.add_argument("--no-progress", action="store_true", help="hide progress bars")
    sweep = sub.add_parser("sweep", help="run the sweeps of TOML spec files into one resumable results.csv",
                           epilog=SWEEP_EXAMPLES, formatter_class=fmt)
    sweep.add_argument("spec", nargs="+", help="TOML spec file(s)")
    sweep.add_argument("--out", required=True, help="folder for results.csv (appended run by run)")
    sweep.add_argument("--jobs", type=_jobs, default=1, help="worker processes, one thread each; -1: every core "
                                                              "(default: 1)")
    sweep.add_argument("--no-progress", action="store_true", help="hide progress bars")
    demo = sub.add_parser("demo", help="the headline demo: the classic first-token demo, the rnnlab recipe and the "
                                       "adding problem at T=300, with a table, a verdict and one figure",
                          description="Trains, on torch at T=300: the classic first-token demo (simple RNN and LSTM), "
                                      "the first-token task under the rnnlab recipe, and the adding problem (simple "
                                      "RNN, LSTM and GRU), then prints the solve counts and a verdict computed from "
                                      "them and writes OUT/demo.png. Run it again and the finished runs are reused.")
    demo.add_argument("--seeds", type=int, default=3, help="seeds 0..N-1 per cell and sweep (default: 3)")
    demo.add_argument("--jobs", type=_jobs, default=2, help="worker processes, one thread each; -1: every core "
                                                             "(default: 2)")
    demo.add_argument("--out", default="results/demo", help="folder for results.csv and demo.png "
                                                            "(default: results/demo)")
    demo.add_argument("--no-progress", action="store_true", help="hide progress bars")
    sub.add_parser("info", help="print versions and which backends are installed")
    student = sub.add_parser("student", help="write student versions of notebooks: solution cells removed, "
                                             "answer outputs cleared")
    student.add_argument("src", help="a notebook (.ipynb) or a folder of notebooks")
    student.add_argument("--out", default="student", help="folder for the student notebooks (default: student)")
    student.add_argument("--clear-outputs", action="store_true", help="clear every output, not only the answers")
    student.add_argument("--force", action="store_true", help="overwrite student notebooks already in --out")
    student.add_argument("--repo", metavar="OWNER/NAME[@REF]",
                         help="the GitHub repository (and branch or tag, default main) the handouts are pushed to: "
                              "Open-in-Colab links open them there and Colab installs rnnlab from it; without "
                              "--repo the links are removed (they would open the solutions)")
    student.add_argument("--path", metavar="DIR",
                         help="the handouts' folder inside that repository (default: --out's place in the git "
                              "work tree holding it, else --out as given)")
    student.add_argument("--install", metavar="SPEC",
                         help='what the set-up cell installs on Colab, e.g. rnnlab==0.1.0 or a wheel URL '
                              '(default: the source notebooks\' pinned release, or the --repo repository)')
    student.add_argument("--no-colab", action="store_true",
                         help="remove the Open-in-Colab links and the Colab install lines")
    assign = sub.add_parser("assign", help="write graded assignments for nbgrader or otter-grader: solutions, "
                                           "hidden tests and points from the instructor folder")
    assign.add_argument("src", help="a source notebook (.ipynb) or a folder of them")
    assign.add_argument("--to", required=True, metavar="GRADER", help="nbgrader or otter")
    assign.add_argument("--instructor", default="instructor",
                        help="folder with exercises.toml, tests/ and answers/ (default: instructor)")
    assign.add_argument("--out", required=True, help="folder for the graded notebooks")
    assign.add_argument("--exercises-only", action="store_true",
                        help="keep only the title, the set-up the exercises need and the exercises section")
    assign.add_argument("--force", action="store_true", help="overwrite notebooks already in --out")
    return parser


def info():
    lines = [f"rnnlab {metadata.version('rnnlab') if _has('rnnlab') else '(not installed)'}",
             f"python {platform.python_version()} on {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs"]
    for name, dists in (("numpy", ["numpy"]), ("torch", ["torch"]), ("keras", ["keras"]), ("jax", ["jax"]),
                        ("tensorflow", ["tensorflow", "tensorflow-cpu"])):
        found = [f"{name} {metadata.version(d)}" + ("" if d == name else f" ({d})") for d in dists if _has(d)]
        lines.append(found[0] if found else f"{name}: not installed")
    have = available_backends()
    lines.append("backends available: " + (", ".join(have) if have else "none"))
    if _has("keras"):
        lines.append(f"keras runs on: {keras_backend_name()} (choose with KERAS_BACKEND=jax or tensorflow)")
    for missing in sorted(set(BACKENDS) - set(have)):
        lines.append(f"  to add {missing}: {install_hint(missing)}")
    return "\n".join(lines)


def _has(dist):
    try:
        metadata.version(dist)
        return True
    except metadata.PackageNotFoundError:
        return False


def _print_tables(result):
    import pandas as pd

    with pd.option_context("display.width", 160, "display.max_columns", 30):
        table = result.table.drop(columns=["experiment", "failure"] if not result.failures else ["experiment"])
        table = table.dropna(axis=1, how="all")  # e.g. prediction and error, which only next-number has
        print(table.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
        print()
        print(result.summary().to_string(index=False, float_format=lambda v: f"{v:.4g}"))


def _figure(result, path):
    from .plotting import plot_curves, save_figure
    from .results import ExperimentResult

    kept = [(r, h) for r, h in zip(result.rows, result.histories) if h is not None]
    if kept:
        save_figure(plot_curves(ExperimentResult([r for r, _ in kept], [h for _, h in kept])), path)
        return path
    return None


def run(args):
    from .experiments import run_experiment
    from .results import ResultStore

    name = args.experiment.replace("-", "_")
    store = ResultStore(args.out)  # checked before any training
    before = len(store.done())
    result = run_experiment(name, cells=args.cells, backends=args.backend, seeds=args.seeds, seq_len=args.seq_len,
                            hidden_size=args.hidden, recipe=args.recipe, epochs=args.epochs,
                            progress=not args.no_progress, n_jobs=args.jobs, out=store.folder)
    _print_tables(result)
    png = os.path.join(store.folder, f"{name}.png")
    try:
        png = _figure(result, png)
    except OSError as exc:  # e.g. a full disk: say which file, and that the runs are stored
        raise OSError(exc.errno, f"{exc.strerror or exc}: could not write the figure {png} (the runs are stored in "
                                 f"{store.results})", png) from exc
    reused = len(store.done()) - before
    if reused < len(result.rows) and before:
        print(f"\n{len(result.rows) - reused} of these runs were already in {store.results} and were not re-run")
    print(f"\nwrote {store.results}" + (f" and {png}" if png else ""))
    return 1 if result.failures else 0


def sweep(args):
    from .sweep import load_spec, run_sweep

    parts = [part for path in args.spec for part in load_spec(path)]
    result = run_sweep(parts, args.out, n_jobs=args.jobs, progress=not args.no_progress)
    import pandas as pd

    with pd.option_context("display.width", 160, "display.max_columns", 30):
        print(result.summary().to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    print(f"\n{len(result.rows)} runs in {os.path.join(args.out, 'results.csv')}")
    return 1 if result.failures else 0


def demo(args):
    import pandas as pd

    from .demo import HIDDEN, SEQ_LEN, run_demo
    from .settings import SOLVE_ACCURACY, SOLVE_MSE

    result, table, lines, png = run_demo(args.out, seeds=args.seeds, n_jobs=args.jobs, progress=not args.no_progress)
    print(f"\nSolved runs (validation accuracy >= {SOLVE_ACCURACY} on the first-token task, validation MSE <= "
          f"{SOLVE_MSE} on the adding problem), torch, T={SEQ_LEN}, H={HIDDEN}:\n")
    with pd.option_context("display.width", 160, "display.max_columns", 30):
        print(table.to_string(index=False))
    print()
    for line in lines:
        print(line)
    print(f"\nwrote {os.path.join(args.out, 'results.csv')}" + (f" and {png}" if png else ""))
    return 1 if result.failures else 0


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "info":
            print(info())
        elif args.command == "student":
            import warnings

            from .instructor.student import build_student_notebooks

            with warnings.catch_warnings(record=True) as said:
                warnings.simplefilter("always", UserWarning)
                written = build_student_notebooks(args.src, args.out, clear_outputs=args.clear_outputs,
                                                  force=args.force, repo=args.repo, path=args.path,
                                                  install=args.install, colab=not args.no_colab)
            for path in written:
                print(f"wrote {path}")
            for warning in said:   # e.g. the Open-in-Colab links removed for want of --repo: one line each
                print(f"rnnlab: warning: {warning.message}", file=sys.stderr)
        elif args.command == "assign":
            from .instructor.assign import build_assignment

            for path in build_assignment(args.src, args.out, to=args.to, instructor=args.instructor,
                                         force=args.force, exercises_only=args.exercises_only):
                print(f"wrote {path}")
        elif args.command == "sweep":
            return sweep(args)
        elif args.command == "demo":
            return demo(args)
        else:
            return run(args)
    except (ValueError, TypeError, ImportError) as exc:
        print(f"rnnlab: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # the reader (e.g. `| head`) has gone: stop quietly, as other command-line tools do (caught before
        # OSError, of which it is a kind)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:  # e.g. the disk filled up while writing results
        message = str(exc.strerror or exc)
        named = exc.filename and str(exc.filename) not in message  # ResultStore's errors name the file already
        print(f"rnnlab: error: {message}" + (f": {exc.filename}" if named else ""), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        out = getattr(args, "out", None)
        where = f"; every finished run is in {os.path.join(out, 'results.csv')}: run the same command again to resume" \
            if args.command in ("run", "sweep", "demo") else ""
        print(f"rnnlab: interrupted{where}", file=sys.stderr)
        return 130
    return 0
