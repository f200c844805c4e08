"""Hidden tests of sample_with_temperature(logits, temperature, rng): fresh random logits, temperatures and seeds
on every call; the draws must follow softmax(logits / temperature) within the shared tolerance (total variation,
rnnlab.settings.EXERCISE_TOLERANCE, the self-check's), come from rng alone (replayable, different for different
seeds), be greedy at temperature 0.001 and close to uniform at 1000. Every id must be exactly an int.

inputs() draws the logits and seeds in the grading process; drive() draws the ids in the fresh process that holds
the submission; judge() computes the softmax and compares."""
import numpy as np
from rnnlab.settings import EXERCISE_TOLERANCE

NAME = "sample_with_temperature"
N_DRAWS = 5000


def _softmax(logits, temperature):
    z = np.asarray(logits, dtype=np.float64) / temperature
    p = np.exp(z - z.max())
    return p / p.sum()


def inputs(rng):
    runs = []   # (logits, temperature, seed, draws)
    for temperature in rng.permutation([rng.uniform(0.3, 0.7), 1.0, rng.uniform(1.5, 3.0)]):
        runs.append((rng.normal(0.0, 2.0, size=int(rng.integers(4, 13))), float(temperature),
                     int(rng.integers(2**32)), N_DRAWS))
    runs += [(logits, temperature, seed, 30) for logits, temperature, seed, _ in runs]   # each seed replayed
    runs += [(np.zeros(10), 1.0, int(seed), 30) for seed in rng.integers(2**32, size=2)]   # two other seeds
    greedy = rng.normal(0.0, 1.0, size=20)
    greedy[int(rng.integers(20))] = greedy.max() + 1.0   # ahead of the next by 1: at 0.001 the next has e^-1000
    runs += [(greedy, 1e-3, int(rng.integers(2**32)), 50), (greedy, 1e3, int(rng.integers(2**32)), N_DRAWS)]
    return {"runs": runs}, {}


def drive(fn, inputs, grading):
    answers = []
    for logits, temperature, seed, draws in inputs["runs"]:
        stream = np.random.default_rng(seed)
        answers.append([grading.exact_int(grading.call("sample_with_temperature", fn, logits.copy(), temperature,
                                                       stream), "sample_with_temperature's id")
                        for _ in range(draws)])
    return answers


def judge(inputs, private, results):
    runs, tolerance = inputs["runs"], EXERCISE_TOLERANCE[NAME]
    assert len(results) == len(runs) and all(len(ids) == r[3] for ids, r in zip(results, runs)), \
        f"{NAME} gave the wrong number of draws"
    for (logits, temperature, _, _), ids in zip(runs, results):
        assert all(type(i) is int and 0 <= i < len(logits) for i in ids), \
            f"{NAME} returned an id that is not one of the {len(logits)} logits"
    for (logits, temperature, _, _), ids in zip(runs[:3], results[:3]):
        distance = 0.5 * np.abs(np.bincount(ids, minlength=len(logits)) / len(ids) - _softmax(logits, temperature)).sum()
        assert distance < tolerance, f"{NAME}'s draws are far from softmax(logits / temperature) at temperature " \
                                     f"{temperature:.2f} (total variation {distance:.3f})"
    # every replay must match (one at a low temperature can be near-certain to repeat even without the seed)
    assert all(results[3 + i] == results[i][:30] for i in range(3)), \
        f"{NAME} does not draw reproducibly from the generator it is given"
    assert results[6] != results[7], f"{NAME} draws the same ids from generators with different seeds"
    greedy = runs[8][0]
    assert all(i == int(np.argmax(greedy)) for i in results[8]), f"{NAME} is not greedy at temperature 0.001"
    freq = np.bincount(results[9], minlength=len(greedy)) / len(results[9])
    assert 0.5 * np.abs(freq - 1 / len(greedy)).sum() < tolerance, f"{NAME} is not close to uniform at temperature 1000"
