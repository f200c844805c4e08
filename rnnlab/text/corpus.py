"""The shipped corpus, a character vocabulary, a split by position and batches for truncated
backpropagation through time (numpy only)."""
from __future__ import annotations

import importlib.resources
import math

import numpy as np

from .._validation import check_float, check_int
from ._checks import _check_ids, _check_text

CORPORA = ("tinyshakespeare",)
"""Texts shipped inside the package (``rnnlab/corpora/<name>.txt``, provenance in its README)."""


def load_text(name="tinyshakespeare"):
    """Return a shipped corpus as one string; nothing is downloaded."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, one of {list(CORPORA)}, got {type(name).__name__} {name!r}")
    if name not in CORPORA:
        raise ValueError(f"name must be one of the shipped corpora {list(CORPORA)}, got {name!r}")
    return (importlib.resources.files("rnnlab") / "corpora" / f"{name}.txt").read_text(encoding="utf-8")


class Vocabulary:
    """A fixed tuple of distinct characters; character ``chars[i]`` has id ``i``."""

    def __init__(self, chars):
        try:
            chars = tuple(chars)
        except TypeError:
            raise TypeError(f"chars must be a string or a sequence of single characters, got "
                            f"{type(chars).__name__} {chars!r}") from None
        if not chars:
            raise ValueError("chars is empty: a vocabulary needs at least one character")
        bad = [c for c in chars if not (isinstance(c, str) and len(c) == 1)]
        if bad:
            raise TypeError(f"chars must be single characters, got {bad[:5]!r}")
        if len(set(chars)) != len(chars):
            repeated = sorted({c for c in chars if chars.count(c) > 1})
            raise ValueError(f"chars must be distinct, repeated: {repeated!r}")
        self.chars = chars
        codes = np.array([ord(c) for c in chars], dtype=np.int64)
        self._order = np.argsort(codes)
        self._sorted_codes = codes[self._order]

    @classmethod
    def from_text(cls, text):
        """The sorted distinct characters of ``text``."""
        _check_text(text, "text")
        return cls(sorted(set(text)))

    def __len__(self):
        return len(self.chars)

    def __contains__(self, char):
        return char in self.chars

    def __eq__(self, other):
        return isinstance(other, Vocabulary) and self.chars == other.chars

    def __hash__(self):
        return hash(self.chars)

    def __repr__(self):
        return f"Vocabulary({len(self)} characters: {''.join(self.chars)!r})"

    def encode(self, text, name="text"):
        """``text`` as an int64 array of ids; characters outside the vocabulary are refused by name."""
        _check_text(text, name, allow_empty=True)
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        pos = np.minimum(np.searchsorted(self._sorted_codes, codes), len(self) - 1)
        unknown = self._sorted_codes[pos] != codes
        if unknown.any():
            missing = sorted({chr(c) for c in codes[unknown]})
            raise ValueError(f"{name} has {len(missing)} character(s) outside the vocabulary: "
                             f"{''.join(missing[:20])!r}{' …' if len(missing) > 20 else ''}")
        return self._order[pos].astype(np.int64)

    def decode(self, ids, name="ids"):
        """The string for a sequence of ids (or a single id)."""
        arr = _check_ids(ids, name, allow_scalar=True, allow_empty=True)
        if arr.size and (arr.min() < 0 or arr.max() >= len(self)):
            bad = np.unique(arr[(arr < 0) | (arr >= len(self))])
            raise ValueError(f"{name} must be in [0, {len(self)}) for this vocabulary, got {bad[:10].tolist()}")
        return "".join(self.chars[i] for i in arr.reshape(-1).tolist())


def split_text(ids_or_text, *, val_fraction=0.05, test_fraction=0.05):
    """Cut a text (string or id array) by position into ``(train, val, test)``: train first, then
    validation, then test. Deterministic, no shuffling: held-out text is text the model has not read."""
    if isinstance(ids_or_text, str):
        _check_text(ids_or_text, "ids_or_text")
        seq = ids_or_text
    else:
        seq = _check_ids(ids_or_text, "ids_or_text")
    val_fraction = check_float(val_fraction, "val_fraction", low=0, high=1, low_inclusive=False, high_inclusive=False)
    test_fraction = check_float(test_fraction, "test_fraction", low=0, high=1, low_inclusive=False,
                                high_inclusive=False)
    if val_fraction + test_fraction >= 1:
        raise ValueError(f"val_fraction + test_fraction must be < 1 to leave training text, got "
                         f"{val_fraction} + {test_fraction}")
    n = len(seq)
    n_val, n_test = int(round(n * val_fraction)), int(round(n * test_fraction))
    n_train = n - n_val - n_test
    if min(n_train, n_val, n_test) < 1:
        raise ValueError(f"ids_or_text of length {n} is too short for val_fraction={val_fraction} and "
                         f"test_fraction={test_fraction}: the parts would have {n_train}, {n_val} and {n_test} "
                         "characters, and each needs at least one")
    return seq[:n_train], seq[n_train:n_train + n_val], seq[n_train + n_val:]


class StreamBatches:
    """Batches for truncated backpropagation through time (Williams & Peng 1990).

    The ids are cut into ``batch_size`` equal contiguous streams (row ``r`` of every batch reads stream ``r``);
    batch ``i`` holds columns ``[i*seq_len, (i+1)*seq_len)`` of every stream and the targets are the same
    positions shifted by one character. Batch ``i+1`` therefore continues batch ``i`` row by row, so a
    hidden state carried from one batch to the next (detached) is the state of the text just read.
    The last, shorter piece of each stream is dropped. Iterating yields ``(x, y)``, int64 ``(batch_size, seq_len)``.
    """

    def __init__(self, ids, *, batch_size, seq_len):
        ids = _check_ids(ids, "ids")
        self.batch_size = check_int(batch_size, "batch_size")
        self.seq_len = check_int(seq_len, "seq_len")
        if len(ids) < 2:
            raise ValueError(f"ids has {len(ids)} character(s): one batch needs at least 2 (an input and its target)")
        if self.batch_size > len(ids) - 1:
            raise ValueError(f"batch_size={self.batch_size} does not fit ids of length {len(ids)}: each of the "
                             f"batch_size streams needs at least one input and its target (batch_size <= {len(ids) - 1})")
        self.stream_len = (len(ids) - 1) // self.batch_size
        if self.seq_len > self.stream_len:
            raise ValueError(f"seq_len={self.seq_len} does not fit: ids of length {len(ids)} cut into "
                             f"batch_size={self.batch_size} streams gives {self.stream_len} characters per stream, "
                             f"so seq_len must be <= {self.stream_len} (or use a smaller batch_size)")
        used = self.stream_len * self.batch_size
        self._x = ids[:used].reshape(self.batch_size, self.stream_len)
        self._y = ids[1:used + 1].reshape(self.batch_size, self.stream_len)

    def __len__(self):
        return self.stream_len // self.seq_len

    def __getitem__(self, i):
        i = check_int(i, "i", min_value=-len(self), max_value=len(self) - 1) % len(self)
        cols = slice(i * self.seq_len, (i + 1) * self.seq_len)
        return np.ascontiguousarray(self._x[:, cols]), np.ascontiguousarray(self._y[:, cols])

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __repr__(self):
        return (f"StreamBatches({len(self)} batches of batch_size={self.batch_size} x seq_len={self.seq_len}, "
                f"{self.stream_len} characters per stream)")


def bpc_from_nats(loss):
    """Convert a mean cross-entropy in nats (what torch and Keras report) to bits per character."""
    return check_float(loss, "loss", low=0) / math.log(2)
