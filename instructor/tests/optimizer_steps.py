"""Hidden tests of optimizer_steps(recipe, epochs=None): the course's recipes and random ones on every call; the
count must be exactly an int (a numpy integer is accepted; a bool, a float or a subclass of int is not).

inputs() draws the recipes and computes the counts in the grading process; drive() calls the function in the
fresh process that holds the submission; judge() compares."""
import math

from rnnlab.recipes import ADDING, LONG_DEPENDENCY, NEXT_NUMBER

NAME = "optimizer_steps"


def inputs(rng):
    recipes = [*LONG_DEPENDENCY.values(), *NEXT_NUMBER.values(), *ADDING.values()]
    for i in range(12):
        batch_size = int(rng.integers(1, 300))
        n_train = int(rng.integers(1, 5000)) if i % 3 else batch_size * int(rng.integers(1, 30))
        recipes.append(LONG_DEPENDENCY["rnnlab"].with_(name=f"hidden-{i}", n_train=n_train, batch_size=batch_size,
                                                       epochs=int(rng.integers(1, 60))))
    calls = [(recipe, epochs) for recipe in recipes for epochs in (None, int(rng.integers(1, 100)))]
    want = [(r.epochs if e is None else e) * math.ceil(r.n_train / r.batch_size) for r, e in calls]
    return {"calls": calls}, {"want": want}


def drive(fn, inputs, grading):
    answers = []
    for recipe, epochs in inputs["calls"]:
        got = grading.call("optimizer_steps", fn, recipe) if epochs is None else \
            grading.call("optimizer_steps", fn, recipe, epochs=epochs)
        answers.append(grading.exact_int(got, "optimizer_steps's count"))
    return answers


def judge(inputs, private, results):
    assert len(results) == len(private["want"]), f"{NAME} gave {len(results)} answers"
    for (recipe, epochs), got, want in zip(inputs["calls"], results, private["want"]):
        assert type(got) is int, f"{NAME} did not return an int"
        assert got == want, f"{NAME} is wrong for n_train={recipe.n_train}, batch_size={recipe.batch_size}, " \
                            f"epochs={recipe.epochs}, override={epochs}"
