"""Ids and sizes given to the character-model API, the n-gram models and the job count are checked up front:
each refusal names the parameter and the allowed range, before anything is allocated or trained."""
import argparse

import numpy as np
import pytest

from rnnlab import char_models, cli, text
from rnnlab.experiments import run_experiment
from rnnlab.settings import (MAX_BATCH_SIZE, MAX_HIDDEN, MAX_JOBS, MAX_LAYERS, MAX_LR, MAX_NGRAM_ORDER,
                             MAX_SAMPLE_LENGTH, MAX_VOCAB)

VOCAB = text.Vocabulary(tuple("abcdefgh"))
IDS = np.arange(600, dtype=np.int64) * 3 % len(VOCAB)


def small(backend="torch"):
    return char_models.build_char_model("lstm", backend, vocab_size=len(VOCAB), hidden_size=6, embedding_size=4)


BAD_IDS = [
    (IDS[:40].astype(np.float64), TypeError, r"ids must be integer ids in \[0, 8\), got dtype float64"),
    (IDS[:40] > 3, TypeError, "got dtype bool"),
    (np.append(IDS[:40], 8), ValueError, r"ids must be ids in \[0, vocab_size=8\), got 8"),
    (np.append(IDS[:40], -1), ValueError, r"ids must be ids in \[0, vocab_size=8\), got -1"),
    ("abc", TypeError, "encode it with Vocabulary.encode"),
    (IDS[:40].reshape(2, 20), ValueError, "1-D"),
]


@pytest.mark.parametrize("ids, error, match", BAD_IDS)
def test_ids_are_integers_the_model_knows(backend, ids, error, match):
    model = small(backend)
    with pytest.raises(error, match=match):
        char_models.hidden_states(model, ids)
    with pytest.raises(error, match=match):
        char_models.bits_per_char(model, ids, batch_size=2, seq_len=5)


def test_valid_ids_of_any_integer_dtype_give_the_same_states(backend):
    model = small(backend)
    expected = char_models.hidden_states(model, IDS[:30])
    for dtype in (np.int8, np.uint16, np.int32):
        np.testing.assert_array_equal(char_models.hidden_states(model, IDS[:30].astype(dtype)), expected)
    np.testing.assert_array_equal(char_models.hidden_states(model, IDS[:30].tolist()), expected)


@pytest.mark.parametrize("kwargs, match", [
    ({"hidden_size": 10**6}, f"hidden_size must be <= {MAX_HIDDEN}"),
    ({"vocab_size": 10**9}, f"vocab_size must be <= {MAX_VOCAB}"),
    ({"embedding_size": 10**9}, f"embedding_size must be <= {MAX_HIDDEN}"),
    ({"num_layers": 10**6}, f"num_layers must be <= {MAX_LAYERS}"),
    ({"batch_size": 10**9}, f"batch_size must be <= {MAX_BATCH_SIZE}"),
])
def test_sizes_are_bounded(kwargs, match):
    args = {"vocab_size": 8, **kwargs}
    with pytest.raises(ValueError, match=match):
        char_models.build_char_model("lstm", "torch", **args)
    args.pop("batch_size", None)
    if len(args) > 1 or "vocab_size" in kwargs:
        with pytest.raises(ValueError, match=match):
            char_models.count_char_parameters("lstm", **{"hidden_size": 8, **args})


def test_matching_hidden_size_is_bounded():
    largest = char_models.count_char_parameters("gru", vocab_size=8, hidden_size=MAX_HIDDEN)
    assert char_models.matching_hidden_size("gru", largest, vocab_size=8) == MAX_HIDDEN
    with pytest.raises(ValueError, match=f"parameters must be <= {largest}"):
        char_models.matching_hidden_size("gru", 10**12, vocab_size=8)


def test_sample_length_and_temperature(backend):
    model = small(backend)
    with pytest.raises(ValueError, match=f"length must be <= {MAX_SAMPLE_LENGTH}"):
        char_models.sample(model, VOCAB, prime="ab", length=10**9)
    for tiny in (1e-310, 5e-324):
        with pytest.raises(ValueError, match=f"temperature={tiny} is too small"):
            char_models.sample(model, VOCAB, prime="ab", length=3, temperature=tiny)
    assert len(char_models.sample(model, VOCAB, prime="ab", length=3, temperature=1e-6)) == 3


def test_reset_keras_states_refuses_a_torch_model():
    with pytest.raises(TypeError, match="Keras character model"):
        char_models.reset_keras_states(small("torch"))


@pytest.mark.parametrize("kwargs, error, match", [
    ({"lr": 1e6}, ValueError, rf"lr must be in \(0.0, {MAX_LR}\]"),
    ({"lr": float("nan")}, ValueError, "lr must be finite"),
    ({"on_eval": "print"}, TypeError, "on_eval must be callable"),
    ({"decay_steps": 0}, ValueError, "decay_steps must be >= 1"),
    ({"val_ids": IDS[:10]}, ValueError, "val_ids cannot be evaluated"),
    ({"val_ids": IDS[:100].astype(float)}, TypeError, "val_ids must be integer ids"),
    ({"val_ids": np.append(IDS[:100], 8)}, ValueError, r"val_ids must be ids in \[0, vocab_size=8\)"),
    ({"train_ids": np.append(IDS, 9)}, ValueError, r"train_ids must be ids in \[0, vocab_size=8\), got 9"),
    ({"train_ids": IDS.astype(np.float32)}, TypeError, "train_ids must be integer ids"),
])
def test_train_torch_refuses_before_training(torch, kwargs, error, match):
    model = small("torch")
    before = {k: v.clone() for k, v in model.state_dict().items()}
    args = {"train_ids": IDS, "val_ids": IDS[:100], "steps": 3, "batch_size": 2, "seq_len": 10, **kwargs}
    with pytest.raises(error, match=match):
        char_models.train_torch(model, args.pop("train_ids"), args.pop("val_ids"), **args)
    for name, value in model.state_dict().items():  # refused before a single step
        assert torch.equal(value, before[name]), name


def test_train_torch_refuses_a_keras_model(keras):
    with pytest.raises(TypeError, match="torch character model"):
        char_models.train_torch(small("keras"), IDS, IDS, steps=1, batch_size=2, seq_len=5)


def test_ngram_orders_are_bounded():
    ids = IDS[:200]
    with pytest.raises(ValueError, match=f"max_n must be <= {MAX_NGRAM_ORDER}"):
        text.best_ngram(ids, ids, ids, max_n=10**9)
    for model in (text.KneserNey, text.AddK):
        with pytest.raises(ValueError, match=f"n must be <= {MAX_NGRAM_ORDER}"):
            model(ids, 10**9)
    assert text.KneserNey(ids, MAX_NGRAM_ORDER).n == MAX_NGRAM_ORDER


@pytest.mark.parametrize("n_jobs", [MAX_JOBS + 1, 1_000_000])
def test_n_jobs_is_bounded(n_jobs):
    with pytest.raises(ValueError, match=f"n_jobs .* must be <= {MAX_JOBS}"):
        run_experiment("adding", seeds=1, n_jobs=n_jobs)


def test_cli_jobs_is_bounded(capsys):
    assert cli._jobs(str(MAX_JOBS)) == MAX_JOBS and cli._jobs("-1") == -1 and cli._jobs("2") == 2
    for value in (str(MAX_JOBS + 1), "1000000", "0", "-2", "x"):
        with pytest.raises(argparse.ArgumentTypeError, match=f"at most {MAX_JOBS}"):
            cli._jobs(value)
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["run", "adding", "--jobs", "1000000"])
    assert exit_info.value.code == 2
    assert f"at most {MAX_JOBS}" in capsys.readouterr().err
