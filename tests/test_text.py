import hashlib
import itertools
import math
import subprocess
import sys

import numpy as np
import pytest

from rnnlab import text
from rnnlab.text import (AddK, KneserNey, StreamBatches, Vocabulary, best_ngram, bigram_bpc, char_signals,
                         find_tracking_units, load_text, ngram_bpc, split_text, unigram_bpc)
from rnnlab.text.ngrams import _modified_discounts

SHAKESPEARE_SHA256 = "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed"


@pytest.fixture(scope="module")
def shakespeare():
    return load_text("tinyshakespeare")


@pytest.fixture(scope="module")
def small_ids(shakespeare):
    """The first 3,000 characters as ids, over the whole corpus's vocabulary."""
    vocab = Vocabulary.from_text(shakespeare)
    return vocab, vocab.encode(shakespeare[:3000])


# --------------------------------------------------------------------------------------------- data, vocabulary

def test_shipped_corpus_is_the_documented_file(shakespeare):
    assert len(shakespeare) == 1_115_394
    assert hashlib.sha256(shakespeare.encode("utf-8")).hexdigest() == SHAKESPEARE_SHA256
    assert shakespeare.startswith("First Citizen:\n")


def test_unknown_corpus_lists_the_available_ones():
    with pytest.raises(ValueError, match="tinyshakespeare"):
        load_text("war_and_peace")
    with pytest.raises(TypeError, match="name"):
        load_text(3)


def test_vocabulary_is_sorted_and_round_trips(shakespeare):
    vocab = Vocabulary.from_text(shakespeare)
    assert vocab.chars == tuple(sorted(set(shakespeare))) and len(vocab) == 65
    ids = vocab.encode(shakespeare)
    assert ids.dtype == np.int64 and ids.shape == (len(shakespeare),)
    assert ids.min() == 0 and ids.max() == 64
    assert vocab.decode(ids) == shakespeare
    assert vocab.encode("\n")[0] == 0 and vocab.decode([vocab.chars.index("z")]) == "z"
    assert vocab.decode(np.int64(1)) == vocab.chars[1]
    assert vocab.encode("").shape == (0,) and vocab.decode([]) == ""


def test_vocabulary_in_any_order_encodes_by_position():
    vocab = Vocabulary("zéa")
    np.testing.assert_array_equal(vocab.encode("aézz"), [2, 1, 0, 0])
    assert vocab.decode([2, 1, 0]) == "aéz"


def test_vocabulary_refuses_unknown_characters_and_bad_ids():
    vocab = Vocabulary.from_text("hello world")
    with pytest.raises(ValueError, match=r"text has 2 character\(s\) outside the vocabulary: 'HW'"):
        vocab.encode("Hello World")
    with pytest.raises(ValueError, match="prime"):
        vocab.encode("xyz", name="prime")
    with pytest.raises(TypeError, match="text must be a string"):
        vocab.encode([1, 2])
    with pytest.raises(ValueError, match=r"ids must be in \[0, 8\)"):
        vocab.decode([0, 8])
    with pytest.raises(ValueError, match="non-negative"):
        vocab.decode([-1])
    with pytest.raises(TypeError, match="integer ids"):
        vocab.decode([0.5])
    with pytest.raises(TypeError, match="integer ids, got a string"):
        vocab.decode("abc")
    with pytest.raises(ValueError, match="text is empty"):
        Vocabulary.from_text("")
    with pytest.raises(ValueError, match="distinct"):
        Vocabulary("aba")
    with pytest.raises(TypeError, match="single characters"):
        Vocabulary(["ab", "c"])


# ------------------------------------------------------------------------------------------------------ split

def test_split_is_contiguous_by_position_and_deterministic():
    ids = np.arange(1000)
    train, val, test = split_text(ids, val_fraction=0.1, test_fraction=0.05)
    assert (len(train), len(val), len(test)) == (850, 100, 50)
    np.testing.assert_array_equal(np.concatenate([train, val, test]), ids)
    assert train[-1] + 1 == val[0] and val[-1] + 1 == test[0]
    again = split_text(ids, val_fraction=0.1, test_fraction=0.05)
    assert all(np.array_equal(a, b) for a, b in zip((train, val, test), again))
    parts = split_text("abcdefghijklmnopqrst", val_fraction=0.1, test_fraction=0.1)
    assert parts == ("abcdefghijklmnop", "qr", "st")


@pytest.mark.parametrize("kwargs, match", [
    ({"val_fraction": 0}, "val_fraction"), ({"test_fraction": 1.0}, "test_fraction"),
    ({"val_fraction": 0.6, "test_fraction": 0.5}, "val_fraction \\+ test_fraction"),
])
def test_split_refuses_bad_fractions(kwargs, match):
    with pytest.raises(ValueError, match=match):
        split_text(np.arange(100), **kwargs)


def test_split_refuses_text_too_short_for_three_parts():
    with pytest.raises(ValueError, match="too short"):
        split_text(np.arange(10))          # 5% of 10 rounds to 0
    with pytest.raises(ValueError, match="ids_or_text is empty"):
        split_text("")


# ---------------------------------------------------------------------------------------------- stream batches

def test_stream_batches_continue_row_by_row():
    ids = np.arange(1003)
    batches = StreamBatches(ids, batch_size=4, seq_len=10)
    assert batches.stream_len == 250 and len(batches) == 25
    seen = list(batches)
    assert len(seen) == 25
    for x, y in seen:
        assert x.shape == y.shape == (4, 10) and x.dtype == y.dtype == np.int64
        np.testing.assert_array_equal(y, x + 1)           # targets are the next character
    for (x0, _), (x1, _) in zip(seen, seen[1:]):
        np.testing.assert_array_equal(x1[:, 0], x0[:, -1] + 1)   # row r of batch i+1 starts where row r of batch i ended
    np.testing.assert_array_equal(seen[0][0][:, 0], [0, 250, 500, 750])   # the streams are the text cut in 4
    np.testing.assert_array_equal(batches[-1][0], seen[-1][0])


def test_stream_batches_on_real_text_decode_to_the_text(small_ids):
    vocab, ids = small_ids
    batches = StreamBatches(ids, batch_size=3, seq_len=50)
    row0 = "".join(vocab.decode(x[0]) for x, _ in batches)
    assert load_text()[:3000].startswith(row0) and len(row0) == 50 * len(batches)


@pytest.mark.parametrize("n, kwargs, match", [
    (1, {"batch_size": 1, "seq_len": 1}, "at least 2"),
    (10, {"batch_size": 10, "seq_len": 1}, "batch_size=10 does not fit"),
    (101, {"batch_size": 4, "seq_len": 26}, "seq_len=26 does not fit"),
    (101, {"batch_size": 0, "seq_len": 5}, "batch_size must be >= 1"),
    (101, {"batch_size": 2, "seq_len": 0}, "seq_len must be >= 1"),
])
def test_stream_batches_refuse_what_does_not_fit(n, kwargs, match):
    with pytest.raises(ValueError, match=match):
        StreamBatches(np.arange(n), **kwargs)


def test_stream_batches_largest_fitting_sizes_work():
    x, y = StreamBatches(np.arange(101), batch_size=4, seq_len=25)[0]
    assert x.shape == (4, 25) and y[-1, -1] == 100


def test_stream_batches_refuse_non_ids():
    with pytest.raises(TypeError, match="ids must be integer ids"):
        StreamBatches(np.linspace(0, 1, 50), batch_size=2, seq_len=3)
    with pytest.raises(TypeError, match="encode it"):
        StreamBatches("some text", batch_size=2, seq_len=3)
    with pytest.raises(ValueError, match="ids is empty"):
        StreamBatches([], batch_size=2, seq_len=3)


# ---------------------------------------------------------------------------------------------- count models

def _reference_kneser_ney(train, n, discount, vocab_size):
    """Interpolated Kneser-Ney written straight from the formula with dictionaries, for small texts."""
    grams = {k: {} for k in range(1, n + 1)}
    for k in range(1, n + 1):
        for i in range(len(train) - k + 1):
            g = tuple(train[i:i + k])
            grams[k][g] = grams[k].get(g, 0) + 1
    counts = {n: grams[n]}
    for k in range(1, n):      # continuation counts: distinct characters seen before the k-gram
        counts[k] = {}
        for g in grams[k + 1]:
            counts[k][g[1:]] = counts[k].get(g[1:], 0) + 1

    def prob(w, ctx):
        k = len(ctx) + 1
        if k == 0 or k > n:
            raise AssertionError
        lower = prob(w, ctx[1:]) if k > 1 else 1.0 / vocab_size
        conts = {g[-1]: c for g, c in counts[k].items() if g[:-1] == ctx}
        total = sum(conts.values())
        if total == 0:
            return lower
        return max(conts.get(w, 0) - discount, 0) / total + discount * len(conts) / total * lower

    return prob


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_kneser_ney_matches_the_formula_written_out(small_ids, n):
    _, ids = small_ids
    train, vocab_size = ids[:600], 65
    reference = _reference_kneser_ney(train.tolist(), n, 0.7, vocab_size)
    model = KneserNey(train, n, discount=0.7, vocab_size=vocab_size)
    contexts = [ids[700:700 + n - 1], ids[900:900 + n - 1], np.array([64, 64, 64][:n - 1]), ids[700:700 + max(n - 2, 0)]]
    for ctx in contexts:
        expected = [reference(w, tuple(ctx.tolist())) for w in range(vocab_size)]
        np.testing.assert_allclose(model.distribution(ctx), expected, rtol=1e-12)
    heldout = ids[1000:1100]
    expected = [reference(int(heldout[j]), tuple(heldout[max(0, j - n + 1):j].tolist())) for j in range(len(heldout))]
    np.testing.assert_allclose(model.probabilities(heldout), expected, rtol=1e-12)


@pytest.mark.parametrize("model", [
    lambda tr: KneserNey(tr, 5, vocab_size=65), lambda tr: KneserNey(tr, 3, discount=0.3, vocab_size=65),
    lambda tr: KneserNey(tr, 1, vocab_size=65), lambda tr: AddK(tr, 2, k=0.5, vocab_size=65),
    lambda tr: AddK(tr, 1, vocab_size=65), lambda tr: AddK(tr, 4, k=0.01, vocab_size=65),
])
def test_probabilities_sum_to_one_for_every_context(small_ids, model):
    _, ids = small_ids
    m = model(ids[:2500])
    rng = np.random.default_rng(0)
    contexts = [ids[s:s + length] for s, length in itertools.product(range(2500, 2990, 7), range(0, 6))]
    contexts += [rng.integers(0, 65, size=4) for _ in range(30)]       # mostly unseen contexts
    for ctx in contexts:
        p = m.distribution(ctx)
        assert p.shape == (65,) and np.all(p > 0)
        assert math.isclose(p.sum(), 1.0, rel_tol=1e-12)


def test_add_k_is_counts_plus_k():
    train = np.array([0, 1, 1, 2, 1, 1, 0])
    assert unigram_bpc(train, [1], k=1.0, vocab_size=4) == pytest.approx(-math.log2((4 + 1) / (7 + 4)))
    # after a 1: counts 1->1 twice, 1->2 once, 1->0 once (4 bigrams start with 1)
    assert bigram_bpc(train, [1, 2], k=0.5, vocab_size=3) == pytest.approx(
        -(math.log2((4 + 0.5) / (7 + 1.5)) + math.log2((1 + 0.5) / (4 + 1.5))) / 2)


def test_modified_discounts_follow_chen_goodman():
    counts = np.array([1] * 10 + [2] * 4 + [3] * 3 + [4] * 2 + [9] * 5)
    y = 10 / (10 + 2 * 4)
    assert _modified_discounts(counts) == pytest.approx((1 - 2 * y * 4 / 10, 2 - 3 * y * 3 / 4, 3 - 4 * y * 2 / 3))


def test_longer_contexts_help_on_real_text(shakespeare):
    vocab = Vocabulary.from_text(shakespeare)
    train, val, _ = split_text(vocab.encode(shakespeare[:200_000]))
    bpc = [ngram_bpc(train, val, n, vocab_size=len(vocab)) for n in (1, 2, 3, 4)]
    assert bpc == sorted(bpc, reverse=True) and bpc[0] - bpc[3] > 1.0
    assert unigram_bpc(train, val) == pytest.approx(bpc[0], abs=0.01)   # add-1 and KN agree at n=1 on big counts
    assert bpc[0] < math.log2(len(vocab))                              # unigram beats uniform


def test_best_ngram_picks_n_on_validation_only(shakespeare):
    vocab = Vocabulary.from_text(shakespeare)
    train, val, test = split_text(vocab.encode(shakespeare[:100_000]))
    result = best_ngram(train, val, test, max_n=6)
    assert set(result.val_bpc_by_n) == set(range(1, 7))
    assert result.n == min(result.val_bpc_by_n, key=result.val_bpc_by_n.get)
    assert result.val_bpc == result.val_bpc_by_n[result.n]
    assert result.test_bpc == pytest.approx(ngram_bpc(train, test, result.n, vocab_size=65))
    for n, bpc in result.val_bpc_by_n.items():       # shared tables give what a model of its own gives
        assert bpc == pytest.approx(ngram_bpc(train, val, n, vocab_size=65), rel=1e-12)
    assert result.n > 2 and result.seconds > 0


def test_count_models_refuse_bad_input():
    ids = np.arange(10) % 3
    with pytest.raises(ValueError, match="n must be >= 1"):
        ngram_bpc(ids, ids, 0)
    with pytest.raises(TypeError, match="n must be an integer"):
        ngram_bpc(ids, ids, 2.5)
    with pytest.raises(ValueError, match="train is empty"):
        ngram_bpc([], ids, 2)
    with pytest.raises(ValueError, match="heldout is empty"):
        unigram_bpc(ids, [])
    with pytest.raises(ValueError, match="k must be in"):
        bigram_bpc(ids, ids, k=0)
    with pytest.raises(ValueError, match="discount must be in"):
        ngram_bpc(ids, ids, 3, discount=1.5)
    with pytest.raises(ValueError, match="vocab_size must be at least"):
        ngram_bpc(ids, np.array([5]), 2, vocab_size=4)
    with pytest.raises(ValueError, match="max_n must be >= 1"):
        best_ngram(ids, ids, ids, max_n=0)
    with pytest.raises(TypeError, match="encode it"):
        unigram_bpc("abc", "abc")
    with pytest.raises(ValueError, match="context has id 7"):
        KneserNey(ids, 2, vocab_size=3).distribution([7])


def test_heldout_characters_unseen_in_training_get_finite_bpc():
    assert np.isfinite(ngram_bpc(np.array([0, 1, 0, 1]), np.array([2, 2, 0]), 3))
    assert np.isfinite(bigram_bpc(np.array([0, 1, 0, 1]), np.array([2, 2, 0])))


def test_bpc_from_nats():
    assert text.bpc_from_nats(math.log(2)) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="loss"):
        text.bpc_from_nats(-1.0)


# ------------------------------------------------------------------------------------------ interpretability

def test_char_signals_describe_each_character():
    s = "ROMEO:\nAy me, sad.\n\nFirst Lord:\nO 'tis!"
    sig = char_signals(s)
    assert all(v.shape == (len(s),) for v in sig.values())
    assert sig["position_in_line"][s.index("A")] == 0 and sig["position_in_line"][s.index("y")] == 1
    assert sig["position_in_line"][s.index(":")] == 5
    speaker = "".join(c for c, on in zip(s, sig["speaker_name"]) if on)
    assert speaker == "ROMEO:First Lord:"                     # not "Ay me, sad." although it follows "ROMEO:"
    assert "".join(c for c, on in zip(s, sig["line_start"]) if on) == "RA\nFO"
    assert sig["position_in_word"][s.index("'")] == 0 and sig["position_in_word"][s.index("'") + 3] == 3
    assert sig["position_in_word"][s.index(" ")] == -1
    assert "".join(c for c, on in zip(s, sig["vowel"]) if on) == "OEOAeaioOi"
    assert "".join(c for c, on in zip(s, sig["after_sentence_end"]) if on) == ".\n\n!"
    assert sig["newline"].sum() == 4 and sig["whitespace"].sum() == 4 + 4
    assert "".join(c for c, on in zip(s, sig["punctuation"]) if on) == ":,.:'!"
    with pytest.raises(ValueError, match="text is empty"):
        char_signals("")


def test_speaker_signal_on_the_corpus(shakespeare):
    sig = char_signals(shakespeare[:5000])
    lines = shakespeare[:5000].split("\n")
    n_speakers = sum(1 for i, line in enumerate(lines) if line.endswith(":") and (i == 0 or lines[i - 1] == ""))
    starts = np.flatnonzero(np.diff(np.r_[0.0, sig["speaker_name"]]) == 1)
    assert len(starts) == n_speakers > 20


def test_find_tracking_units_finds_the_planted_unit():
    sig = char_signals(load_text()[:4000])
    rng = np.random.default_rng(1)
    acts = rng.normal(size=(4000, 32))
    acts[:, 17] = np.tanh(sig["position_in_line"] / 20) + 0.3 * rng.normal(size=4000)
    acts[:, 5] = -sig["speaker_name"] + 0.5 * rng.normal(size=4000)
    table = find_tracking_units(acts, sig, top=2)
    assert list(table.columns) == ["unit", "signal", "r", "abs_r"]
    assert len(table) == 2 * len(sig)
    assert table["abs_r"].is_monotonic_decreasing
    best = table.groupby("signal").first()
    assert best.loc["position_in_line", "unit"] == 17 and best.loc["position_in_line", "r"] > 0.5
    assert best.loc["speaker_name", "unit"] == 5 and best.loc["speaker_name", "r"] < -0.4
    np.testing.assert_allclose(best.loc["position_in_line", "r"],
                               np.corrcoef(acts[:, 17], sig["position_in_line"])[0, 1])
    full = find_tracking_units(acts, sig, top=None)
    assert len(full) == 32 * len(sig) and full.iloc[0]["abs_r"] == table.iloc[0]["abs_r"]
    noise = full[~full["unit"].isin([5, 17])]
    assert noise["abs_r"].max() < 0.1                       # pure-noise units stay near zero


def test_find_tracking_units_constant_columns_are_nan_and_last():
    acts = np.c_[np.zeros(50), np.arange(50.0)]
    table = find_tracking_units(acts, {"ramp": np.arange(50.0), "flat": np.ones(50)}, top=None)
    assert table.iloc[0][["unit", "signal"]].tolist() == [1, "ramp"] and table.iloc[0]["r"] == pytest.approx(1.0)
    assert table["r"].isna().sum() == 3 and table["r"].iloc[1:].isna().all()


def test_find_tracking_units_validates_shapes():
    with pytest.raises(ValueError, match="activations must have 2 dimensions"):
        find_tracking_units(np.zeros((3, 4, 5)), {"a": np.zeros(3)})
    with pytest.raises(ValueError, match=r"signals\['a'\] has 4 values but activations has 3"):
        find_tracking_units(np.zeros((3, 2)), {"a": np.zeros(4)})
    with pytest.raises(TypeError, match="non-empty dict"):
        find_tracking_units(np.zeros((3, 2)), {})
    with pytest.raises(ValueError, match="top must be >= 1"):
        find_tracking_units(np.zeros((3, 2)), {"a": np.zeros(3)}, top=0)
    with pytest.raises(ValueError, match="at least 2 time steps"):
        find_tracking_units(np.zeros((1, 2)), {"a": np.zeros(1)})


def test_import_rnnlab_gives_text_without_framework_or_pandas():
    code = ("import sys, rnnlab; rnnlab.text.load_text(); "
            "print([m for m in ('torch', 'tensorflow', 'keras', 'jax', 'pandas') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_training_text_shorter_than_n_still_gives_distributions():
    train = np.array([0, 1, 2])
    for model in (KneserNey(train, 6, vocab_size=4), AddK(train, 6, vocab_size=4)):
        for ctx in ([], [0, 1], [2, 0, 1, 2, 3]):
            p = model.distribution(ctx)
            assert np.all(p > 0) and math.isclose(p.sum(), 1.0, rel_tol=1e-12)
    result = best_ngram(train, [0, 1], [1, 2], max_n=6, vocab_size=4)
    assert np.isfinite(result.test_bpc) and set(result.val_bpc_by_n) == set(range(1, 7))


def test_text_package_gives_the_public_names_of_its_modules():
    """rnnlab.text is a package of corpus, ngrams and probes; its names stay reachable as rnnlab.text.X."""
    from rnnlab.text import corpus, ngrams, probes

    assert text.__all__ == ["CORPORA", "load_text", "Vocabulary", "split_text", "StreamBatches", "bpc_from_nats",
                            "AddK", "KneserNey", "unigram_bpc", "bigram_bpc", "ngram_bpc", "NgramResult",
                            "best_ngram", "VOWELS", "char_signals", "find_tracking_units"]
    for name in text.__all__:
        home = next(m for m in (corpus, ngrams, probes) if hasattr(m, name))
        assert getattr(text, name) is getattr(home, name), name
