# Issue #13: the right count, as a float.
def optimizer_steps(recipe, epochs=None):
    return float((recipe.epochs if epochs is None else epochs) * -(-recipe.n_train // recipe.batch_size))
