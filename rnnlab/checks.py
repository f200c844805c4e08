"""Self-checks for the notebooks' coding exercises: pass your function, get a friendly pass or fail.

Each check runs the function you wrote on fresh inputs, compares its behaviour with the library's reference
(shapes, values against :mod:`rnnlab.reference`, a trained model's accuracy), prints one line, and returns
``True`` or ``False``::

    from rnnlab import checks
    passed = checks.relu_rnn_step(relu_rnn_step)     # ✅ Well done: ...   or   ❌ Not yet: <a hint>

A check never prints the expected values, only what to look at. If your function raises (for example the
stub's ``NotImplementedError``), the check reports it as a hint instead of raising. Checks exist for:

- ``relu_rnn_step(fn)``: notebook 01, one step of a ReLU RNN;
- ``gru_step_cho(fn)``: notebook 02, one step of the Cho et al. (2014) GRU (reset before ``U_n``);
- ``optimizer_steps(fn)``: notebook 03, the optimiser steps of a training recipe;
- ``shortest_failing_length(fn)``: notebook 03, where the simple RNN stops learning the first-token task;
- ``make_forecaster(fn)``: notebook 04, a next-number model that extrapolates far outside its training range.

``check(name, fn)`` runs one by name; ``CHECKS`` maps each name to what it verifies.
"""
from __future__ import annotations

import functools
import math

import numpy as np

__all__ = ["CHECKS", "check", "gru_step_cho", "make_forecaster", "optimizer_steps", "relu_rnn_step",
           "shortest_failing_length"]

PASS, FAIL = "✅ Well done:", "❌ Not yet:"

CHECKS = {
    "relu_rnn_step": "runs your step over a random batch of sequences (new weights, 3 inputs, 5 hidden units) "
                     "and compares every hidden state with rnnlab.reference.rnn_forward on ReLU weights",
    "gru_step_cho": "runs your step over a random batch of sequences (new weights, 3 inputs, 5 hidden units) and "
                    "compares every hidden state with rnnlab.reference.gru_forward on reset_after=False weights",
    "optimizer_steps": "compares your count with the true one for the four recipes of rnnlab.recipes and for "
                       "made-up recipes whose training set does not split evenly into batches, with and without "
                       "an `epochs` override",
    "shortest_failing_length": "calls your function on two short lists of lengths (seed 0, about 10 s of "
                               "training) and compares with the same training runs done by the check",
    "make_forecaster": "trains your forecaster on fresh runs of length 4 (steps -3..3, starts 0-99; about 10 s) "
                       "and asks it for the next number of runs far outside the training range: every forecast "
                       "must be within 0.05",
}


class _NotYet(Exception):
    """Raised inside a check to stop it with a hint."""


def _say(passed, message):
    print(f"{PASS if passed else FAIL} {message}")
    return passed


def _run_check(name, body):
    """Run ``body()`` (which returns the success message or raises _NotYet with a hint); print one line."""
    try:
        return _say(True, body())
    except _NotYet as exc:
        return _say(False, str(exc))


def _first_line(text, limit=160):
    line = str(text).strip().splitlines()[0] if str(text).strip() else ""
    return line if len(line) <= limit else line[:limit - 1] + "…"


def _call(fn, name, *args, **kwargs):
    """Call the student's function; turn any exception into a hint."""
    try:
        return fn(*args, **kwargs)
    except NotImplementedError as exc:
        hint = _first_line(exc)
        raise _NotYet(f"{name} is not implemented yet: replace the `raise NotImplementedError` line with your code"
                      + (f" ({hint})" if hint else "") + ".") from None
    except Exception as exc:  # the student's bug becomes a hint, never a traceback in the check
        detail = _first_line(exc)
        raise _NotYet(f"{name} raised {type(exc).__name__}" + (f": {detail}" if detail else "")
                      + ". Read the message, fix the function and run the check again.") from None


def _check_callable(fn, parameter="fn"):
    if not callable(fn):
        raise TypeError(f"{parameter} must be the function you wrote (a callable), got {type(fn).__name__} {fn!r:.60}")


def _as_array(value, name, what):
    if value is None:
        raise _NotYet(f"{name} returned None: did you forget the `return`?")
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise _NotYet(f"{name} should return {what}, got {type(value).__name__}.") from None
    return arr


def check(name, fn):
    """Run the check called ``name`` (a key of :data:`CHECKS`) on ``fn``; print one line, return True or False."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, one of {sorted(CHECKS)}, got {type(name).__name__} {name!r}")
    if name not in CHECKS:
        raise ValueError(f"name must be one of {sorted(CHECKS)}, got {name!r}")
    return globals()[name](fn)


# ------------------------------------------------------------------------------------------------ notebook 01

def _step_through(fn, name, x, h0, args):
    """Apply a step function over the time axis of x (batch, time, input); return (batch, time, hidden)."""
    h, states = h0, []
    for t in range(x.shape[1]):
        out = _call(fn, name, x[:, t].copy(), h.copy(), *args)
        out = _as_array(out, name, "an array of hidden states, one row per sequence")
        if out.shape != h0.shape:
            raise _NotYet(f"{name} returned shape {out.shape}; it should return h_t with one row per sequence in "
                          f"the batch and one column per hidden unit, the same shape as its h argument.")
        if not np.all(np.isfinite(out)):
            raise _NotYet(f"{name} returned NaN or infinite values.")
        h = out
        states.append(h)
    return np.stack(states, axis=1)


def _close(a, b, tol=1e-5):
    return a.shape == b.shape and float(np.abs(a - b).max()) < tol


def relu_rnn_step(fn):
    """Check ``fn(x_t, h_prev, W, U, b) -> h_t``, one step of a ReLU RNN on a batch (notebook 01)."""
    _check_callable(fn)

    def body():
        from .reference import rnn_forward
        from .weights import CellWeights, random_weights

        name = "relu_rnn_step"
        w = random_weights("rnn", 3, 5, activation="relu", scale=0.8, seed=2024)
        W, U, b = (w.arrays[k].astype(np.float64) for k in ("W", "U", "b"))
        x = np.random.default_rng(2024).normal(size=(4, 6, 3))
        H = _step_through(fn, name, x, np.zeros((4, 5)), (W, U, b))
        expected = rnn_forward(x, w)
        if _close(H, expected):
            return f"{name} matches the reference ReLU RNN on a random batch (4 sequences, 6 steps, 5 units)."
        if (H < 0).any():
            raise _NotYet(f"{name} returns negative values, but a ReLU never does: apply max(0, ·) to the whole "
                          "pre-activation W x_t + U h_prev + b.")
        if _close(H, rnn_forward(x, CellWeights("rnn", "relu", {"W": w.arrays["W"], "U": w.arrays["U"].T.copy(),
                                                                  "b": w.arrays["b"]}))):
            raise _NotYet(f"{name} uses U the wrong way round: with h_prev as rows (batch, hidden), the "
                          "recurrent term is h_prev @ U.T, like the input term x_t @ W.T.")
        if _close(H, rnn_forward(x, CellWeights("rnn", "relu", {"W": w.arrays["W"], "U": w.arrays["U"],
                                                                  "b": np.zeros_like(w.arrays["b"])}))):
            raise _NotYet(f"{name} seems to leave out the bias b.")
        if _close(H, np.maximum(rnn_forward(x, CellWeights("rnn", "tanh", w.arrays)), 0)):
            raise _NotYet(f"{name} looks like max(0, tanh(·)) of the tanh RNN: use the ReLU alone.")
        raise _NotYet(f"{name} returns the right shapes but different values from rnnlab.reference.rnn_forward. "
                      "Compare your line with h_t = max(0, W x_t + U h_prev + b) for row vectors.")

    return _run_check("relu_rnn_step", body)


# ------------------------------------------------------------------------------------------------ notebook 02

def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def _gru_variant(x, w, *, reset_after=False, swap_z=False):
    """Hidden states of a GRU written with a common mistake (for hints only)."""
    h, out = np.zeros((x.shape[0], w["U_r"].shape[0])), []
    for t in range(x.shape[1]):
        x_t = x[:, t]
        r = _sigmoid(x_t @ w["W_r"].T + h @ w["U_r"].T + w["b_r"])
        z = _sigmoid(x_t @ w["W_z"].T + h @ w["U_z"].T + w["b_z"])
        if reset_after:
            n = np.tanh(x_t @ w["W_n"].T + w["b_n"] + r * (h @ w["U_n"].T))
        else:
            n = np.tanh(x_t @ w["W_n"].T + (r * h) @ w["U_n"].T + w["b_n"])
        h = z * n + (1 - z) * h if swap_z else (1 - z) * n + z * h
        out.append(h)
    return np.stack(out, axis=1)


def gru_step_cho(fn):
    """Check ``fn(x_t, h, w) -> h_t``, one step of the Cho et al. (2014) GRU (notebook 02).

    ``w`` is a dict of float64 arrays named as ``rnnlab.weights.array_names('gru', reset_after=False)``.
    """
    _check_callable(fn)

    def body():
        from .reference import gru_forward
        from .weights import random_weights

        name = "gru_step_cho"
        weights = random_weights("gru", 3, 5, reset_after=False, scale=0.9, seed=2025)
        w = {k: a.astype(np.float64) for k, a in weights.arrays.items()}
        x = np.random.default_rng(2025).normal(size=(4, 6, 3))
        H = _step_through(fn, name, x, np.zeros((4, 5)), ({k: a.copy() for k, a in w.items()},))
        if _close(H, gru_forward(x, weights)):
            return (f"{name} matches rnnlab.reference.gru_forward(reset_after=False) on a random batch "
                    "(4 sequences, 6 steps, 5 units).")
        if _close(H, _gru_variant(x, w, reset_after=True)):
            raise _NotYet(f"{name} applies the reset gate after U_n (the torch form). In Cho et al. the reset "
                          "gate scales h before the matrix: U_n (r * h).")
        if _close(H, _gru_variant(x, w, swap_z=True)):
            raise _NotYet(f"{name} swaps the roles of z and 1 - z: here z is the share of the *old* state h "
                          "that is kept.")
        raise _NotYet(f"{name} returns the right shapes but different values from rnnlab.reference.gru_forward. "
                      "Check each gate against the equations: r and z use the sigmoid, n uses tanh.")

    return _run_check("gru_step_cho", body)


# ------------------------------------------------------------------------------------------------ notebook 03

def optimizer_steps(fn):
    """Check ``fn(recipe, epochs=None) -> int``, the total optimiser steps of a recipe (notebook 03)."""
    _check_callable(fn)

    def body():
        from .recipes import LONG_DEPENDENCY, NEXT_NUMBER

        name = "optimizer_steps"
        made_up = LONG_DEPENDENCY["rnnlab"].with_(name="made-up", n_train=1000, batch_size=64, epochs=7)
        cases = [(f"LONG_DEPENDENCY[{k!r}]", r, None) for k, r in LONG_DEPENDENCY.items()]
        cases += [(f"NEXT_NUMBER[{k!r}]", r, None) for k, r in NEXT_NUMBER.items()]
        cases += [("a made-up recipe", made_up, None), ("a made-up recipe", made_up, 3),
                  ("NEXT_NUMBER['original']", NEXT_NUMBER["original"], 1)]
        for label, recipe, epochs in cases:
            per_epoch = math.ceil(recipe.n_train / recipe.batch_size)
            total_epochs = recipe.epochs if epochs is None else epochs
            got = _call(fn, name, recipe) if epochs is None else _call(fn, name, recipe, epochs=epochs)
            if isinstance(got, bool) or not isinstance(got, (int, np.integer, float, np.floating)):
                raise _NotYet(f"{name} should return a whole number of steps, got {type(got).__name__}.")
            if got == per_epoch * total_epochs:
                continue
            which = label + ("" if epochs is None else " with an epochs override")
            if epochs is not None and got == per_epoch * recipe.epochs:
                raise _NotYet(f"{name} ignores its epochs argument: use it when it is given, recipe.epochs otherwise.")
            if got == (recipe.n_train // recipe.batch_size) * total_epochs:
                raise _NotYet(f"{name} is off for {which}: when n_train is not a multiple of batch_size, the last, "
                              "smaller batch is one more step (round up).")
            if got == per_epoch:
                raise _NotYet(f"{name} returns the steps of one epoch for {which}: count every epoch.")
            raise _NotYet(f"{name} gives a wrong count for {which}: one step per batch, every epoch.")
        return f"{name} counts the optimiser steps of {len(cases)} recipes correctly."

    return _run_check("optimizer_steps", body)


@functools.lru_cache(maxsize=None)
def _simple_rnn_solves(seq_len, seed):
    """Does the simple RNN reach 99% validation accuracy within 10 epochs of the rnnlab recipe? (cached)"""
    from .experiments import run_experiment

    result = run_experiment("long_dependency", cells="rnn", seeds=[seed], seq_len=seq_len, epochs=10, progress=False)
    return bool(result.rows[0]["solved"])


def _shortest_failing(lengths, seed):
    return next((T for T in sorted(lengths) if not _simple_rnn_solves(T, seed)), None)


SHORTEST_FAILING_CASES = ([50, 10], [10])   # unsorted on purpose; both cheap (a failing T=50 run takes seconds)


def shortest_failing_length(fn):
    """Check ``fn(lengths, seed=0)``: the shortest T in ``lengths`` at which the simple RNN does not reach 99%
    validation accuracy within 10 epochs of the rnnlab recipe, or None (notebook 03).

    The check calls ``fn`` on a few short lengths and runs the same training itself (cached), about 10 s.
    """
    _check_callable(fn)

    def body():
        name = "shortest_failing_length"
        for lengths in SHORTEST_FAILING_CASES:
            got = _call(fn, name, list(lengths), seed=0)
            if got is not None and (isinstance(got, bool) or not isinstance(got, (int, np.integer))):
                raise _NotYet(f"{name} should return one of the lengths (an int) or None, got {type(got).__name__}.")
            if got is not None and got not in lengths:
                raise _NotYet(f"{name} returned a length that is not in the list it was given.")
            expected = _shortest_failing(tuple(lengths), 0)
            if got == expected:
                continue
            if got is None:
                raise _NotYet(f"{name} returned None, but the simple RNN fails at one of the lengths: return the "
                              "shortest T whose run is not solved (row['solved'] is False).")
            if expected is None:
                raise _NotYet(f"{name} returned a length although the simple RNN solves every length in the list: "
                              "return None then.")
            if _simple_rnn_solves(int(got), 0):
                raise _NotYet(f"{name} returned a length at which the simple RNN succeeds: return a T whose run "
                              "is *not* solved, and train with epochs=10 and seed=seed.")
            raise _NotYet(f"{name} returned a failing length, but not the shortest: try the lengths in increasing "
                          "order (sorted(lengths)).")
        return f"{name} finds where the simple RNN stops learning (checked on {len(SHORTEST_FAILING_CASES)} lists)."

    return _run_check("shortest_failing_length", body)


# ------------------------------------------------------------------------------------------------ notebook 04

FORECASTER_STEPS = np.linspace(-3, 3, 13)   # the steps of the training runs, as in notebook 04


def forecaster_training_data(n_per_step=300, seq_len=4, seed=7):
    """Runs of length ``seq_len`` with starts in 0-99 and steps -3, -2.5, ..., 3: (X (n, T, 1), y (n, 1))."""
    from .data import next_number_task

    parts = [next_number_task(n_per_step, seq_len=seq_len, step=s, seed=seed + i)
             for i, s in enumerate(FORECASTER_STEPS)]
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _runs(starts_steps, seq_len=4):
    return np.array([[s + k * d for k in range(seq_len)] for s, d in starts_steps], dtype=np.float32)[:, :, None]


def make_forecaster(fn):
    """Check ``fn(X, y, seed=0) -> forecast``, where ``forecast(runs)`` maps runs (m, T, 1) to next numbers (m,)
    (notebook 04). Trained on runs of length 4 with starts in 0-99, every forecast must be within 0.05 on runs
    inside the training range and far outside it. About 10 s of training.
    """
    _check_callable(fn)

    def body():
        name = "make_forecaster"
        X, y = forecaster_training_data()
        forecast = _call(fn, name, X.copy(), y.copy(), seed=0)
        if not callable(forecast):
            raise _NotYet(f"{name} should return a function (e.g. a lambda) that maps runs to forecasts, "
                          f"got {type(forecast).__name__}.")
        inside = _runs([(20, 1.0), (60, -2.0), (35, 0.5)])
        outside = _runs([(2000, 1.5), (-800, -2.0), (5000, 3.0), (-40, 2.5), (123456, -1.0)])
        for label, runs in (("inside", inside), ("far outside", outside)):
            truth = runs[:, -1, 0].astype(np.float64) + (runs[:, -1, 0].astype(np.float64) - runs[:, -2, 0])
            got = _as_array(_call(forecast, "the forecaster returned by " + name, runs.copy()),
                            "the forecaster", "one number per run")
            got = got.reshape(-1) if got.size == len(runs) else got
            if got.shape != (len(runs),):
                raise _NotYet(f"the forecaster should return one number per run, shape (m,) for runs of shape "
                              f"(m, T, 1); it returned shape {got.shape}.")
            if not np.all(np.isfinite(got)):
                raise _NotYet("the forecaster returned NaN or infinite values.")
            worst = float(np.abs(got - truth).max())
            if worst >= 0.05:
                if label == "inside":
                    raise _NotYet("the forecaster is more than 0.05 off even on runs like the training runs: "
                                  "train longer or check the scaling.")
                raise _NotYet("the forecaster works inside the training range but is more than 0.05 off on "
                              "runs far outside it. Hint: do not show the network the numbers themselves; feed it "
                              "the differences np.diff(X, axis=1), train it on y - X[:, -1] and add the last input "
                              "back.")
        return f"{name} extrapolates: within 0.05 on runs thousands of units outside its training range."

    return _run_check("make_forecaster", body)
