"""Hidden tests of forget_bias_for(steps, keep=0.5): fresh step counts and fractions on every call; the bias must be
a number (a Python or numpy float or int, not an array or a subclass of its own) within the shared tolerance
(rnnlab.settings.EXERCISE_TOLERANCE, the self-check's) of the bias b with sigmoid(b) ** steps == keep, which a
correct float32 answer in numpy, torch or Keras meets; steps 0, -1 or 1.5 and keep 0, 1, -0.5 or 2 must raise
ValueError or TypeError with a message naming the argument.

inputs() draws the cases and computes the biases in the grading process (float64, through expm1, exact to rounding
at any step count); drive() calls the function in the fresh process that holds the submission; judge() compares."""
import math

from rnnlab.settings import EXERCISE_TOLERANCE

NAME = "forget_bias_for"
BAD = [({"steps": 0}, "steps"), ({"steps": -1}, "steps"), ({"steps": 1.5}, "steps"),
       ({"steps": 20, "keep": 0.0}, "keep"), ({"steps": 20, "keep": 1.0}, "keep"),
       ({"steps": 20, "keep": -0.5}, "keep"), ({"steps": 20, "keep": 2.0}, "keep")]


def inputs(rng):
    calls = [(1, None), (2, None), (int(rng.integers(3, 10)), None), (1, float(rng.uniform(0.05, 0.95)))]
    calls += [(int(rng.integers(1, 1001)), None) for _ in range(4)]
    calls += [(int(rng.integers(1, 1001)), float(rng.uniform(0.05, 0.95))) for _ in range(12)]
    calls = [calls[int(i)] for i in rng.permutation(len(calls))]
    want = [-math.log(math.expm1(-math.log(0.5 if keep is None else keep) / steps)) for steps, keep in calls]
    return {"calls": calls, "bad": BAD}, {"want": want}


def drive(fn, inputs, grading):
    biases = []
    for steps, keep in inputs["calls"]:
        got = grading.call("forget_bias_for", fn, steps) if keep is None else \
            grading.call("forget_bias_for", fn, steps, keep=keep)
        if type(got).__module__ == "numpy" and getattr(got, "shape", None) == () and got.dtype.kind == "f":
            got = got.item()
        biases.append(grading.exact_float(got, "forget_bias_for's bias"))
    refusals = []   # per bad call: 'named', 'unnamed', 'other' (another exception) or 'returned'
    for kwargs, argument in inputs["bad"]:
        try:
            fn(**kwargs)
            refusals.append("returned")
        except (ValueError, TypeError) as exc:
            message = " ".join(part for part in exc.args if type(part) is str)
            refusals.append("named" if argument in message else "unnamed")
        except BaseException:  # noqa: BLE001 - any other failure is recorded as such
            refusals.append("other")
    return {"biases": biases, "refusals": refusals}


def judge(inputs, private, results):
    tolerance = EXERCISE_TOLERANCE[NAME]
    biases, refusals = results["biases"], results["refusals"]
    assert len(biases) == len(private["want"]) and len(refusals) == len(inputs["bad"]), f"{NAME} gave no answer"
    for (steps, keep), got, want in zip(inputs["calls"], biases, private["want"]):
        assert type(got) is float and math.isfinite(got), f"{NAME} did not return a finite number"
        assert abs(got - want) <= tolerance * (1 + abs(want)), \
            f"{NAME} is wrong for steps={steps}" + ("" if keep is None else f", keep={keep:.3f}")
    for (kwargs, argument), refusal in zip(inputs["bad"], refusals):
        bad = ", ".join(f"{k}={v}" for k, v in kwargs.items())
        assert refusal != "returned", f"{NAME} accepts {bad}"
        assert refusal != "other", f"{NAME} raises something other than ValueError or TypeError for {bad}"
        assert refusal == "named", f"{NAME}'s error for {bad} does not name {argument}"
