"""Seeded numpy generators for the three tasks of the series. All arrays are float32, batch-first ``(n, T, features)``."""
from __future__ import annotations

import numpy as np

from ._validation import check_array, check_bool, check_choice, check_float, check_int, check_same_length, check_seed

ENCODINGS = ("binary", "signed")
SCALER_METHODS = ("none", "minmax", "standard")
MAX_DATA_BYTES = 4 * 2**30
"""The most memory one generator call may use (its estimated peak); larger requests are refused."""
FLOAT32_EXACT = 2**24
"""Beyond this magnitude float32 (the arrays' dtype) cannot hold every integer."""


def first_token_task(n, seq_len, *, seed=0, encoding="binary"):
    """Random bit sequences whose label is the *first* bit.

    ``encoding="binary"`` gives inputs in {0, 1} as in the classic demo, ``"signed"`` gives {-1, +1}.
    Returns ``X`` of shape ``(n, seq_len, 1)`` and ``y`` of shape ``(n, 1)`` with values in {0, 1}.
    """
    n = check_int(n, "n")
    seq_len = check_int(seq_len, "seq_len")
    check_choice(encoding, "encoding", ENCODINGS)
    seed = check_seed(seed)
    _check_memory(12 * n * seq_len, f"first_token_task(n={n}, seq_len={seq_len})")  # int64 draw + 2 float32 copies
    bits = np.random.default_rng(seed).integers(0, 2, size=(n, seq_len, 1)).astype(np.float32)
    y = bits[:, 0, :].copy()
    X = 2.0 * bits - 1.0 if encoding == "signed" else bits
    return X.astype(np.float32), y


def next_number_task(n, *, seq_len=3, start_range=(0, 100), step=1, seed=0):
    """Arithmetic runs ``[s, s+step, …]`` of length ``seq_len``; the target is the next number.

    ``s`` is a uniform integer in ``[start_range[0], start_range[1])``. Values are not scaled here;
    use :class:`Scaler` so that "unscaled, as in the original" and "scaled" differ by one switch.
    Requests whose values float32 cannot represent (integers beyond 2**24, a step lost to rounding) are refused.
    """
    n = check_int(n, "n")
    seq_len = check_int(seq_len, "seq_len")
    low, high = _check_range(start_range)
    step = check_float(step, "step")
    seed = check_seed(seed)
    _check_float32_runs(low, high, step, seq_len)
    _check_memory(12 * n * (seq_len + 1), f"next_number_task(n={n}, seq_len={seq_len})")  # float64 runs + float32 copy
    starts = np.random.default_rng(seed).integers(low, high, size=(n, 1)).astype(np.float64)
    runs = starts + step * np.arange(seq_len + 1)
    X, y = runs[:, :seq_len, None].astype(np.float32), runs[:, seq_len:].astype(np.float32)
    if not step.is_integer():
        _check_step_kept(runs, X, y, step)
    return X, y


def adding_task(n, seq_len, *, seed=0):
    """The adding problem (Hochreiter & Schmidhuber 1997).

    Feature 0 holds uniform values in [0, 1]; feature 1 marks two positions, one in each half of
    the sequence. The target is the sum of the two marked values. ``X`` is ``(n, seq_len, 2)``.
    """
    n = check_int(n, "n")
    seq_len = check_int(seq_len, "seq_len", min_value=2)
    seed = check_seed(seed)
    _check_memory(16 * n * seq_len + 24 * n, f"adding_task(n={n}, seq_len={seq_len})")  # values, marks, stacked X
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
    seed = check_seed(seed)
    shuffle = check_bool(shuffle, "shuffle")
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
        """Learn offset and scale (in float64); refuse values float32 cannot resolve (e.g. 1e9 ± 100)."""
        values = check_array(values, "values", dtype=np.float64)
        _check_float32_resolution(values)
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
        values = check_array(values, "values", dtype=np.float64, scalar_ok=True)
        return _to_float32((values - self.offset_) / self.scale_, "transform(values)")

    def inverse_transform(self, values):
        self._check_fitted()
        values = check_array(values, "values", dtype=np.float64, scalar_ok=True)
        return _to_float32(values * self.scale_ + self.offset_, "inverse_transform(values)")

    def fit_transform(self, values):
        return self.fit(values).transform(values)

    def _check_fitted(self):
        if self.offset_ is None:
            raise ValueError("this Scaler is not fitted yet: call fit(values) first")

    def __repr__(self):
        return f"Scaler(method={self.method!r})"


def _check_range(start_range):
    """``(low, high)`` as ints from a tuple, list or 1-d numpy array of two integers."""
    if (not isinstance(start_range, (tuple, list, np.ndarray)) or np.ndim(start_range) != 1
            or len(start_range) != 2):
        raise TypeError(f"start_range must be a (low, high) pair of integers, got {start_range!r}")
    low, high = (check_int(v, f"start_range[{i}]", min_value=-2**63, max_value=2**63 - 1)
                 for i, v in enumerate(start_range))
    if high <= low:
        raise ValueError(f"start_range must have low < high, got {(low, high)!r}")
    return low, high


def _check_float32_runs(low, high, step, seq_len):
    """Refuse runs reaching beyond 2**24, where float32 stops holding every integer (and later overflows)."""
    start = max(abs(low), abs(high - 1))
    largest = start if start > FLOAT32_EXACT else start + abs(step) * seq_len
    if largest > FLOAT32_EXACT:
        raise ValueError(f"start_range={(low, high)!r} with step={step:g} and seq_len={seq_len} reaches "
                         f"{float(largest):.4g}, beyond 2**24 = {FLOAT32_EXACT} where float32 (the arrays' dtype) "
                         "stops holding every integer; use a smaller start_range or step")


def _check_step_kept(runs, X, y, step):
    """Refuse a fractional step that float32 rounding changes by over 1% (e.g. step=1e-5 at values near 1000)."""
    rounded = [X[:, k, 0] for k in range(X.shape[1])] + [y[:, 0]]
    error = max(float(np.abs(col - runs[:, k]).max()) for k, col in enumerate(rounded))
    if error > abs(step) / 100:
        raise ValueError(f"step={step:g} is lost in float32 at these values (rounded by up to {error:.2g}, over 1% "
                         "of the step); use a larger step or a start_range nearer 0")


def _check_float32_resolution(values):
    """Refuse values whose spread float32 cannot resolve at their magnitude (rounding over 1% of the spread)."""
    magnitude, spread = float(np.abs(values).max()), float(values.max() - values.min())
    if magnitude > float(np.finfo(np.float32).max):
        raise ValueError(f"values reach {magnitude:.4g}, beyond the float32 range (±3.4e38)")
    rounding = float(np.spacing(np.float32(magnitude))) / 2
    if rounding > spread / 100 > 0:
        raise ValueError(f"values span only {spread:.4g} at magnitude {magnitude:.4g}, where float32 rounds by up "
                         f"to {rounding:.2g}: scaled values would collapse; subtract an offset first (in float64)")


def _to_float32(values, what):
    with np.errstate(over="ignore"):
        out = values.astype(np.float32)
    if not np.all(np.isfinite(out)):
        raise ValueError(f"{what} gives values beyond the float32 range (±3.4e38)")
    return out


def _check_memory(nbytes, request):
    """Refuse a request whose estimated peak memory is over MAX_DATA_BYTES or over the memory available now."""
    available = _available_bytes()
    limit, why = ((available, "available now") if available is not None and available < MAX_DATA_BYTES
                  else (MAX_DATA_BYTES, "limit (rnnlab.data.MAX_DATA_BYTES)"))
    if nbytes > limit:
        raise ValueError(f"{request} needs about {nbytes / 2**30:.1f} GiB of memory, more than the "
                         f"{limit / 2**30:.1f} GiB {why}; use a smaller n or seq_len")


def _available_bytes():
    """MemAvailable from /proc/meminfo (Linux), or None where it cannot be read."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None
