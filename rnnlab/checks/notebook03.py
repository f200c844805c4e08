"""The self-checks of notebook 03's coding exercises: ``forget_bias_for`` and ``first_bit_readout``."""
from __future__ import annotations

import math
import numbers

import numpy as np

from ..settings import EXERCISE_TOLERANCE
from .engine import _as_array, _call, _check_callable, _first_line, _NotYet, _rng, _run_check

_BIAS_TOLERANCE = EXERCISE_TOLERANCE["forget_bias_for"]        # the hidden tests' too
_READOUT_TOLERANCE = EXERCISE_TOLERANCE["first_bit_readout"]

CHECKS = {
    "forget_bias_for": (
        "calls your function at 1, 2 and 3 steps and at random step counts up to 1000, with the default keep and "
        "with random keep fractions between 0.05 and 0.95 (new ones on every call), and compares the bias with the "
        f"one at which a fraction keep of the cell state survives that many steps (to within {_BIAS_TOLERANCE:g} "
        "times one plus its size); the result must be a number, not an array; steps 0, -3 or 2.5 and keep 0, 1 or "
        "1.5 must raise ValueError or TypeError with a message that names the argument"),
    "first_bit_readout": (
        "calls your function on random batches of states (9 to 40 sequences, odd and even, 3 to 12 steps, 1 to 6 "
        "units, a first bit that fades over the steps; bits as ints or bools), drawn so that no example of the "
        "second half is near a tie, and on a small batch with exact ties; compares the accuracies with the "
        f"nearer-mean readout of the exercise (to within {_READOUT_TOLERANCE:g}); the result must have one "
        "accuracy per step, the inputs must not be changed, and a first half with only one bit value must raise "
        "ValueError naming bits"),
}

# hint(name) before any failure: about the exercise as a whole.
GENERAL = {
    "forget_bias_for": ("With the input gate closed the cell state is multiplied by the forget gate at every step. "
                        "Which gate value per step leaves the fraction keep after all the steps, and which bias "
                        "gives that gate value through the sigmoid?"),
    "first_bit_readout": ("For every step separately: learn one mean state per bit value from the first half of "
                          "the batch, then score how often the nearer mean names the right bit on the second half."),
}

HINTS = {
    "bias_not_number": ("{name} should return the bias as one number (a float), got {detail}.",
                        "Convert the result to a plain float before returning it."),
    "bias_no_power": ("{name} returns the bias that keeps the fraction keep after one step, whatever the steps.",
                      "The gate acts once per step: the fraction that survives all the steps is the gate value "
                      "multiplied by itself steps times."),
    "bias_log": ("{name} returns the logarithm of the gate value, not the bias that produces it.",
                 "The gate is the sigmoid of the bias: you need the inverse of the sigmoid, not of the exponential."),
    "bias_keep_ignored": ("{name} ignores its keep argument.",
                          "keep is the fraction of the cell state that should survive; 0.5 is only its default."),
    "bias_wrong": ("{name} gives a wrong bias for {detail}.",
                   "Check your formula by hand at one step: the sigmoid of your bias should be exactly keep."),
    "not_validated": ("{name} accepts {detail}; it should raise ValueError or TypeError.",
                      "steps must be a positive whole number and keep a fraction strictly between 0 and 1: test "
                      "the arguments first and raise with a message that names the one that is wrong."),
    "error_unnamed": ("{name} raises for {detail}, but its message does not name the argument.",
                      "Write the argument's name in the message, so that the caller knows which one to fix."),
    "wrong_error": ("{name} raises {detail} for a bad argument; raise ValueError or TypeError.",
                    "A wrong value is a ValueError, a wrong type a TypeError."),
    "readout_shape": ("{name} should return one accuracy per step, shape {detail}.",
                      "The result has one entry per time step (axis 1 of states): average over the examples of "
                      "the second half, not over the steps."),
    "readout_axes": ("{name} returns one value per sequence: are the batch and time axes swapped?",
                     "states is (batch, time, hidden): the examples are on axis 0, the steps on axis 1."),
    "readout_whole_batch_means": ("{name} takes the class means over the whole batch.",
                                  "Only the first half of the batch (rows 0 to batch // 2 - 1) may be used for the "
                                  "means; the second half is held out to measure the accuracy."),
    "readout_fit_half_scored": ("{name} measures the accuracy on the half the means were computed from.",
                                "Score the second half of the batch (rows batch // 2 onwards): a readout looks "
                                "better on the examples it was fitted on."),
    "readout_whole_batch_scored": ("{name} measures the accuracy on the whole batch, not on its second half.",
                                   "The rows the means came from must not be scored."),
    "readout_halves": ("{name} splits the batch in another place than batch // 2.",
                       "With an odd batch the first half is the smaller one: rows 0 to batch // 2 - 1."),
    "readout_ties": ("{name} breaks an exact tie towards bit 1.",
                     "When an example is exactly as far from both means the exercise says: bit 0."),
    "readout_values": ("{name} gives accuracies that differ from the nearer-mean readout.",
                       "Take one step of a small batch and work it by hand: the two means, the distance of each "
                       "second-half example to each, the bit it is given, and the share that are right."),
    "readout_inputs": ("{name} changes the arrays it is given.", "Compute on new arrays; do not write into states."),
    "readout_one_class": ("{name} does not raise ValueError when the first half holds only one bit value.",
                          "With only one bit value there is no second mean to compare with: raise ValueError with "
                          "a message naming bits."),
}


# ------------------------------------------------------------------------------------------- forget_bias_for

def _gate_bias(steps, keep):
    """The bias b with sigmoid(b) ** steps == keep, written with the per-step log-fraction a = log(keep) / steps."""
    a = math.log(keep) / steps
    return a - math.log(-math.expm1(a))


def _bias_close(got, want):
    return abs(got - want) <= _BIAS_TOLERANCE * (1.0 + abs(want))


def _bias_mistake(got, steps, keep, keep_given):
    """The hint key for a wrong bias."""
    if steps > 1 and _bias_close(got, _gate_bias(1, keep)):
        return "bias_no_power"
    if _bias_close(got, math.log(keep) / steps):
        return "bias_log"
    if keep_given and keep != 0.5 and _bias_close(got, _gate_bias(steps, 0.5)):
        return "bias_keep_ignored"
    return "bias_wrong"


def _expect_refusal(fn, name, label, argument, **kwargs):
    """``fn(**kwargs)`` must raise ValueError or TypeError naming ``argument``."""
    try:
        fn(**kwargs)
    except NotImplementedError as exc:
        raise _NotYet("not_implemented", _first_line(exc)) from None
    except (ValueError, TypeError) as exc:
        if argument not in str(exc):
            raise _NotYet("error_unnamed", label) from None
        return
    except Exception as exc:  # the student's bug becomes a hint
        raise _NotYet("wrong_error", type(exc).__name__) from None
    raise _NotYet("not_validated", label)


def forget_bias_for(fn):
    """Check ``fn(steps, keep=0.5) -> float``: the forget-gate bias at which a fraction ``keep`` of an LSTM's cell
    state survives ``steps`` steps with the input gate closed (notebook 03)."""
    _check_callable(fn)
    name = "forget_bias_for"

    def body():
        rng = _rng()
        cases = [(steps, None) for steps in (1, 2, 3)]
        cases += [(int(rng.integers(4, 1001)), None) for _ in range(3)]
        cases += [(int(rng.integers(1, 1001)), float(rng.uniform(0.05, 0.95))) for _ in range(8)]
        cases += [(int(rng.integers(1, 4)), float(rng.uniform(0.05, 0.95)))]
        for i in rng.permutation(len(cases)):
            steps, keep = cases[int(i)]
            got = _call(fn, name, steps) if keep is None else _call(fn, name, steps, keep=keep)
            if isinstance(got, np.ndarray) and got.shape == () and got.dtype.kind == "f":
                got = got.item()
            if isinstance(got, (bool, np.bool_)) or not isinstance(got, (numbers.Real, np.floating)):
                raise _NotYet("bias_not_number", f"{type(got).__name__}")
            got = float(got)
            if not math.isfinite(got):
                raise _NotYet("not_finite")
            if not _bias_close(got, _gate_bias(steps, 0.5 if keep is None else keep)):
                raise _NotYet(_bias_mistake(got, steps, 0.5 if keep is None else keep, keep is not None),
                              f"steps={steps}" + ("" if keep is None else " and a keep other than 0.5"))
        for label, argument, kwargs in (("steps=0", "steps", {"steps": 0}), ("steps=-3", "steps", {"steps": -3}),
                                        ("steps=2.5", "steps", {"steps": 2.5}),
                                        ("keep=0", "keep", {"steps": 10, "keep": 0.0}),
                                        ("keep=1", "keep", {"steps": 10, "keep": 1.0}),
                                        ("keep=1.5", "keep", {"steps": 10, "keep": 1.5})):
            _expect_refusal(fn, name, label, argument, **kwargs)
        return (f"{name} gives the forget-gate bias for {len(cases)} step counts and fractions (new ones each call) "
                "and refuses bad arguments.")

    return _run_check(name, body, HINTS)


# ----------------------------------------------------------------------------------------- first_bit_readout

def _bits01(bits):
    """Bits given as ints or bools, as int64 zeros and ones."""
    return (np.asarray(bits) != 0).astype(np.int64)


def _nearer_mean_accuracy(states, bits, fit, tie=0):
    """Accuracy per step on rows ``fit:`` of the readout whose means come from rows ``:fit``; written through the
    sign of (x - midpoint) . (m1 - m0), which is the comparison of the two distances. An exact tie goes to bit
    ``tie`` (the exercise says 0; 1 is the mistake the check names)."""
    accuracies = np.empty(states.shape[1])
    for t in range(states.shape[1]):
        fitted, held = states[:fit, t], states[fit:, t]
        m0, m1 = fitted[bits[:fit] == 0].mean(axis=0), fitted[bits[:fit] == 1].mean(axis=0)
        side = (held - (m0 + m1) / 2) @ (m1 - m0)
        says_one = side >= 0 if tie else side > 0
        accuracies[t] = np.mean(says_one == (bits[fit:] == 1))
    return accuracies


def _nearer_mean_labels(states, fit_rows, fit_bits, rows):
    """Per step, the bit of the nearer mean (means from ``fit_rows``) for the examples ``rows``: (len(rows), T)."""
    m0 = states[fit_rows][fit_bits == 0].mean(axis=0)
    m1 = states[fit_rows][fit_bits == 1].mean(axis=0)
    x = states[rows]
    return (((x - m1) ** 2).sum(-1) < ((x - m0) ** 2).sum(-1)).astype(int)


def _readout_batch(rng):
    """States with a first bit that fades over the steps, and bits with both values in the first half; every
    second-half example is redrawn until its two squared distances differ by more than a thousandth of their sum.
    A batch whose two class means (nearly) coincide at some step cannot be cleared that way (almost every example
    is then a near tie): it is dropped and a new batch drawn."""
    for _ in range(100):
        batch = _readout_batch_once(rng)
        if batch is not None:
            return batch
    raise RuntimeError("could not draw a batch without near ties")


def _readout_batch_once(rng):
    """One try of :func:`_readout_batch`: the batch, or None when its near ties persist."""
    while True:
        B, T = int(rng.integers(9, 41)), int(rng.integers(3, 13))
        if B != T and B - B // 2 != T:
            break
    H = int(rng.integers(1, 7))
    half = B // 2
    bits = rng.integers(2, size=B)
    bits[int(rng.integers(half))], bits[half - 1 - int(rng.integers(half - 1))] = 0, 1
    if bits[:half].min() == bits[:half].max():
        bits[0], bits[1] = 0, 1
    strength = 3.0 * 0.5 ** np.arange(T) * rng.uniform(0.5, 1.5, size=T)
    direction = rng.normal(size=(T, H))
    direction /= np.linalg.norm(direction, axis=1, keepdims=True)
    offset = rng.normal(size=(T, H))

    def draw(rows):
        sign = (2 * bits[rows] - 1)[:, None, None]
        return offset + sign * strength[:, None] * direction + rng.normal(size=(len(rows), T, H))

    states = _clear_near_ties(draw(np.arange(B)), bits, draw)
    if states is None:
        return None
    return states, (bits.astype(bool) if rng.random() < 0.3 else bits)


def _clear_near_ties(states, bits, draw, rounds=100):
    """Redraw (with ``draw(rows)``) every second-half example and step whose two squared distances to the class
    means of the first half differ by a thousandth of their sum or less; None when some remain after ``rounds``."""
    half = len(states) // 2
    m0 = states[:half][bits[:half] == 0].mean(axis=0)
    m1 = states[:half][bits[:half] == 1].mean(axis=0)
    for _ in range(rounds):
        d0, d1 = ((states[half:] - m0) ** 2).sum(-1), ((states[half:] - m1) ** 2).sum(-1)
        near = np.abs(d0 - d1) <= 1e-3 * (d0 + d1)
        if not near.any():
            return states
        rows, steps = np.nonzero(near)
        states[half + rows, steps] = draw(half + rows)[np.arange(len(rows)), steps]
    return None


def _tie_batch(rng):
    """Small whole-number states where some second-half examples lie exactly between the two means at step 0."""
    a, b = rng.integers(-4, 5, size=3) * 2, rng.integers(-4, 5, size=3) * 2
    b[0] = a[0] + 4
    fit_bits = np.array([0, 1, 0, 1])
    held_bits = np.array([0, 1, 1, 1, 0])
    states = np.zeros((9, 2, 3))
    states[:4, 0] = np.where(fit_bits[:, None] == 1, b, a)
    states[4:, 0] = (a + b) / 2                           # all five held-out examples at the midpoint: a tie
    states[:4, 1] = np.where(fit_bits[:, None] == 1, b, a)
    states[4:, 1] = np.where(held_bits[:, None] == 1, b, a) + rng.integers(-1, 2, size=(5, 3))
    return states, np.concatenate([fit_bits, held_bits])


def _readout_mistake(answers, batches):
    """The hint key for accuracies that differ from the readout's: the first known mistake that reproduces the
    answers on every batch (one batch alone can fit several, e.g. an odd split and means over the whole batch)."""
    def mistakes(states, bits):
        B = len(states)
        half, b = B // 2, _bits01(bits)
        everything, first, second = np.arange(B), np.arange(half), np.arange(half, B)
        split = (B + 1) // 2                   # an odd batch cut with the larger half first (even: the right cut)
        yield "readout_ties", _nearer_mean_accuracy(states, b, half, tie=1)
        for key, fit_rows, rows in (("readout_whole_batch_means", everything, second),
                                    ("readout_fit_half_scored", first, first),
                                    ("readout_whole_batch_scored", first, everything),
                                    ("readout_halves", np.arange(split), np.arange(split, B))):
            labels = _nearer_mean_labels(states, fit_rows, b[fit_rows], rows)
            yield key, (labels == b[rows, None]).mean(axis=0)

    fits = None
    for got, (states, bits) in zip(answers, batches):
        here = {key for key, want in mistakes(states, bits) if np.allclose(got, want, atol=_READOUT_TOLERANCE, rtol=0)}
        fits = here if fits is None else fits & here
    order = [key for key, _ in mistakes(*batches[0])]
    return next((key for key in order if key in fits), "readout_values")


def first_bit_readout(fn):
    """Check ``fn(states, bits) -> accuracies (time,)``: per step, the accuracy on the second half of the batch of
    naming each example's first bit by the nearer of the two class-mean states of the first half (notebook 03)."""
    _check_callable(fn)
    name = "first_bit_readout"

    def run(states, bits):
        copies = states.copy(), bits.copy()
        got = _call(fn, name, states, bits)
        if not (np.array_equal(copies[0], states) and np.array_equal(copies[1], bits)):
            raise _NotYet("readout_inputs")
        got = _as_array(got, name, f"one accuracy per step, shape ({states.shape[1]},)")
        B, T = states.shape[:2]
        if got.shape in ((B,), (B - B // 2,)) and got.shape != (T,):
            raise _NotYet("readout_axes")
        if got.shape != (T,):
            raise _NotYet("readout_shape", f"({T},) for {T} steps, got {got.shape}")
        if not np.all(np.isfinite(got)):
            raise _NotYet("not_finite")
        return got

    def body():
        rng = _rng()
        batches = [_readout_batch(rng) for _ in range(12)]
        batches.insert(int(rng.integers(1, len(batches))), _tie_batch(rng))
        answers = [run(states, bits) for states, bits in batches]
        for got, (states, bits) in zip(answers, batches):
            want = _nearer_mean_accuracy(states, _bits01(bits), len(states) // 2)
            if not np.allclose(got, want, atol=_READOUT_TOLERANCE, rtol=0):
                raise _NotYet(_readout_mistake(answers, batches))
        states, bits = _readout_batch(rng)
        bits = _bits01(bits)
        bits[: len(bits) // 2] = int(rng.integers(2))
        bits[len(bits) // 2:] = rng.integers(0, 2, size=len(bits) - len(bits) // 2)
        try:
            fn(states, bits)
        except NotImplementedError as exc:
            raise _NotYet("not_implemented", _first_line(exc)) from None
        except ValueError as exc:
            if "bits" not in str(exc):
                raise _NotYet("error_unnamed", "a first half with one bit value") from None
        except Exception as exc:  # the student's bug becomes a hint
            raise _NotYet("wrong_error", type(exc).__name__) from None
        else:
            raise _NotYet("readout_one_class")
        return (f"{name} reads the first bit step by step like the nearer-mean readout on {len(batches)} batches "
                "(new ones each call), ties included, and refuses a first half with one bit value.")

    return _run_check(name, body, HINTS)
