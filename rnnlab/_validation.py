"""Argument checks shared by every public function (scikit-learn style: name the parameter, say what is allowed)."""
from __future__ import annotations

import numbers

import numpy as np


def check_int(value, name, *, min_value=1, max_value=None):
    """Return ``value`` as an int, or raise naming ``name`` and the allowed range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    value = int(value)
    if min_value is not None and value < min_value:
        raise ValueError(f"{name} must be >= {min_value}, got {value}")
    if max_value is not None and value > max_value:
        raise ValueError(f"{name} must be <= {max_value}, got {value}")
    return value


SEED_LIMIT = 2**32


def check_seed(value, name="seed"):
    """Return ``value`` as an int in [0, 2**32) (numpy integers accepted; bool, float, str and None refused)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer in [0, 2**32), got {type(value).__name__} {value!r}")
    value = int(value)
    if not 0 <= value < SEED_LIMIT:
        raise ValueError(f"{name} must be an integer in [0, 2**32), got {value}")
    return value


def check_bool(value, name):
    """Return ``value`` as a bool; Python and numpy booleans only (not 0/1, not strings)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} {value!r}")
    return bool(value)


def check_float(value, name, *, low=None, high=None, low_inclusive=True, high_inclusive=True):
    """Return ``value`` as a finite float inside the given bounds."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    try:
        value = float(value)
    except OverflowError:  # an int beyond float range, e.g. 10**400
        raise ValueError(f"{name} must be finite, got {value}") from None
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    too_low = low is not None and (value < low if low_inclusive else value <= low)
    too_high = high is not None and (value > high if high_inclusive else value >= high)
    if too_low or too_high:
        left = "[" if low_inclusive else "("
        right = "]" if high_inclusive else ")"
        lo = "-inf" if low is None else low
        hi = "inf" if high is None else high
        raise ValueError(f"{name} must be in {left}{lo}, {hi}{right}, got {value}")
    return value


def check_choice(value, name, allowed):
    """Return ``value`` if it is one of ``allowed`` (strings), else raise listing them."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, one of {sorted(allowed)}, got {type(value).__name__} {value!r}")
    if value not in allowed:
        raise ValueError(f"{name} must be one of {sorted(allowed)}, got {value!r}")
    return value


def check_array(x, name, *, ndim=None, dtype=np.float32, scalar_ok=False):
    """Return ``x`` as an array of ``dtype``: non-empty, no NaN/inf, of the given rank (by default any rank
    but 0; ``scalar_ok=True`` also accepts a single number)."""
    try:
        with np.errstate(over="ignore"):
            arr = np.asarray(x, dtype=dtype)
    except (TypeError, ValueError, OverflowError) as exc:
        raise TypeError(f"{name} must be array-like of numbers: {exc}") from None
    if ndim is not None and arr.ndim not in ((ndim,) if isinstance(ndim, int) else ndim):
        raise ValueError(f"{name} must have {ndim} dimensions (batch, time, features), got shape {arr.shape}"
                         if ndim == 3 else f"{name} must have {ndim} dimensions, got shape {arr.shape}")
    if arr.ndim == 0 and ndim is None and not scalar_ok:
        raise ValueError(f"{name} must be an array, got a single number {x!r}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape})")
    if not np.all(np.isfinite(arr)):
        if np.all(np.isfinite(np.asarray(x, dtype=np.float64))):
            raise ValueError(f"{name} has values beyond the float32 range (|x| > {np.finfo(np.float32).max:.3g})")
        raise ValueError(f"{name} contains NaN or infinite values")
    return arr


def check_same_length(x, y, x_name="X", y_name="y"):
    if len(x) != len(y):
        raise ValueError(f"{x_name} and {y_name} must have the same number of samples, got {len(x)} and {len(y)}")


def check_axes(ax, name="ax", *, allow_none=True):
    """Return ``ax`` if it is a matplotlib Axes (or None when ``allow_none``), else raise naming ``name``."""
    if ax is None and allow_none:
        return None
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        allowed = "a matplotlib Axes or None" if allow_none else "a matplotlib Axes"
        raise TypeError(f"{name} must be {allowed}, got {type(ax).__name__} {ax!r}")
    return ax
