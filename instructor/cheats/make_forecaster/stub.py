def make_forecaster(X, y, seed=0):
    """Train on runs X (n, T, 1) with next numbers y (n, 1); return forecast(runs (m, T, 1)) -> (m,)."""
    raise NotImplementedError("hint: what must the network see so that neither the level nor the size of the steps matters?")
