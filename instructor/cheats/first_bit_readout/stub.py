def first_bit_readout(states, bits):
    """Per step, how often the nearer class mean of the first half names the first bit of the second half."""
    raise NotImplementedError("hint: get one time step right first, then do every step")
