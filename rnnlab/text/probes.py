"""Per-character signals of a text and the hidden units that track them (numpy, pandas for the table)."""
from __future__ import annotations

import numpy as np

from .._validation import check_array, check_int
from ._checks import _check_text

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
