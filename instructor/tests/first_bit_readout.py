"""Hidden tests of first_bit_readout(states, bits): fresh random batches on every call (odd and even sizes, 1 to 8
units, a first bit whose trace in the state fades over the steps, bits as ints or bools), every scored example
drawn clear of a tie (its two squared distances differ by more than a thousandth of their sum), plus one batch of
whole numbers with exact ties (which go to bit 0). The accuracies must match the nearer-mean readout within the
shared tolerance (rnnlab.settings.EXERCISE_TOLERANCE, the self-check's); the same batch must give the same answer
whatever was called before; a first half with one bit value must raise ValueError naming bits.

inputs() draws the batches and computes the float64 accuracies in the grading process; drive() runs in the fresh
process that holds the submission and returns its answers as plain float64 arrays; judge() compares."""
import numpy as np
from rnnlab.settings import EXERCISE_TOLERANCE

NAME = "first_bit_readout"


def _accuracies(states, bits):
    """Row by row and step by step, in float64: the squared distance to each class mean of rows 0..B//2-1."""
    B, T, _ = states.shape
    cut = B // 2
    right = np.zeros(T)
    for t in range(T):
        centre = {v: np.mean([states[i, t] for i in range(cut) if bits[i] == v], axis=0) for v in (0, 1)}
        for i in range(cut, B):
            far = {v: float(np.sum((states[i, t] - centre[v]) ** 2)) for v in (0, 1)}
            right[t] += (1 if far[1] < far[0] else 0) == bits[i]
    return right / (B - cut)


def _clear_of_ties(states, bits, rng, draw):
    B, T, _ = states.shape
    cut = B // 2
    for _ in range(100):
        m = [states[:cut][bits[:cut] == v].mean(axis=0) for v in (0, 1)]
        d = [((states[cut:] - m[v]) ** 2).sum(axis=2) for v in (0, 1)]
        close = np.argwhere(np.abs(d[0] - d[1]) <= 1e-3 * (d[0] + d[1]))
        if len(close) == 0:
            return states
        for i, t in close:
            states[cut + i, t] = draw(bits[cut + i])[t]
    return None     # the two class means (nearly) coincide at some step: almost every example is a near tie


def _batch(rng):
    """A batch clear of near ties; one that cannot be cleared is dropped and a new one drawn."""
    for _ in range(100):
        batch = _batch_once(rng)
        if batch is not None:
            return batch
    raise RuntimeError("no batch clear of ties")


def _batch_once(rng):
    B = int(rng.integers(8, 51))
    T = int(rng.integers(2, 16))
    H = int(rng.integers(1, 9))
    bits = rng.integers(0, 2, size=B)
    bits[rng.choice(B // 2, size=2, replace=False)] = [0, 1]
    trace = rng.uniform(1.0, 4.0) * rng.uniform(0.3, 0.9) ** np.arange(T)     # the bit's trace, step by step
    axis = rng.standard_normal((T, H))
    axis /= np.sqrt((axis ** 2).sum(axis=1, keepdims=True))
    centre = rng.standard_normal((T, H)) * 2.0

    def draw(bit):
        return centre + (bit - 0.5) * 2 * trace[:, None] * axis + rng.standard_normal((T, H)) * rng.uniform(0.5, 1.5)

    states = np.stack([draw(bit) for bit in bits])
    states = _clear_of_ties(states, bits, rng, draw)
    if states is None:
        return None
    return states, (bits.astype(bool) if rng.random() < 0.25 else bits)


def _ties(rng):
    """Two classes of identical whole-number states per step; scored rows at the exact midpoint on step 0."""
    H = int(rng.integers(1, 5))
    low = 2 * rng.integers(-3, 4, size=(3, H))
    high = low + 2 * rng.integers(1, 3, size=(3, H))
    fit_bits = rng.permutation([0, 0, 1, 1, 0, 1])
    scored_bits = rng.permutation([1, 1, 1, 0, 0, 1, 0])
    states = np.zeros((13, 3, H))
    for i, bit in enumerate(fit_bits):
        states[i] = high if bit else low
    for i, bit in enumerate(scored_bits):
        states[6 + i] = np.where(np.arange(3)[:, None] == 0, (low + high) // 2, high if bit else low)
    return states.astype(float), np.concatenate([fit_bits, scored_bits])


def inputs(rng):
    cases = [_batch(rng) for _ in range(30)]
    cases.insert(int(rng.integers(31)), _ties(rng))
    order = list(range(len(cases))) + [int(i) for i in rng.choice(len(cases), size=5, replace=False)]
    one_class, _ = _batch(rng)
    cut = len(one_class) // 2
    only = np.concatenate([np.full(cut, int(rng.integers(2))), rng.integers(0, 2, size=len(one_class) - cut)])
    want = [_accuracies(states, np.asarray(bits).astype(int)) for states, bits in cases]
    return {"cases": cases, "order": order, "one_class": (one_class, only)}, {"want": want}


def drive(fn, inputs, grading):
    answers = []
    for i in inputs["order"]:
        states, bits = inputs["cases"][i]
        got = grading.call("first_bit_readout", fn, states.copy(), bits.copy())
        answers.append(grading.float_array(got, "first_bit_readout's accuracies"))
    states, bits = inputs["one_class"]
    try:
        fn(states.copy(), bits.copy())
        refusal = "returned"
    except ValueError as exc:
        refusal = "named" if "bits" in " ".join(part for part in exc.args if type(part) is str) else "unnamed"
    except BaseException:  # noqa: BLE001 - any other failure is recorded as such
        refusal = "other"
    return {"answers": answers, "refusal": refusal}


def judge(inputs, private, results):
    tolerance = EXERCISE_TOLERANCE[NAME]
    answers, seen = results["answers"], {}
    assert len(answers) == len(inputs["order"]), f"{NAME} gave {len(answers)} answers"
    for i, got in zip(inputs["order"], answers):
        states, _ = inputs["cases"][i]
        want = private["want"][i]
        assert got.shape == want.shape, \
            f"{NAME} returned shape {got.shape} for states of shape {states.shape}: one accuracy per step"
        assert np.all(np.abs(got - want) <= tolerance), f"{NAME}'s accuracies differ from the nearer-mean readout"
        assert i not in seen or np.array_equal(seen[i], got), f"{NAME} depends on earlier calls"
        seen[i] = got
    assert results["refusal"] != "returned", f"{NAME} accepts a first half with only one bit value"
    assert results["refusal"] == "named", f"{NAME} does not raise ValueError naming bits for a first half with " \
                                          "only one bit value"
