"""Replays notebook 03's two coding exercises, forget_bias_for and first_bit_readout, over seeded draws: the
self-check (rnnlab.checks, its generator replaced by a seeded one) and the hidden test (instructor/tests: inputs,
drive and judge, run here in one process with the grading child's conversions) on the solution and on the honest
float32 answers in numpy, torch and Keras (instructor/honest/, the backend of KERAS_BACKEND). Each must pass every
draw with the shared tolerances (rnnlab.settings.EXERCISE_TOLERANCE); the report also gives the largest error
seen, against each tolerance.

    python benchmarks/ex03_tolerance.py [--draws 200]

Writes benchmarks/results/ex03_tolerance.md.
"""
import argparse
import contextlib
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
    args = parser.parse_args()
    lines = [f"# Notebook 03's exercises: {args.draws} seeded draws of each self-check and hidden test", "",
             provenance("numpy", "torch", "keras", "jax", "tensorflow"),
             f"Keras answers on the {__import__('keras').backend.backend()} backend (KERAS_BACKEND).", "",
             "| exercise | answer | self-check passed | hidden test passed | largest error | tolerance |",
             "|---|---|---|---|---|---|"]
    original_rng = notebook03._rng
    for name in NAMES:
        for label, fn in answers(name).items():
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
    write_report("ex03_tolerance", lines)


if __name__ == "__main__":
    main()
