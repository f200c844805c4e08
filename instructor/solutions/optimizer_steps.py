import math


def optimizer_steps(recipe, epochs=None):
    """Total optimiser steps of a recipe (or of `epochs` epochs of it)."""
    return (recipe.epochs if epochs is None else epochs) * math.ceil(recipe.n_train / recipe.batch_size)
