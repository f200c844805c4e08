"""Character-level text, framework-neutral (numpy only): the shipped corpus, a character vocabulary, a split
by position, batches for truncated backpropagation through time, count baselines in bits per character,
and per-character signals for looking for a hidden unit that tracks something readable.

Bits per character (bpc) is the mean of ``-log2 p(next character)`` over held-out text; perplexity per
character is ``2 ** bpc``.
"""
from __future__ import annotations

import dataclasses
import importlib.resources
import math
import numbers
import time

import numpy as np

from ._validation import check_array, check_float, check_int

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
        chars = tuple(chars)
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


# ----------------------------------------------------------------------------------------------- count models

class _Grams:
    """Every k-gram (k = 1..n) of the training ids under a dense id, looked up in O(log) by sorted keys.

    The id of a k-gram is built from its first character and the id of its last k-1 characters,
    ``key = first * n_ids[k-1] + id(suffix)``, so keys stay below ``vocab_size * len(train)`` for any n.
    """

    def __init__(self, train, n, vocab_size):
        self.vocab_size = vocab_size
        self.keys = {1: None}                       # order 1: the id is the character itself
        self.n_ids = {1: vocab_size}
        self.counts = {1: np.bincount(train, minlength=vocab_size)}
        self.context = {1: np.zeros(vocab_size, dtype=np.int64)}   # one empty context
        self.suffix = {}
        ids_prev = train                            # id of the (k-1)-gram ending at each position
        for k in range(2, n + 1):
            if len(train) < k:
                break
            key = train[:len(train) - k + 1] * self.n_ids[k - 1] + ids_prev[1:]
            self.keys[k], ids_k = np.unique(key, return_inverse=True)
            self.n_ids[k] = len(self.keys[k])
            self.counts[k] = np.bincount(ids_k, minlength=self.n_ids[k])
            self.context[k] = np.empty(self.n_ids[k], dtype=np.int64)
            self.context[k][ids_k] = ids_prev[:-1]  # the (k-1)-gram ending one position earlier
            self.suffix[k] = np.empty(self.n_ids[k], dtype=np.int64)
            self.suffix[k][ids_k] = ids_prev[1:]
            ids_prev = ids_k
        self.max_order = max(self.keys)

    def lookup(self, window, end):
        """For rows of ``window`` (-1 = no character), the ids of the k-grams ending at column ``end`` for
        k = 1..max_order: ``{k: ids}``, -1 where the k-gram is unseen or runs past the row's start."""
        out = {1: window[:, end].copy()}
        for k in range(2, min(self.max_order, end + 1) + 1):
            first, prev = window[:, end - k + 1], out[k - 1]
            ok = (first >= 0) & (prev >= 0)
            key = first * self.n_ids[k - 1] + prev
            pos = np.minimum(np.searchsorted(self.keys[k], key), self.n_ids[k] - 1)
            out[k] = np.where(ok & (self.keys[k][pos] == key), pos, -1)
        return out

    def lookups(self, window):
        """Ids of the k-grams ending at the last column (with the target) and at the one before (the context)."""
        width = window.shape[1]
        return self.lookup(window, width - 1), (self.lookup(window, width - 2) if width > 1 else {})

    def context_totals(self, k, counts):
        """Per context of order k: the sum of ``counts`` and how many continuations have count 1, 2 and >= 3."""
        n_ctx = 1 if k == 1 else self.n_ids[k - 1]
        ctx = self.context[k]
        total = np.bincount(ctx, weights=counts, minlength=n_ctx)
        n1, n2, n3 = (np.bincount(ctx, weights=sel, minlength=n_ctx)
                      for sel in (counts == 1, counts == 2, counts >= 3))
        return total, n1, n2, n3


class _CountModel:
    """Shared by the count models: windows of held-out text, log-probabilities, bpc and full distributions."""

    n: int
    vocab_size: int

    def _prepare(self, train, n, vocab_size):
        n = check_int(n, "n")
        train = _check_ids(train, "train")
        self._use(_Grams(train, n, _check_vocab_size(vocab_size, train)), n)

    def _use(self, grams, n):
        """Count with ``grams`` (tables up to order n or beyond, shared between models of different n)."""
        self.n, self.vocab_size, self._grams = n, grams.vocab_size, grams
        self._top = min(n, grams.max_order)      # below n only when the training text is shorter than n

    def probabilities(self, heldout):
        """p(heldout[j] | the up to n-1 characters before it in ``heldout``) for every position j."""
        heldout = _check_ids(heldout, "heldout")
        _check_below(heldout, self.vocab_size, "heldout")
        window = _windows(heldout, self.n)
        return self._prob(window, self._grams.lookups(window))

    def bpc(self, heldout):
        """Bits per character on ``heldout``: mean of -log2 p over every position."""
        return float(-np.mean(np.log2(self.probabilities(heldout))))

    def distribution(self, context=()):
        """p(c | context) for every id c of the vocabulary (uses the last n-1 ids of ``context``)."""
        context = _check_ids(context, "context", allow_empty=True)
        _check_below(context, self.vocab_size, "context")
        context = context[len(context) - self.n + 1:] if self.n > 1 else context[:0]
        row = np.concatenate([np.full(self.n - 1 - len(context), -1, dtype=np.int64), context, [0]])
        window = np.repeat(row[None, :], self.vocab_size, axis=0)
        window[:, -1] = np.arange(self.vocab_size)
        return self._prob(window, self._grams.lookups(window))

    def _prob(self, window, lookups):
        """p(last column | the columns before it) for every row of ``window``, given ``_Grams.lookups(window)``."""
        raise NotImplementedError


def _windows(ids, width):
    """Row j: the width-1 ids before ``ids[j]`` (-1 before the start) and ``ids[j]`` itself."""
    padded = np.concatenate([np.full(width - 1, -1, dtype=np.int64), ids])
    return np.lib.stride_tricks.sliding_window_view(padded, width)


class AddK(_CountModel):
    """n-gram with add-k smoothing: p(c | ctx) = (count(ctx c) + k) / (count(ctx ·) + k V).

    Positions with fewer than n-1 characters before them use the longest context they have."""

    def __init__(self, train, n, *, k=1.0, vocab_size=None):
        self.k = check_float(k, "k", low=0, low_inclusive=False)
        self._prepare(train, n, vocab_size)
        g = self._grams
        self._totals = {order: g.context_totals(order, g.counts[order])[0] for order in range(1, self._top + 1)}

    def _prob(self, window, lookups):
        g, (ids, ctx) = self._grams, lookups
        p = np.full(len(window), np.nan)
        for order in range(1, self._top + 1):     # each row ends with the longest context it has
            has_context = window[:, -order] >= 0
            c = np.zeros(len(window), dtype=np.int64) if order == 1 else ctx[order - 1]
            count = np.where(ids[order] >= 0, g.counts[order][np.maximum(ids[order], 0)], 0)
            total = np.where(c >= 0, self._totals[order][np.maximum(c, 0)], 0)
            p = np.where(has_context, (count + self.k) / (total + self.k * self.vocab_size), p)
        return p


class KneserNey(_CountModel):
    """Interpolated Kneser–Ney n-gram (Kneser & Ney 1995; Chen & Goodman 1998).

    p_k(c | ctx) = max(N(ctx c) - D, 0) / N(ctx ·) + gamma(ctx) p_{k-1}(c | shorter ctx), down to the uniform
    1/V. ``N`` is the raw count at the top order and the number of distinct preceding characters
    (continuation count) below it; gamma gives the discounted mass to the lower order, so every context's
    probabilities sum to 1. ``discount=None`` uses Chen & Goodman's modified Kneser–Ney: three discounts per
    order (counts 1, 2, >= 3) estimated from the count-of-counts; a number uses that one discount everywhere.
    The discounts used are in ``discounts``: ``{order: (D1, D2, D3+)}``.
    """

    def __init__(self, train, n, *, discount=None, vocab_size=None):
        if discount is not None:
            discount = check_float(discount, "discount", low=0, high=1, low_inclusive=False)
        self.discount = discount
        self._prepare(train, n, vocab_size)
        self._fit()

    @classmethod
    def _on(cls, grams, n, discount):
        """A model on already built (possibly higher-order) tables, arguments already checked."""
        model = cls.__new__(cls)
        model.discount = discount
        model._use(grams, n)
        model._fit()
        return model

    def _fit(self):
        g, discount = self._grams, self.discount
        self._levels, self.discounts = {}, {}
        for order in range(1, self._top + 1):
            counts = g.counts[order] if order == self.n else self._continuation_counts(order)
            d = self.discounts[order] = (discount,) * 3 if discount is not None else _modified_discounts(counts)
            total, n1, n2, n3 = g.context_totals(order, counts)
            backoff_mass = d[0] * n1 + d[1] * n2 + d[2] * n3
            with np.errstate(invalid="ignore", divide="ignore"):
                gamma = np.where(total > 0, backoff_mass / np.maximum(total, 1e-300), 1.0)
            discount_of = np.select([counts == 0, counts == 1, counts == 2], [0.0, d[0], d[1]], d[2])
            self._levels[order] = (counts - discount_of, total, gamma)

    def _continuation_counts(self, order):
        """For each gram of this order: how many distinct characters precede it in the training text."""
        g = self._grams
        if order + 1 not in g.suffix:
            return np.zeros(g.n_ids[order])
        return np.bincount(g.suffix[order + 1], minlength=g.n_ids[order]).astype(np.float64)

    def _prob(self, window, lookups):
        ids, ctx = lookups
        p = np.full(len(window), 1.0 / self.vocab_size)
        for order in range(1, self._top + 1):
            discounted, total, gamma = self._levels[order]
            c = np.zeros(len(window), dtype=np.int64) if order == 1 else ctx[order - 1]
            usable = (window[:, -order] >= 0) & (c >= 0)
            cc = np.maximum(c, 0)
            usable &= total[cc] > 0
            num = np.where(ids[order] >= 0, discounted[np.maximum(ids[order], 0)], 0.0)
            p = np.where(usable, num / np.where(usable, total[cc], 1.0) + gamma[cc] * p, p)
        return p


def _modified_discounts(counts):
    """Chen & Goodman's D1, D2, D3+ from the count-of-counts n1..n4: Y = n1/(n1 + 2 n2), D_j = j - (j+1) Y n_{j+1}/n_j.
    Undefined estimates (tiny texts) become j/2, and every D_j is clipped into [0.1, j - 0.1] so that it stays
    below the counts it discounts and leaves mass for unseen characters."""
    c = np.asarray(counts)
    nk = [float(np.sum(c == j)) for j in (1, 2, 3, 4)]
    y = nk[0] / (nk[0] + 2 * nk[1]) if nk[0] + 2 * nk[1] > 0 else 0.5
    out = []
    for j in (1, 2, 3):
        d = j - (j + 1) * y * nk[j] / nk[j - 1] if nk[j - 1] > 0 else j / 2
        out.append(float(np.clip(d, 0.1, j - 0.1)))
    return tuple(out)


def unigram_bpc(train, heldout, *, k=1.0, vocab_size=None):
    """Bits per character of the add-k character frequencies of ``train`` on ``heldout``."""
    return AddK(train, 1, k=k, vocab_size=_vocab_for(vocab_size, train=train, heldout=heldout)).bpc(heldout)


def bigram_bpc(train, heldout, *, k=1.0, vocab_size=None):
    """Bits per character of the add-k bigram p(c | previous character) of ``train`` on ``heldout``."""
    return AddK(train, 2, k=k, vocab_size=_vocab_for(vocab_size, train=train, heldout=heldout)).bpc(heldout)


def ngram_bpc(train, heldout, n, *, discount=None, vocab_size=None):
    """Bits per character of an interpolated Kneser–Ney n-gram of ``train`` on ``heldout`` (see :class:`KneserNey`)."""
    return KneserNey(train, n, discount=discount,
                     vocab_size=_vocab_for(vocab_size, train=train, heldout=heldout)).bpc(heldout)


@dataclasses.dataclass(frozen=True)
class NgramResult:
    """The n chosen on validation and its bits per character on validation and test."""

    n: int
    val_bpc: float
    test_bpc: float
    val_bpc_by_n: dict
    discount: float | None
    seconds: float


def best_ngram(train, val, test, *, max_n=8, discount=None, vocab_size=None):
    """Fit Kneser–Ney n-grams on ``train`` for n = 1..max_n, keep the n with the lowest validation bpc and
    report its bpc on ``test`` (the test text plays no part in the choice). The n-gram tables and the
    validation look-ups are built once for max_n and shared by every n."""
    max_n = check_int(max_n, "max_n")
    if discount is not None:
        discount = check_float(discount, "discount", low=0, high=1, low_inclusive=False)
    vocab_size = _vocab_for(vocab_size, train=train, val=val, test=test)
    train, val, test = (_check_ids(a, name) for a, name in ((train, "train"), (val, "val"), (test, "test")))
    start = time.perf_counter()
    grams = _Grams(train, max_n, vocab_size)
    val_window = _windows(val, max_n)
    val_lookups = grams.lookups(val_window)
    models, val_bpc = {}, {}
    for n in range(1, max_n + 1):
        models[n] = KneserNey._on(grams, n, discount)
        val_bpc[n] = float(-np.mean(np.log2(models[n]._prob(val_window, val_lookups))))
    best = min(val_bpc, key=val_bpc.get)
    test_bpc = models[best].bpc(test)
    return NgramResult(n=best, val_bpc=val_bpc[best], test_bpc=test_bpc, val_bpc_by_n=val_bpc, discount=discount,
                       seconds=time.perf_counter() - start)


# ------------------------------------------------------------------------------------------ interpretability

VOWELS = frozenset("aeiouAEIOU")


def char_signals(text):
    """Readable per-character signals of ``text``, each a float array with one value per character
    (``signals[name][t]`` describes ``text[t]``; compare it with the hidden state after reading ``text[t]``).

    - ``position_in_line``: characters since the last newline (0 for a line's first character)
    - ``position_in_word``: letters and apostrophes since the word began (-1 outside words)
    - ``speaker_name``: 1 inside a speaker line, a line ending in ``:`` that opens the text or follows a blank
      line (``ROMEO:``, ``First Citizen:`` in tiny Shakespeare), else 0
    - ``line_start``, ``newline``, ``whitespace``, ``vowel``, ``uppercase``, ``punctuation``: 1 or 0
    - ``after_sentence_end``: 1 from a ``.``, ``!`` or ``?`` up to the next letter, else 0
    """
    _check_text(text, "text")
    chars = np.array(list(text))
    n = len(chars)
    is_newline = chars == "\n"
    idx = np.arange(n)
    line_start_idx = np.maximum.accumulate(np.where(np.r_[True, is_newline[:-1]], idx, 0))
    in_word = np.char.isalpha(chars) | (chars == "'")
    word_start_idx = np.maximum.accumulate(np.where(in_word & ~np.r_[False, in_word[:-1]], idx, 0))
    is_stop = np.isin(chars, [".", "!", "?"])
    is_letter = np.char.isalpha(chars)
    last_stop = np.maximum.accumulate(np.where(is_stop, idx, -1))
    last_letter = np.maximum.accumulate(np.where(is_letter, idx, -1))
    return {
        "position_in_line": (idx - line_start_idx).astype(np.float64),
        "position_in_word": np.where(in_word, idx - word_start_idx, -1).astype(np.float64),
        "speaker_name": _speaker_lines(text).astype(np.float64),
        "line_start": np.r_[True, is_newline[:-1]].astype(np.float64),
        "newline": is_newline.astype(np.float64),
        "whitespace": np.char.isspace(chars).astype(np.float64),
        "vowel": np.isin(chars, list(VOWELS)).astype(np.float64),
        "uppercase": np.char.isupper(chars).astype(np.float64),
        "punctuation": (~np.char.isalnum(chars) & ~np.char.isspace(chars)).astype(np.float64),
        "after_sentence_end": ((last_stop >= 0) & (last_stop > last_letter)).astype(np.float64),
    }


def _speaker_lines(text):
    """1 for every character of a line that ends in ':' and opens the text or follows a blank line."""
    mask = np.zeros(len(text), dtype=bool)
    start, previous_blank = 0, True
    for line in text.split("\n"):
        if previous_blank and line.endswith(":"):
            mask[start:start + len(line)] = True
        previous_blank = line == ""
        start += len(line) + 1
    return mask


def find_tracking_units(activations, signals, top=5):
    """Correlate every hidden unit with every signal and rank them.

    ``activations`` is ``(time, units)`` (the hidden state after each character), ``signals`` a dict of
    ``(time,)`` arrays such as :func:`char_signals` returns. Returns a pandas DataFrame with columns
    ``unit, signal, r, abs_r`` (Pearson r and its absolute value) sorted by ``abs_r`` descending, keeping the
    ``top`` best units of each signal (``top=None`` keeps all). A constant unit or signal has r = NaN, last.
    """
    import pandas as pd

    acts = check_array(activations, "activations", ndim=2, dtype=np.float64)
    if acts.shape[0] < 2:
        raise ValueError(f"activations needs at least 2 time steps, got shape {acts.shape}")
    if not isinstance(signals, dict) or not signals:
        raise TypeError(f"signals must be a non-empty dict of name -> (time,) array, got {type(signals).__name__}")
    if top is not None:
        top = check_int(top, "top")
    names = list(signals)
    columns = []
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"signals keys must be strings, got {type(name).__name__} {name!r}")
        s = check_array(signals[name], f"signals[{name!r}]", ndim=1, dtype=np.float64)
        if len(s) != acts.shape[0]:
            raise ValueError(f"signals[{name!r}] has {len(s)} values but activations has {acts.shape[0]} time steps "
                             "(one row per character)")
        columns.append(s)
    r = _pearson(acts, np.stack(columns, axis=1))          # (units, signals)
    table = pd.DataFrame({
        "unit": np.repeat(np.arange(acts.shape[1]), len(names)),
        "signal": np.tile(names, acts.shape[1]),
        "r": r.reshape(-1),
    })
    table["abs_r"] = table["r"].abs()
    table = table.sort_values(["abs_r", "unit", "signal"], ascending=[False, True, True], na_position="last",
                              kind="stable")
    if top is not None:
        table = table.groupby("signal", sort=False).head(top)
    return table.reset_index(drop=True)


def _pearson(a, b):
    """Pearson r between every column of ``a`` (T, U) and every column of ``b`` (T, S); NaN for constant columns."""
    a = a - a.mean(axis=0)
    b = b - b.mean(axis=0)
    na, nb = np.sqrt((a * a).sum(axis=0)), np.sqrt((b * b).sum(axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (a.T @ b) / np.outer(na, nb)
    r[(na == 0)[:, None] | (nb == 0)[None, :]] = np.nan
    return np.clip(r, -1.0, 1.0)


# ---------------------------------------------------------------------------------------------- validation

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
    if vocab_size < needed:
        raise ValueError(f"vocab_size must be at least the largest id + 1 = {needed}, got {vocab_size}")
    return int(vocab_size)


def _vocab_for(vocab_size, **arrays):
    """The vocabulary size shared by all ``arrays`` (name=ids): ``vocab_size`` checked, or the largest id + 1."""
    return _check_vocab_size(vocab_size, *(_check_ids(a, name) for name, a in arrays.items()))
