def optimizer_steps(recipe, epochs=None):
    """Total optimiser steps of a recipe (or of `epochs` epochs of it)."""
    raise NotImplementedError("hint: one optimiser step per batch, in every epoch")
