"""Count baselines in bits per character: add-k and interpolated Kneser–Ney n-grams (numpy only)."""
from __future__ import annotations

import dataclasses
import time

import numpy as np

from .._validation import check_float, check_int
from ..settings import MAX_NGRAM_ORDER
from ._checks import _check_below, _check_ids, _check_vocab_size, _vocab_for


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
        n = check_int(n, "n", max_value=MAX_NGRAM_ORDER)
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
    max_n = check_int(max_n, "max_n", max_value=MAX_NGRAM_ORDER)
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
