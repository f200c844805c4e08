"""Hidden tests of shortest_failing_length(lengths, seed=0): random seeds and lists, checked against training runs.

The function must train (torch optimiser steps or rnnlab.train), and its answer must agree with the simple RNN's
runs (10 epochs of the rnnlab recipe, torch) for that seed. The last list is in descending order and its seed is
chosen so that two of its long lengths fail: an answer taken in list order, without sorting, is wrong. About 30 s."""
import numpy as np
import rnnlab.checks
from rnnlab.experiments import run_experiment

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


def grade(fn):
    assert callable(fn), "shortest_failing_length is not a function"
    rng = np.random.default_rng()
    descending = sorted(rng.choice(np.arange(50, 151, 10), size=3, replace=False).tolist(), reverse=True) + [8]
    lists = [rng.choice(np.arange(22, 50), size=5, replace=False).tolist(), [int(rng.integers(5, 10))], descending]
    for lengths in lists:   # the descending list last: its seed costs training runs to find
        seed = _seed_failing_twice(lengths[:3], rng) if lengths is descending else int(rng.integers(1000, 100000))
        with rnnlab.checks.training_steps() as steps:
            try:
                got = fn([int(T) for T in lengths], seed=seed)
            except BaseException as exc:  # noqa: BLE001 - any failure of the student's code scores 0
                raise AssertionError(f"shortest_failing_length raised {type(exc).__name__}: {exc}") from None
        assert steps[0] > 0, "shortest_failing_length answers without training"
        assert got is None or (isinstance(got, (int, np.integer)) and not isinstance(got, bool)), \
            f"shortest_failing_length returned {type(got).__name__}, not an int or None"
        assert got == _expected(lengths, seed), f"shortest_failing_length is wrong for {lengths} with seed {seed}"
