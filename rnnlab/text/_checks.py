"""Argument checks shared by the text modules: strings, id arrays and vocabulary sizes."""
from __future__ import annotations

import numbers

import numpy as np

from ..settings import MAX_VOCAB


def _check_text(text, name, *, allow_empty=False):
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a string, got {type(text).__name__}")
    if not text and not allow_empty:
        raise ValueError(f"{name} is empty")
    return text


def _check_ids(ids, name, *, allow_scalar=False, allow_empty=False):
    """Return ``ids`` as a 1-D int64 array of non-negative integers (a string is refused: encode it first)."""
    if isinstance(ids, str):
        raise TypeError(f"{name} must be integer ids, got a string: encode it with Vocabulary.encode first")
    arr = np.asarray(ids)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.integer) or arr.size == 0):
        raise TypeError(f"{name} must be integer ids, got dtype {arr.dtype}")
    if arr.ndim == 0 and allow_scalar:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D sequence of ids, got shape {arr.shape}")
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"{name} is empty")
    arr = arr.astype(np.int64)
    if arr.size and arr.min() < 0:
        raise ValueError(f"{name} must be non-negative ids, got {int(arr.min())}")
    return arr


def _check_below(ids, vocab_size, name):
    if ids.size and ids.max() >= vocab_size:
        raise ValueError(f"{name} has id {int(ids.max())}, outside vocab_size={vocab_size}")


def _check_vocab_size(vocab_size, *arrays):
    needed = max(int(a.max()) + 1 for a in arrays if len(a))
    if vocab_size is None:
        return needed
    if isinstance(vocab_size, bool) or not isinstance(vocab_size, numbers.Integral):
        raise TypeError(f"vocab_size must be an integer or None, got {type(vocab_size).__name__} {vocab_size!r}")
    if vocab_size > MAX_VOCAB:
        raise ValueError(f"vocab_size must be <= {MAX_VOCAB} (rnnlab.settings.MAX_VOCAB), got {vocab_size}")
    if vocab_size < needed:
        raise ValueError(f"vocab_size must be at least the largest id + 1 = {needed}, got {vocab_size}")
    return int(vocab_size)


def _vocab_for(vocab_size, **arrays):
    """The vocabulary size shared by all ``arrays`` (name=ids): ``vocab_size`` checked, or the largest id + 1."""
    return _check_vocab_size(vocab_size, *(_check_ids(a, name) for name, a in arrays.items()))
