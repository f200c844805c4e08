"""Character-level text, framework-neutral (numpy only): the shipped corpus, a character vocabulary, a split
by position, batches for truncated backpropagation through time, count baselines in bits per character,
and per-character signals for looking for a hidden unit that tracks something readable.

Bits per character (bpc) is the mean of ``-log2 p(next character)`` over held-out text; perplexity per
character is ``2 ** bpc``.
"""
from __future__ import annotations

from .corpus import CORPORA, StreamBatches, Vocabulary, bpc_from_nats, load_text, split_text
from .ngrams import AddK, KneserNey, NgramResult, best_ngram, bigram_bpc, ngram_bpc, unigram_bpc
from .probes import VOWELS, char_signals, find_tracking_units

__all__ = [
    "CORPORA", "load_text", "Vocabulary", "split_text", "StreamBatches", "bpc_from_nats",
    "AddK", "KneserNey", "unigram_bpc", "bigram_bpc", "ngram_bpc", "NgramResult", "best_ngram",
    "VOWELS", "char_signals", "find_tracking_units",
]
