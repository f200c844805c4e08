def sample_with_temperature(logits, temperature, rng):
    """One character id drawn from softmax(logits / temperature) with the numpy generator rng."""
    raise NotImplementedError("hint: divide, subtract the maximum, exponentiate, normalise, draw with rng")
