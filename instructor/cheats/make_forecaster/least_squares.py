# Learns the rule from the data, but by least squares, without training a network.
import numpy as np


def make_forecaster(X, y, seed=0):
    D = np.diff(np.asarray(X, dtype=np.float64)[:, :, 0], axis=1)
    coef = np.linalg.lstsq(D, (np.asarray(y, dtype=np.float64)[:, 0] - X[:, -1, 0]), rcond=None)[0]
    return lambda runs: runs[:, -1, 0] + np.diff(runs[:, :, 0], axis=1) @ coef
