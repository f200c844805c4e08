"""Replays notebook 03's two coding exercises, forget_bias_for and first_bit_readout, over seeded draws: the
self-check (rnnlab.checks, its generator replaced by a seeded one) and the hidden test (instructor/tests: inputs,
drive and judge, run here in one process with the grading child's conversions) on the solution and on the honest
float32 answers in numpy, torch and Keras (instructor/honest/, the backend of KERAS_BACKEND). Each must pass every
draw with the shared tolerances (rnnlab.settings.EXERCISE_TOLERANCE); the report also gives the largest error
seen, against each tolerance.

    python benchmarks/ex03_tolerance.py [--draws 200] [--batches 100000]
    KERAS_BACKEND=jax python benchmarks/ex03_tolerance.py --answers keras_float32

Writes benchmarks/results/ex03_tolerance.md; with --answers, only those answers, to
benchmarks/results/ex03_tolerance_<answers>_<keras backend>.md (Keras's backend is fixed per process, so the Keras
answer on the other backend is a second run). The full report also counts how often first_bit_readout's two batch
generators (self-check and hidden test) drop a batch they cannot clear of near ties, over --batches seeded batches.
"""
import argparse
import contextlib
import importlib.util
import io
import runpy
import types
from pathlib import Path

import numpy as np

from report import provenance, write_report

import rnnlab.checks.notebook03 as notebook03
import rnnlab.instructor.fresh_child as child
from rnnlab import checks
from rnnlab.settings import EXERCISE_TOLERANCE

INSTRUCTOR = Path(__file__).resolve().parents[1] / "instructor"
NAMES = ("forget_bias_for", "first_bit_readout")
GRADING = types.SimpleNamespace(call=child.call, float_array=child.float_array, exact_float=child.exact_float,
                                Refused=child.Refused)


def answers(name):
    paths = [INSTRUCTOR / "solutions" / f"{name}.py", *sorted((INSTRUCTOR / "honest" / name).glob("*.py"))]
    return {("solution" if p.parent.name == "solutions" else p.stem): runpy.run_path(str(p))[name] for p in paths}


def hidden(name, fn, seed):
    """Passed?, and the largest error of the answers against the test's own references."""
    test = runpy.run_path(str(INSTRUCTOR / "tests" / f"{name}.py"))
    inputs, private = test["inputs"](np.random.default_rng(seed))
    results = test["drive"](fn, inputs, GRADING)
    if name == "forget_bias_for":
        error = max(abs(g - w) / (1 + abs(w)) for g, w in zip(results["biases"], private["want"]))
    else:
        error = max(float(np.abs(g - private["want"][i]).max()) for i, g in zip(inputs["order"], results["answers"]))
    try:
        test["judge"](inputs, private, results)
    except AssertionError:
        return False, error
    return True, error


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=200)
    parser.add_argument("--batches", type=int, default=100_000,
                        help="seeded batches per generator for the count of dropped batches (full report only)")
    parser.add_argument("--answers", nargs="+", metavar="ANSWER",
                        help="only these answers (solution, numpy_float32, torch_float32, keras_float32)")
    args = parser.parse_args()
    if args.draws < 1 or args.batches < 1:
        parser.error("--draws and --batches must be at least 1")
    known = set(answers(NAMES[0]))
    if args.answers and not set(args.answers) <= known:
        parser.error(f"--answers: choose from {', '.join(sorted(known))}")
    lines = [f"# Notebook 03's exercises: {args.draws} seeded draws of each self-check and hidden test", "",
             provenance("numpy", "torch", "keras", "jax", "tensorflow"),
             f"Keras answers on the {__import__('keras').backend.backend()} backend (KERAS_BACKEND).", "",
             "| exercise | answer | self-check passed | hidden test passed | largest error | tolerance |",
             "|---|---|---|---|---|---|"]
    original_rng = notebook03._rng
    for name in NAMES:
        for label, fn in answers(name).items():
            if args.answers and label not in args.answers:
                continue
            checked = tested = 0
            worst = 0.0
            for seed in range(args.draws):
                notebook03._rng = lambda seed=seed: np.random.default_rng(10**6 + seed)
                with contextlib.redirect_stdout(io.StringIO()):
                    checked += getattr(checks, name)(fn)
                notebook03._rng = original_rng
                passed, error = hidden(name, fn, seed)
                tested += passed
                worst = max(worst, error)
            lines.append(f"| {name} | {label} | {checked}/{args.draws} | {tested}/{args.draws} | {worst:.1e} | "
                         f"{EXERCISE_TOLERANCE[name]:g} |")
            print(lines[-1], flush=True)
    if args.answers:
        backend = __import__("keras").backend.backend()
        write_report(f"ex03_tolerance_{'_'.join(sorted(args.answers))}_{backend}", lines)
        return
    dropped = dropped_batches(args.batches)
    lines += ["", f"Batches first_bit_readout's generators drew and dropped because some scored example stayed a near "
              f"tie after 100 rounds of redrawing (the two class means nearly coincide at a step), out of "
              f"{args.batches:,} seeded batches each: self-check {dropped['self-check']}, hidden test "
              f"{dropped['hidden test']}. A dropped batch is replaced by a new one, so neither fails."]
    print(lines[-1])
    write_report("ex03_tolerance", lines)


def dropped_batches(count):
    """How many of ``count`` seeded batches each first_bit_readout generator gives up on (returns None for)."""
    spec = importlib.util.spec_from_file_location("hidden_first_bit_readout", INSTRUCTOR / "tests" / "first_bit_readout.py")
    test = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(test)
    return {"self-check": sum(notebook03._readout_batch_once(np.random.default_rng(10**7 + s)) is None
                              for s in range(count)),
            "hidden test": sum(test._batch_once(np.random.default_rng(s)) is None for s in range(count))}


if __name__ == "__main__":
    main()
