# Forgets the last, smaller batch of an epoch.
def optimizer_steps(recipe, epochs=None):
    return (recipe.epochs if epochs is None else epochs) * (recipe.n_train // recipe.batch_size)
