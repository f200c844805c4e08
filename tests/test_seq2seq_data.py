"""rnnlab.seq2seq_data: the transduction strings, padding, lengths and masks of notebook 06, and the claim the
notebook rests on: a padded batch run with packing (torch) or a mask (Keras) gives each sequence the outputs, final
state and loss it gets when run alone, to float32 round-off."""
import numpy as np
import pytest

from rnnlab import seq2seq_data as sd
from rnnlab.settings import MAX_BEAM_WIDTH, MAX_DECODE_LEN

DRAWS = range(12)   # seeded draws replayed by the agreement tests


@pytest.mark.parametrize("task, make", [("reverse", lambda s: s[::-1]), ("sort", np.sort), ("copy", lambda s: s)])
def test_targets_follow_the_task(task, make):
    sources, targets = sd.transduction_task(300, min_len=3, max_len=9, n_symbols=5, task=task, seed=4)
    assert len(sources) == len(targets) == 300
    lengths = [len(s) for s in sources]
    assert min(lengths) == 3 and max(lengths) == 9, "both ends of the length range are drawn"
    for s, t in zip(sources, targets):
        assert s.dtype == t.dtype == np.int64
        np.testing.assert_array_equal(t, make(s))
        assert s.min() >= sd.FIRST_SYMBOL and s.max() < sd.FIRST_SYMBOL + 5
    assert len(np.unique(np.concatenate(sources))) == 5


def test_same_seed_same_strings_other_seed_other_strings():
    a, _ = sd.transduction_task(50, seed=1)
    b, _ = sd.transduction_task(50, seed=1)
    c, _ = sd.transduction_task(50, seed=2)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert not all(len(x) == len(y) and np.array_equal(x, y) for x, y in zip(a, c))


def test_fixed_length_when_min_equals_max():
    sources, targets = sd.transduction_task(40, min_len=7, max_len=7, seed=0)
    assert {len(s) for s in sources} == {7}


def test_pad_sequences_round_trip_and_mask():
    rng = np.random.default_rng(0)
    for _ in DRAWS:
        seqs = [rng.integers(1, 9, size=rng.integers(1, 12)) for _ in range(rng.integers(1, 8))]
        width = max(len(s) for s in seqs) + int(rng.integers(0, 3))
        padded, lengths = sd.pad_sequences(seqs, width=width)
        assert padded.shape == (len(seqs), width) and padded.dtype == lengths.dtype == np.int64
        mask = sd.mask_from_lengths(lengths, width)
        for i, s in enumerate(seqs):
            np.testing.assert_array_equal(padded[i, :lengths[i]], s)
            assert (padded[i, lengths[i]:] == sd.PAD).all()
        np.testing.assert_array_equal(mask, padded != sd.PAD)


def test_decoder_pairs_shift_by_one_and_exact_match_cuts_at_eos():
    targets = [np.array([5, 4, 3]), np.array([7])]
    inputs, outputs = sd.decoder_pairs(targets)
    np.testing.assert_array_equal(inputs[0], [sd.BOS, 5, 4, 3])
    np.testing.assert_array_equal(outputs[0], [5, 4, 3, sd.EOS])
    predicted = [np.array([5, 4, 3, sd.EOS, 9]), np.array([7, 7, sd.EOS])]
    np.testing.assert_array_equal(sd.exact_match(predicted, targets), [True, False])
    np.testing.assert_array_equal(sd.exact_match([np.array([5, 4]), np.array([7])], targets), [False, True])


def test_masked_mean_leaves_the_padding_out():
    values = np.array([[1.0, 2.0, 30.0], [4.0, 50.0, 60.0]])
    mask = sd.mask_from_lengths([2, 1], 3)
    assert sd.masked_mean(values, mask) == pytest.approx(7 / 3)
    assert values.mean() != pytest.approx(7 / 3)


@pytest.mark.parametrize("call, error, match", [
    (lambda: sd.pad_sequences([np.array([3, 0, 4])]), ValueError, r"pad_id=0 is also a real token: sequences\[0\]"),
    (lambda: sd.pad_sequences([np.array([3, 5])], pad_id=5), ValueError, "pad_id=5 is also a real token"),
    (lambda: sd.pad_sequences([np.array([3, 4, 5])], width=2), ValueError, r"width=2 is shorter than sequences\[0\]"),
    (lambda: sd.pad_sequences([np.array([3]), np.array([], dtype=int)]), ValueError, r"sequences\[1\] has length 0"),
    (lambda: sd.pad_sequences([np.array([3, -1])]), ValueError, "negative id"),
    (lambda: sd.pad_sequences([np.array([3.5])]), TypeError, r"sequences\[0\] must be a 1-d sequence of integers"),
    (lambda: sd.pad_sequences(np.ones((2, 3), dtype=int)), TypeError, "already padded"),
    (lambda: sd.pad_sequences([]), ValueError, "sequences is empty"),
    (lambda: sd.pad_sequences("abc"), TypeError, "sequences must be a list"),
    (lambda: sd.pad_sequences([np.array([3])], width=0), ValueError, "width must be >= 1"),
    (lambda: sd.mask_from_lengths([2, 0], 3), ValueError, "lengths must be >= 1"),
    (lambda: sd.mask_from_lengths([2, 4], 3), ValueError, "lengths must be <= the padded width 3"),
    (lambda: sd.mask_from_lengths([2.0, 1.0], 3), TypeError, "lengths must be a non-empty 1-d sequence of integers"),
    (lambda: sd.mask_from_lengths([[2]], 3), TypeError, "lengths must be"),
    (lambda: sd.masked_mean(np.ones((2, 3)), np.ones((3, 2), dtype=bool)), ValueError,
     r"mask must have the shape of values \(2, 3\), got \(3, 2\)"),
    (lambda: sd.masked_mean(np.ones((2, 3)), np.ones((2, 3))), TypeError, "mask must be an array of booleans"),
    (lambda: sd.masked_mean(np.ones((2, 3)), np.zeros((2, 3), dtype=bool)), ValueError, "mask selects no position"),
    (lambda: sd.check_beam_width(0), ValueError, "beam_width must be >= 1"),
    (lambda: sd.check_beam_width(-3), ValueError, "beam_width must be >= 1"),
    (lambda: sd.check_beam_width(MAX_BEAM_WIDTH + 1), ValueError, "beam_width must be <="),
    (lambda: sd.check_beam_width(2.0), TypeError, "beam_width must be an integer"),
    (lambda: sd.check_max_decode_len(0), ValueError, "max_len must be >= 1"),
    (lambda: sd.check_max_decode_len(MAX_DECODE_LEN + 1), ValueError, f"max_len must be <= {MAX_DECODE_LEN}"),
    (lambda: sd.transduction_task(5, min_len=6, max_len=5), ValueError, "max_len must be >= min_len"),
    (lambda: sd.transduction_task(5, min_len=0), ValueError, "min_len must be >= 1"),
    (lambda: sd.transduction_task(5, task="shuffle"), ValueError, "task must be one of"),
    (lambda: sd.transduction_task(5, n_symbols=1), ValueError, "n_symbols must be >= 2"),
    (lambda: sd.decoder_pairs([np.array([3])], bos=2, eos=2), ValueError, "bos and eos must differ"),
    (lambda: sd.exact_match([np.array([3])], [np.array([3]), np.array([4])]), ValueError, "same number"),
])
def test_bad_input_names_the_parameter(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ----------------------------------------------------------------------------- padded = one at a time

def _draw(rng, n_max=6, len_max=9, vocab=8):
    n = int(rng.integers(2, n_max + 1))
    seqs = [rng.integers(sd.FIRST_SYMBOL, vocab, size=int(rng.integers(1, len_max + 1))) for _ in range(n)]
    seqs[0] = rng.integers(sd.FIRST_SYMBOL, vocab, size=len_max)   # one full-width row, the others shorter
    seqs[1] = seqs[1][:max(1, len_max // 3)]
    return seqs


def test_torch_packed_batch_equals_one_at_a_time(torch):
    from torch import nn

    torch.manual_seed(0)
    embed, gru, head = nn.Embedding(8, 5, padding_idx=sd.PAD), nn.GRU(5, 7, batch_first=True), nn.Linear(7, 8)
    rng = np.random.default_rng(1)
    with torch.no_grad():
        for _ in DRAWS:
            seqs = _draw(rng)
            padded, lengths = sd.pad_sequences(seqs)
            x = embed(torch.from_numpy(padded))
            packed = nn.utils.rnn.pack_padded_sequence(x, torch.from_numpy(lengths), batch_first=True,
                                                       enforce_sorted=False)
            out, h_n = gru(packed)
            out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=padded.shape[1])
            targets = torch.from_numpy(padded)   # any target per step will do; the padding's is PAD, ignored
            losses = nn.functional.cross_entropy(head(out).transpose(1, 2), targets, ignore_index=sd.PAD,
                                                 reduction="none")
            unpacked_last, _ = gru(x)
            for i, s in enumerate(seqs):
                alone, h_alone = gru(embed(torch.from_numpy(s)[None]))
                n = len(s)
                torch.testing.assert_close(out[i, :n], alone[0], rtol=0, atol=1e-6)
                assert (out[i, n:] == 0).all(), "pad_packed_sequence fills the padding with zeros"
                torch.testing.assert_close(h_n[0, i], h_alone[0, 0], rtol=0, atol=1e-6)
                target_alone = targets[i, :n][None]
                loss_alone = nn.functional.cross_entropy(head(alone).transpose(1, 2), target_alone,
                                                         ignore_index=sd.PAD, reduction="none")
                torch.testing.assert_close(losses[i, :n], loss_alone[0], rtol=0, atol=1e-5)
            # the classic mistake: the last padded step of an unpacked run is not the final state of a short row
            short = int(np.argmin(lengths))
            assert (unpacked_last[short, -1] - h_n[0, short]).abs().max() > 1e-3


def test_keras_masked_batch_equals_one_at_a_time(keras):
    keras.utils.set_random_seed(0)
    embed = keras.layers.Embedding(8, 5, mask_zero=True)
    gru = keras.layers.GRU(7, return_sequences=True, return_state=True)
    head = keras.layers.Dense(8)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction=None)
    rng = np.random.default_rng(2)
    for _ in DRAWS:
        seqs = _draw(rng)
        padded, lengths = sd.pad_sequences(seqs)
        mask = sd.mask_from_lengths(lengths, padded.shape[1])
        x = embed(padded)
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(embed.compute_mask(padded)), mask)
        out, h = gru(x, mask=embed.compute_mask(padded))
        out, h = keras.ops.convert_to_numpy(out), keras.ops.convert_to_numpy(h)
        targets = padded
        losses = keras.ops.convert_to_numpy(loss_fn(targets, head(out)))
        unmasked, _ = gru(keras.ops.convert_to_numpy(x))   # a plain array: Keras's mask does not travel with it
        for i, s in enumerate(seqs):
            alone, h_alone = (keras.ops.convert_to_numpy(a) for a in gru(embed(s[None])))
            n = len(s)
            np.testing.assert_allclose(out[i, :n], alone[0], rtol=0, atol=1e-6)
            np.testing.assert_allclose(h[i], h_alone[0], rtol=0, atol=1e-6)
            np.testing.assert_allclose(out[i, n:], np.broadcast_to(alone[0, -1], out[i, n:].shape), rtol=0, atol=1e-6)
            loss_alone = keras.ops.convert_to_numpy(loss_fn(targets[i, :n][None], head(alone)))
            np.testing.assert_allclose(losses[i, :n], loss_alone[0], rtol=0, atol=1e-5)
            per_sequence = sd.masked_mean(losses[i:i + 1], mask[i:i + 1])
            assert per_sequence == pytest.approx(float(loss_alone[0].mean()), abs=1e-5)
        short = int(np.argmin(lengths))
        assert np.abs(keras.ops.convert_to_numpy(unmasked)[short, -1] - h[short]).max() > 1e-3, \
            "without the mask, the padded steps change the state"
