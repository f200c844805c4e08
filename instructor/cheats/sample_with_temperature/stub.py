def sample_with_temperature(logits, temperature, rng):
    """One character id drawn from softmax(logits / temperature) with the numpy generator rng."""
    raise NotImplementedError("hint: section 10 says what the temperature does to the logits; the draw must use rng")
