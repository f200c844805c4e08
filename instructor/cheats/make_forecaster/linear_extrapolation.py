# Issue #13: closed-form extrapolation, no training (0.0 s).
def make_forecaster(X, y, seed=0):
    return lambda runs: 2 * runs[:, -1, 0] - runs[:, -2, 0]
