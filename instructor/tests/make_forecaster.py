"""Hidden tests of make_forecaster(X, y, seed=0): a fresh rule for the steps on every call; the forecaster must
train (take optimiser steps while make_forecaster runs; with torch, its forecasts must change when the trained
parameters are scrambled) and be within the shared tolerance of each run's step size
(RMS of its differences; rnnlab.settings.EXERCISE_TOLERANCE, the self-check's) inside the training range, far
from it, on runs with steps up to ten times larger and on runs with steps thousands of times smaller than in
training (where section 3's step model, which does not scale by the step, is off by far more; the margins are
measured by benchmarks/forecaster_check.py).

inputs() draws the rule, the training runs and the test runs in the grading process, which keeps the truths;
drive() trains and forecasts in the fresh process that holds the submission; judge() compares. About 10 s."""
import numpy as np
from rnnlab.settings import EXERCISE_TOLERANCE

NAME = "make_forecaster"
WHERE = (("inside the training range", (0, 100, 0.5, 3)), ("far below it", (-30000, -2000, 0.5, 3)),
         ("with steps 3-10 times larger", (-3000, 3000, 1.5, 10)),
         ("with steps up to 10 times larger", (200, 900, 5, 30)),
         ("with steps thousands of times smaller", (0, 0.01, 0.00001, 0.0001)))


def _runs(n, a, b, rng, start_low, start_high, step_low, step_high):
    steps = [rng.choice([-1.0, 1.0], n) * rng.uniform(step_low, step_high, n) for _ in range(2)]
    steps += [a * steps[1] + b * steps[0]]
    steps += [a * steps[2] + b * steps[1]]
    X = np.cumsum(np.stack([rng.uniform(start_low, start_high, n), *steps[:3]], axis=1), axis=1)
    return X[:, :, None], X[:, -1] + steps[3]


def inputs(rng):
    a, b = rng.uniform(0.2, 0.8), rng.uniform(-0.4, 0.0)   # b > 0 near a(1 - a) would let 'repeat the last step' pass
    X, y = _runs(3000, a, b, rng, 0, 100, 0.5, 3)
    tests = [_runs(100, a, b, rng, *where) for _, where in WHERE]
    public = {"X": X.astype(np.float32), "y": y[:, None].astype(np.float32), "seed": int(rng.integers(1000)),
              "runs": [runs for runs, _ in tests]}
    return public, {"truths": [truth for _, truth in tests]}


def drive(fn, inputs, grading):
    with grading.training_steps() as steps, grading.trained_torch_parameters() as parameters:
        forecast = grading.call("make_forecaster", fn, inputs["X"].copy(), inputs["y"].copy(), seed=inputs["seed"])
    trained = int(steps[0])
    if not callable(forecast):
        raise grading.Refused("make_forecaster does not return a function")
    forecasts = [grading.float_array(grading.call("the forecaster", forecast, runs.copy()), "a forecast").reshape(-1)
                 for runs in inputs["runs"]]
    scrambled = None
    if parameters:   # the forecasts must come from what was trained: scrambling it must change them
        grading.scramble(parameters)
        scrambled = grading.float_array(grading.call("the forecaster", forecast, inputs["runs"][0].copy()),
                                        "a forecast").reshape(-1)
    return {"steps": trained, "forecasts": forecasts, "scrambled": scrambled}


def judge(inputs, private, results):
    assert type(results["steps"]) is int and results["steps"] > 0, f"{NAME} does not train a network"
    tolerance = EXERCISE_TOLERANCE[NAME]
    if results["scrambled"] is not None:   # torch parameters were trained: the forecasts must depend on them
        runs, got = inputs["runs"][0], results["forecasts"][0]
        size = np.sqrt((np.diff(runs[:, :, 0].astype(np.float64), axis=1) ** 2).mean(axis=1))
        assert results["scrambled"].shape == got.shape and \
            (np.abs(results["scrambled"] - got) > tolerance * size).mean() > 0.5, \
            f"the forecasts of {NAME} do not depend on the network it trains"
    for (label, _), runs, truth, got in zip(WHERE, inputs["runs"], private["truths"], results["forecasts"]):
        assert got.shape == truth.shape, f"the forecaster returned {got.size} numbers for {len(runs)} runs"
        size = np.sqrt((np.diff(runs[:, :, 0].astype(np.float64), axis=1) ** 2).mean(axis=1))
        assert (np.abs(got - truth) <= tolerance * size).all(), \
            f"the forecaster is off by more than {tolerance:.0%} of the step {label}"
