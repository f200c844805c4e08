"""Hidden tests of shortest_failing_length(lengths, seed=0): random seeds and lists, checked against training runs.

The function must train (torch optimiser steps or rnnlab.train) and its answer, exactly an int or None, must agree
with the simple RNN's runs (10 epochs of the rnnlab recipe, torch) for that seed. The last list is in descending
order and its seed is chosen so that two of its long lengths fail: an answer taken in list order, without sorting,
is wrong.

inputs() draws the lists and seeds in the grading process; drive() calls the function in the fresh process that
holds the submission while reference() trains the reference runs in the grading process (where the submission
never runs); judge() compares. About 30 s."""
import numpy as np
from rnnlab.experiments import run_experiment

NAME = "shortest_failing_length"
_solved_cache = {}


def _solves(T, seed):
    if (T, seed) not in _solved_cache:
        result = run_experiment("long_dependency", cells="rnn", seeds=[seed], seq_len=T, epochs=10, progress=False)
        _solved_cache[T, seed] = bool(result.rows[0]["solved"])
    return _solved_cache[T, seed]


def _expected(lengths, seed):
    return next((T for T in sorted(lengths) if not _solves(T, seed)), None)


def _seed_failing_twice(lengths, rng, tries=20):
    # a seed at which at least two of the (descending) lengths fail: an answer taken in list order is then wrong
    for _ in range(tries):
        seed = int(rng.integers(1000, 100000))
        if sum(not _solves(T, seed) for T in lengths) >= 2:
            return seed
    raise RuntimeError(f"no seed in {tries} at which the simple RNN fails at two of {lengths}")


def inputs(rng):
    descending = sorted(rng.choice(np.arange(50, 151, 10), size=3, replace=False).tolist(), reverse=True) + [8]
    lists = [[int(T) for T in rng.choice(np.arange(22, 50), size=5, replace=False)], [int(rng.integers(5, 10))],
             [int(T) for T in descending]]
    seeds = [int(rng.integers(1000, 100000)), int(rng.integers(1000, 100000)), _seed_failing_twice(lists[2][:3], rng)]
    return {"calls": list(zip(lists, seeds))}, {}


def reference(inputs, private):
    private["want"] = [_expected(lengths, seed) for lengths, seed in inputs["calls"]]


def drive(fn, inputs, grading):
    answers = []
    for lengths, seed in inputs["calls"]:
        with grading.training_steps() as steps:
            got = grading.call("shortest_failing_length", fn, list(lengths), seed=seed)
        answers.append({"steps": int(steps[0]), "answer": grading.int_or_none(got, "shortest_failing_length's answer")})
    return answers


def judge(inputs, private, results):
    assert len(results) == len(inputs["calls"]), f"{NAME} gave {len(results)} answers"
    for (lengths, seed), got, want in zip(inputs["calls"], results, private["want"]):
        assert type(got["steps"]) is int and got["steps"] > 0, f"{NAME} answers without training"
        answer = got["answer"]
        assert answer is None or type(answer) is int, f"{NAME} returned neither an int nor None"
        assert answer == want, f"{NAME} is wrong for {lengths} with seed {seed}"
