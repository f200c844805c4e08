"""Small statistics for reporting experiments: the confidence interval of a solve rate."""
from __future__ import annotations

import numbers

import numpy as np


def wilson_interval(successes, n, z=1.96):
    """The Wilson score interval of ``successes`` out of ``n`` (95% for z=1.96), as float arrays ``(low, high)``.

    Unlike the normal approximation it stays inside [0, 1] and is not empty at 0/n or n/n
    (Wilson 1927): 0 of 10 gives (0, 0.278), 10 of 10 gives (0.722, 1).
    """
    s = _counts(successes, "successes")
    n = _counts(n, "n")
    if np.any(n < 1):
        raise ValueError(f"n must be >= 1, got {n.tolist()}")
    try:
        s, n = np.broadcast_arrays(s, n)
    except ValueError:
        raise ValueError(f"successes and n must have the same shape, got {s.shape} and {n.shape}") from None
    if np.any(s > n):
        raise ValueError(f"successes must be <= n, got successes={s.tolist()} and n={n.tolist()}")
    if isinstance(z, bool) or not isinstance(z, numbers.Real) or not np.isfinite(z) or z <= 0:
        raise ValueError(f"z must be a positive finite number, got {z!r}")
    p = s / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    # At 0/n and n/n the bound is exactly 0 or 1; rounding would leave it a hair off.
    low = np.where(s == 0, 0.0, np.clip(centre - half, 0, 1))
    high = np.where(s == n, 1.0, np.clip(centre + half, 0, 1))
    return low, high


def _counts(value, name):
    """``value`` as a float array of non-negative whole numbers (bools and numpy integers accepted)."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a count or an array of counts, got {value!r}") from None
    if arr.size == 0 or not np.all(np.isfinite(arr)) or np.any(arr < 0) or np.any(arr != np.round(arr)):
        raise ValueError(f"{name} must be non-negative whole numbers, got {value!r}")
    return arr
