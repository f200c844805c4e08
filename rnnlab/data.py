"""Seeded numpy generators for the three tasks of the series. All arrays are float32, batch-first ``(n, T, features)``."""
from __future__ import annotations

import numpy as np

from ._validation import check_array, check_choice, check_float, check_int, check_same_length

ENCODINGS = ("binary", "signed")
SCALER_METHODS = ("none", "minmax", "standard")


def first_token_task(n, seq_len, *, seed=0, encoding="binary"):
    """Random bit sequences whose label is the *first* bit.

    ``encoding="binary"`` gives inputs in {0, 1} as in the classic demo, ``"signed"`` gives {-1, +1}.
    Returns ``X`` of shape ``(n, seq_len, 1)`` and ``y`` of shape ``(n, 1)`` with values in {0, 1}.
    """
    n = check_int(n, "n")
    seq_len = check_int(seq_len, "seq_len")
    check_choice(encoding, "encoding", ENCODINGS)
    bits = np.random.default_rng(seed).integers(0, 2, size=(n, seq_len, 1)).astype(np.float32)
    y = bits[:, 0, :].copy()
    X = 2.0 * bits - 1.0 if encoding == "signed" else bits
    return X.astype(np.float32), y


def next_number_task(n, *, seq_len=3, start_range=(0, 100), step=1, seed=0):
    """Arithmetic runs ``[s, s+step, …]`` of length ``seq_len``; the target is the next number.

    ``s`` is a uniform integer in ``[start_range[0], start_range[1])``. Values are not scaled here;
    use :class:`Scaler` so that "unscaled, as in the original" and "scaled" differ by one switch.
    """
    n = check_int(n, "n")
    seq_len = check_int(seq_len, "seq_len")
    low, high = _check_range(start_range)
    step = check_float(step, "step")
    starts = np.random.default_rng(seed).integers(low, high, size=(n, 1)).astype(np.float64)
    runs = starts + step * np.arange(seq_len + 1)
    return runs[:, :seq_len, None].astype(np.float32), runs[:, seq_len:].astype(np.float32)


def adding_task(n, seq_len, *, seed=0):
    """The adding problem (Hochreiter & Schmidhuber 1997).

    Feature 0 holds uniform values in [0, 1]; feature 1 marks two positions, one in each half of
    the sequence. The target is the sum of the two marked values. ``X`` is ``(n, seq_len, 2)``.
    """
    n = check_int(n, "n")
    seq_len = check_int(seq_len, "seq_len", min_value=2)
    rng = np.random.default_rng(seed)
    values = rng.random((n, seq_len), dtype=np.float32)
    half = seq_len // 2
    first = rng.integers(0, half, size=n)
    second = rng.integers(half, seq_len, size=n)
    marks = np.zeros((n, seq_len), dtype=np.float32)
    rows = np.arange(n)
    marks[rows, first] = 1.0
    marks[rows, second] = 1.0
    y = (values[rows, first] + values[rows, second])[:, None]
    return np.stack([values, marks], axis=-1), y.astype(np.float32)


def train_val_split(X, y, *, val_fraction=0.2, seed=0, shuffle=True):
    """Split into ``(X_train, y_train, X_val, y_val)``; both parts keep at least one sample."""
    X = check_array(X, "X")
    y = check_array(y, "y")
    check_same_length(X, y)
    val_fraction = check_float(val_fraction, "val_fraction", low=0, high=1, low_inclusive=False, high_inclusive=False)
    n = len(X)
    n_val = int(round(n * val_fraction))
    if n_val < 1 or n_val > n - 1:
        raise ValueError(f"val_fraction={val_fraction} leaves an empty part for n={n} samples")
    order = np.random.default_rng(seed).permutation(n) if shuffle else np.arange(n)
    val, train = order[:n_val], order[n_val:]
    return X[train], y[train], X[val], y[val]


class Scaler:
    """Fit on training values, then ``transform`` and ``inverse_transform``.

    One scaler is shared by inputs and targets of the next-number task, because they are the
    same quantity. ``method="none"`` is the identity, so the original unscaled demo is one switch away.
    """

    def __init__(self, method="minmax"):
        self.method = check_choice(method, "method", SCALER_METHODS)
        self.offset_ = None
        self.scale_ = None

    def fit(self, values):
        values = check_array(values, "values")
        if self.method == "minmax":
            lo, hi = float(values.min()), float(values.max())
            self.offset_, self.scale_ = lo, (hi - lo) or 1.0
        elif self.method == "standard":
            self.offset_, self.scale_ = float(values.mean()), float(values.std()) or 1.0
        else:
            self.offset_, self.scale_ = 0.0, 1.0
        return self

    def transform(self, values):
        self._check_fitted()
        return ((check_array(values, "values") - self.offset_) / self.scale_).astype(np.float32)

    def inverse_transform(self, values):
        self._check_fitted()
        return (check_array(values, "values") * self.scale_ + self.offset_).astype(np.float32)

    def fit_transform(self, values):
        return self.fit(values).transform(values)

    def _check_fitted(self):
        if self.offset_ is None:
            raise ValueError("this Scaler is not fitted yet: call fit(values) first")

    def __repr__(self):
        return f"Scaler(method={self.method!r})"


def _check_range(start_range):
    if not isinstance(start_range, (tuple, list)) or len(start_range) != 2:
        raise TypeError(f"start_range must be a (low, high) pair of integers, got {start_range!r}")
    low = check_int(start_range[0], "start_range[0]", min_value=None)
    high = check_int(start_range[1], "start_range[1]", min_value=None)
    if high <= low:
        raise ValueError(f"start_range must have low < high, got {start_range!r}")
    return low, high
