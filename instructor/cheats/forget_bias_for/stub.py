def forget_bias_for(steps, keep=0.5):
    """The forget-gate bias at which a fraction `keep` of an LSTM's cell state survives `steps` steps."""
    raise NotImplementedError("hint: find the forget gate's value per step first, then the bias that gives it")
