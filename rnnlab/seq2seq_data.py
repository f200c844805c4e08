"""Variable-length symbol strings for sequence-to-sequence models (notebook 06), in numpy, framework-free.

A *transduction* task maps one string of symbols to another: reverse it, sort it, or copy it. Strings have
different lengths, so a batch is stored *padded*: every row is filled up to a common width with a padding id that
is no real token, and the true lengths travel with it. Ids are small integers: :data:`PAD` (0) pads, :data:`BOS`
(1) starts a decoder's input, :data:`EOS` (2) ends an output, and the symbols are ``FIRST_SYMBOL, …``.
"""
from __future__ import annotations

import numbers

import numpy as np

from ._validation import check_choice, check_int, check_seed
from .data import _check_memory
from .settings import MAX_BATCH_SIZE, MAX_BEAM_WIDTH, MAX_DECODE_LEN, MAX_SEQ_LEN, MAX_VOCAB

PAD, BOS, EOS = 0, 1, 2
FIRST_SYMBOL = 3
"""The id of the first symbol; symbol ``k`` (0-based) has id ``FIRST_SYMBOL + k``."""
TASKS = ("reverse", "sort", "copy")


def transduction_task(n, *, min_len=4, max_len=20, n_symbols=10, task="reverse", seed=0):
    """``n`` random source strings and their targets, as two lists of 1-d int64 arrays of symbol ids.

    Each length is drawn uniformly from ``min_len..max_len`` (set both equal for one fixed length), each symbol
    uniformly from ``n_symbols``. ``task`` is ``"reverse"`` (the target is the source backwards), ``"sort"``
    (in increasing order) or ``"copy"``. Neither list contains :data:`PAD`, :data:`BOS` or :data:`EOS`.
    """
    n = check_int(n, "n", max_value=MAX_BATCH_SIZE * 100)
    min_len = check_int(min_len, "min_len", max_value=MAX_SEQ_LEN)
    max_len = check_int(max_len, "max_len", max_value=MAX_SEQ_LEN)
    if max_len < min_len:
        raise ValueError(f"max_len must be >= min_len, got min_len={min_len}, max_len={max_len}")
    n_symbols = check_int(n_symbols, "n_symbols", min_value=2, max_value=MAX_VOCAB - FIRST_SYMBOL)
    check_choice(task, "task", TASKS)
    seed = check_seed(seed)
    _check_memory(32 * n * max_len, f"transduction_task(n={n}, max_len={max_len})")  # sources, targets, flat draw
    rng = np.random.default_rng(seed)
    lengths = rng.integers(min_len, max_len + 1, size=n)
    flat = rng.integers(FIRST_SYMBOL, FIRST_SYMBOL + n_symbols, size=int(lengths.sum()), dtype=np.int64)
    sources = np.split(flat, np.cumsum(lengths)[:-1])
    make = {"reverse": lambda s: s[::-1].copy(), "sort": np.sort, "copy": lambda s: s.copy()}[task]
    return sources, [make(s) for s in sources]


def pad_sequences(sequences, *, pad_id=PAD, width=None):
    """``(padded, lengths)``: the 1-d integer ``sequences`` as an int64 array ``(n, width)`` filled after each
    sequence with ``pad_id``, and their lengths as int64 ``(n,)``.

    ``width`` defaults to the longest length. Refused: an empty list, a sequence of length 0, a sequence longer
    than ``width``, a negative id, and a ``pad_id`` that occurs inside a sequence (a padding id that is also a
    real token would make a padded position indistinguishable from data).
    """
    sequences = _check_sequences(sequences, "sequences")
    pad_id = check_int(pad_id, "pad_id", min_value=0, max_value=MAX_VOCAB - 1)
    lengths = np.array([len(s) for s in sequences], dtype=np.int64)
    longest = int(lengths.max())
    if width is None:
        width = longest
    width = check_int(width, "width", max_value=MAX_SEQ_LEN)
    if longest > width:
        i = int(np.argmax(lengths))
        raise ValueError(f"width={width} is shorter than sequences[{i}] (length {longest}); "
                         f"use width >= {longest} or width=None")
    for i, s in enumerate(sequences):
        if np.any(s == pad_id):
            raise ValueError(f"pad_id={pad_id} is also a real token: sequences[{i}] contains it at position "
                             f"{int(np.flatnonzero(s == pad_id)[0])}; choose a pad_id that no sequence uses")
    _check_memory(8 * len(sequences) * width, f"pad_sequences({len(sequences)} sequences, width={width})")
    padded = np.full((len(sequences), width), pad_id, dtype=np.int64)
    for i, s in enumerate(sequences):
        padded[i, :len(s)] = s
    return padded, lengths


def mask_from_lengths(lengths, width):
    """Boolean ``(n, width)``: True at the real positions ``t < lengths[i]`` of each row, False at the padding.
    Each length must be between 1 and ``width``."""
    width = check_int(width, "width", max_value=MAX_SEQ_LEN)
    lengths = check_lengths(lengths, width)
    return np.arange(width)[None, :] < lengths[:, None]


def check_lengths(lengths, width):
    """Return ``lengths`` as a 1-d int64 array, each between 1 and ``width`` (the padded width)."""
    width = check_int(width, "width", max_value=MAX_SEQ_LEN)
    arr = np.asarray(lengths)
    if arr.ndim != 1 or arr.size == 0 or not (np.issubdtype(arr.dtype, np.integer) or arr.dtype == object
                                               and all(isinstance(v, numbers.Integral) for v in arr)):
        raise TypeError(f"lengths must be a non-empty 1-d sequence of integers, got {arr.dtype} of shape {arr.shape}")
    arr = arr.astype(np.int64)
    if arr.min() < 1:
        raise ValueError(f"lengths must be >= 1 (a sequence of length 0 has no last step), got {int(arr.min())} "
                         f"at index {int(np.argmin(arr))}")
    if arr.max() > width:
        raise ValueError(f"lengths must be <= the padded width {width}, got {int(arr.max())} at index "
                         f"{int(np.argmax(arr))}")
    return arr


def masked_mean(values, mask):
    """The mean of ``values`` over the positions where ``mask`` is True (the padding left out).
    ``mask`` must have exactly the shape of ``values`` and at least one True."""
    values = np.asarray(values, dtype=np.float64)
    mask = np.asarray(mask)
    if mask.dtype != bool:
        raise TypeError(f"mask must be an array of booleans, got dtype {mask.dtype}")
    if mask.shape != values.shape:
        raise ValueError(f"mask must have the shape of values {values.shape}, got {mask.shape}")
    if not mask.any():
        raise ValueError("mask selects no position: the mean over nothing is undefined")
    return float(values[mask].mean())


def decoder_pairs(targets, *, bos=BOS, eos=EOS):
    """Teacher forcing: for each target ``t``, the decoder's input ``[bos] + t`` and its expected output
    ``t + [eos]`` (two lists of 1-d int64 arrays, each one longer than ``t``)."""
    targets = _check_sequences(targets, "targets")
    bos = check_int(bos, "bos", min_value=0, max_value=MAX_VOCAB - 1)
    eos = check_int(eos, "eos", min_value=0, max_value=MAX_VOCAB - 1)
    if bos == eos:
        raise ValueError(f"bos and eos must differ, got {bos} for both")
    inputs = [np.concatenate([[bos], t]).astype(np.int64) for t in targets]
    outputs = [np.concatenate([t, [eos]]).astype(np.int64) for t in targets]
    return inputs, outputs


def strip_eos(ids, *, eos=EOS):
    """The ids of one decoded output up to (not including) its first ``eos``, as an int64 array."""
    ids = np.asarray(ids)
    if ids.ndim != 1 or not (np.issubdtype(ids.dtype, np.integer) or ids.size == 0):
        raise TypeError(f"ids must be a 1-d sequence of integers, got {ids.dtype} of shape {ids.shape}")
    ids = ids.astype(np.int64)
    stop = np.flatnonzero(ids == eos)
    return ids[:stop[0]] if stop.size else ids


def exact_match(predicted, targets, *, eos=EOS):
    """Boolean ``(n,)``: True where the ``predicted`` output, cut at its first ``eos``, equals the target
    exactly (same length, same symbols)."""
    targets = _check_sequences(targets, "targets")
    if not isinstance(predicted, (list, tuple)):
        raise TypeError(f"predicted must be a list of 1-d integer arrays, got {type(predicted).__name__}")
    if len(predicted) != len(targets):
        raise ValueError(f"predicted and targets must have the same number of sequences, got {len(predicted)} "
                         f"and {len(targets)}")
    return np.array([np.array_equal(strip_eos(p, eos=eos), t) for p, t in zip(predicted, targets)], dtype=bool)


def check_beam_width(beam_width):
    """Return ``beam_width`` as an int in ``1..MAX_BEAM_WIDTH`` (1 is greedy decoding)."""
    return check_int(beam_width, "beam_width", min_value=1, max_value=MAX_BEAM_WIDTH)


def check_max_decode_len(max_len):
    """Return ``max_len``, the most tokens a decoder may emit, as an int in ``1..MAX_DECODE_LEN``."""
    return check_int(max_len, "max_len", min_value=1, max_value=MAX_DECODE_LEN)


def _check_sequences(sequences, name):
    if isinstance(sequences, np.ndarray) and sequences.ndim == 2:
        raise TypeError(f"{name} must be a list of 1-d integer arrays of their own lengths, got one 2-d array "
                        f"{sequences.shape} (already padded?)")
    if isinstance(sequences, (str, bytes)) or not isinstance(sequences, (list, tuple)):
        raise TypeError(f"{name} must be a list of 1-d integer arrays, got {type(sequences).__name__}")
    if not sequences:
        raise ValueError(f"{name} is empty")
    if len(sequences) > MAX_BATCH_SIZE * 100:
        raise ValueError(f"{name} holds {len(sequences)} sequences, more than {MAX_BATCH_SIZE * 100}")
    out = []
    for i, s in enumerate(sequences):
        arr = np.asarray(s)
        if arr.ndim != 1 or not (np.issubdtype(arr.dtype, np.integer) or arr.size == 0):
            raise TypeError(f"{name}[{i}] must be a 1-d sequence of integers, got {arr.dtype} of shape {arr.shape}")
        if arr.size == 0:
            raise ValueError(f"{name}[{i}] has length 0; every sequence needs at least one token")
        if arr.size > MAX_SEQ_LEN:
            raise ValueError(f"{name}[{i}] has length {arr.size}, more than {MAX_SEQ_LEN}")
        if arr.min() < 0:
            raise ValueError(f"{name}[{i}] contains the negative id {int(arr.min())}; ids are >= 0")
        out.append(arr.astype(np.int64))
    return out
