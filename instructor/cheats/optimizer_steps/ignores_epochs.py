# Ignores the epochs override.
def optimizer_steps(recipe, epochs=None):
    return recipe.epochs * -(-recipe.n_train // recipe.batch_size)
