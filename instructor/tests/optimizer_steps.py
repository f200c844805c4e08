"""Hidden tests of optimizer_steps(recipe, epochs=None): random recipes on every call; the count must be an int."""
import math

import numpy as np
from rnnlab.recipes import ADDING, LONG_DEPENDENCY, NEXT_NUMBER


def grade(fn):
    assert callable(fn), "optimizer_steps is not a function"
    rng = np.random.default_rng()
    recipes = [*LONG_DEPENDENCY.values(), *NEXT_NUMBER.values(), *ADDING.values()]
    for i in range(12):
        batch_size = int(rng.integers(1, 300))
        n_train = int(rng.integers(1, 5000)) if i % 3 else batch_size * int(rng.integers(1, 30))
        recipes.append(LONG_DEPENDENCY["rnnlab"].with_(name=f"hidden-{i}", n_train=n_train, batch_size=batch_size,
                                                       epochs=int(rng.integers(1, 60))))
    for recipe in recipes:
        for epochs in (None, int(rng.integers(1, 100))):
            try:
                got = fn(recipe) if epochs is None else fn(recipe, epochs=epochs)
            except BaseException as exc:  # noqa: BLE001 - any failure of the student's code scores 0
                raise AssertionError(f"optimizer_steps raised {type(exc).__name__}: {exc}") from None
            assert isinstance(got, (int, np.integer)) and not isinstance(got, bool), \
                f"optimizer_steps returned {type(got).__name__}, not an int"
            want = (recipe.epochs if epochs is None else epochs) * math.ceil(recipe.n_train / recipe.batch_size)
            assert got == want, f"optimizer_steps is wrong for n_train={recipe.n_train}, " \
                                f"batch_size={recipe.batch_size}, epochs={recipe.epochs}, override={epochs}"
