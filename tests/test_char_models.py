"""Character-level language models (rnnlab.char_models) on both backends."""
import math

import numpy as np
import pytest

from rnnlab import char_models, text

CORPUS = text.load_text("tinyshakespeare")[:20000]
VOCAB = text.Vocabulary.from_text(text.load_text("tinyshakespeare"))
IDS = VOCAB.encode(CORPUS)


def small(cell="lstm", backend="torch", **kwargs):
    kwargs.setdefault("hidden_size", 16)
    kwargs.setdefault("embedding_size", 8)
    return char_models.build_char_model(cell, backend, vocab_size=len(VOCAB), **kwargs)


def logits_of(model, x):
    """Logits of a stateless forward pass from zero state, as numpy (batch, time, vocab)."""
    if char_models.backend_of(model) == "torch":
        import torch

        with torch.no_grad():
            return model(torch.from_numpy(x))[0].numpy()
    return np.asarray(model(x.astype("int32"), training=False))


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("layers", [1, 2])
def test_shapes_and_parameter_count(backend, cell, layers):
    model = small(cell, backend, num_layers=layers, dropout=0.2 if layers == 2 else 0.0)
    out = logits_of(model, IDS[:21].reshape(3, 7))
    assert out.shape == (3, 7, len(VOCAB))
    counted = (sum(p.numel() for p in model.parameters()) if backend == "torch" else model.count_params())
    assert counted == char_models.count_char_parameters(cell, vocab_size=len(VOCAB), hidden_size=16,
                                                        embedding_size=8, num_layers=layers, backend=backend)


def test_matching_hidden_size_equalises_parameters():
    reference = char_models.count_char_parameters("lstm", vocab_size=65, hidden_size=256)
    for cell in ("rnn", "gru"):
        hidden = char_models.matching_hidden_size(cell, reference, vocab_size=65)
        count = char_models.count_char_parameters(cell, vocab_size=65, hidden_size=hidden)
        neighbours = [char_models.count_char_parameters(cell, vocab_size=65, hidden_size=h) for h in (hidden - 1, hidden + 1)]
        assert all(abs(count - reference) <= abs(n - reference) for n in neighbours)
        assert abs(count - reference) / reference < 0.01
    assert char_models.matching_hidden_size("lstm", reference, vocab_size=65) == 256
    with pytest.raises(ValueError, match="parameters"):
        char_models.matching_hidden_size("gru", 10, vocab_size=65)


def test_torch_state_carried_across_batches_equals_one_pass(torch):
    model = small("gru")
    x = torch.from_numpy(IDS[:80].reshape(2, 40))
    with torch.no_grad():
        whole, _ = model(x)
        first, state = model(x[:, :25])
        second, _ = model(x[:, 25:], state)
    np.testing.assert_allclose(torch.cat([first, second], 1).numpy(), whole.numpy(), atol=1e-5)


def test_keras_stateful_layers_carry_the_state(keras):
    """Stateful (fixed batch) layers continue each row from the previous batch, also inside compiled calls."""
    stateless = small("lstm", "keras", seed=1)
    stateful = small("lstm", "keras", seed=1, batch_size=2)
    for a, b in zip(stateless.trainable_variables, stateful.trainable_variables):  # same seed, same weights
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    x = IDS[:80].reshape(2, 40).astype("int32")
    whole = logits_of(stateless, x)
    char_models.reset_keras_states(stateful)
    halves = np.concatenate([stateful.predict_on_batch(x[:, :25]), stateful.predict_on_batch(x[:, 25:])], axis=1)
    np.testing.assert_allclose(halves, whole, atol=1e-4)
    char_models.reset_keras_states(stateful)
    np.testing.assert_allclose(stateful.predict_on_batch(x[:, :25]), whole[:, :25], atol=1e-4)


def test_stream_arrays_are_the_stream_batches_in_order():
    X, Y = char_models.stream_arrays(IDS, batch_size=4, seq_len=30)
    batches = list(text.StreamBatches(IDS, batch_size=4, seq_len=30))
    assert X.shape == (4 * len(batches), 30)
    for k, (x, y) in enumerate(batches):
        np.testing.assert_array_equal(X[4 * k:4 * k + 4], x)
        np.testing.assert_array_equal(Y[4 * k:4 * k + 4], y)


def test_bits_per_char_with_carried_state_equals_whole_streams(backend):
    """Windows of 20 with the state carried give the cross-entropy of each stream read in one pass."""
    model = small("lstm", backend, seed=2)
    ids = IDS[:1001]
    got = char_models.bits_per_char(model, ids, batch_size=4, seq_len=20)
    streams = text.StreamBatches(ids, batch_size=4, seq_len=20)
    used = len(streams) * 20
    x, y = streams._x[:, :used], streams._y[:, :used]
    logits = logits_of(model, np.ascontiguousarray(x)).astype(np.float64)
    log_p = logits - logits.max(-1, keepdims=True)
    log_p -= np.log(np.exp(log_p).sum(-1, keepdims=True))
    expected = -np.take_along_axis(log_p, y[..., None], -1).mean() / math.log(2)
    assert got == pytest.approx(expected, abs=1e-4)
    assert 5.5 < got < 6.5  # an untrained model is close to uniform: log2(65) = 6.02


def test_sampling_is_reproducible_and_checked(backend):
    model = small("gru", backend, num_layers=2, dropout=0.1, seed=3)
    first = char_models.sample(model, VOCAB, prime="ROMEO:\n", length=40, temperature=0.8, seed=5)
    assert first == char_models.sample(model, VOCAB, prime="ROMEO:\n", length=40, temperature=0.8, seed=5)
    assert len(first) == 40 and set(first) <= set(VOCAB.chars)
    assert first != char_models.sample(model, VOCAB, prime="ROMEO:\n", length=40, temperature=0.8, seed=6)
    with pytest.raises(ValueError, match="prime.*outside the vocabulary.*@"):
        char_models.sample(model, VOCAB, prime="Romeo @ home", length=5)
    with pytest.raises(ValueError, match="prime"):
        char_models.sample(model, VOCAB, prime="", length=5)
    for bad in (0, -1.0):
        with pytest.raises(ValueError, match="temperature"):
            char_models.sample(model, VOCAB, prime="A", length=5, temperature=bad)
    with pytest.raises(ValueError, match="length"):
        char_models.sample(model, VOCAB, prime="A", length=0)
    with pytest.raises(ValueError, match="vocab"):
        char_models.sample(model, text.Vocabulary("ab"), prime="a", length=5)


def test_low_temperature_picks_the_most_likely_character(torch):
    model = small("lstm", seed=4)
    greedy = []
    with torch.no_grad():
        model.head.weight.mul_(100.0)  # untrained logits differ by ~1e-3; spread them so the argmax is clear
        logits, state = model(torch.from_numpy(VOCAB.encode("KING")[None]))
        for _ in range(15):
            greedy.append(int(logits[0, -1].argmax()))
            logits, state = model(torch.tensor([[greedy[-1]]]), state)
    assert char_models.sample(model, VOCAB, prime="KING", length=15, temperature=1e-3, seed=0) == VOCAB.decode(greedy)


def test_hidden_states_shape_and_backends(backend):
    model = small("rnn", backend, num_layers=2, dropout=0.1)
    states = char_models.hidden_states(model, IDS[:50])
    assert states.shape == (50, 16) and np.all(np.abs(states) <= 1)


def test_train_torch_learns_and_is_reproducible(torch):
    train, val = IDS[:15000], IDS[15000:]
    runs = []
    for _ in range(2):
        model = small("lstm", hidden_size=32, seed=0)
        runs.append(char_models.train_torch(model, train, val, steps=40, batch_size=8, seq_len=25, lr=1e-2,
                                            decay_steps=40, eval_every=20, seed=0))
    first, second = runs
    assert [r["steps"] for r in first] == [20, 40]
    assert [(r["train_bpc"], r["val_bpc"]) for r in first] == [(r["train_bpc"], r["val_bpc"]) for r in second]
    assert first[-1]["val_bpc"] < first[0]["val_bpc"] < math.log2(len(VOCAB))


@pytest.mark.parametrize("kwargs, match", [
    ({"cell": "lstmx"}, "cell"),
    ({"backend": "jax"}, "backend"),
    ({"vocab_size": 1}, "vocab_size"),
    ({"hidden_size": 0}, "hidden_size"),
    ({"num_layers": 0}, "num_layers"),
    ({"dropout": 0.3}, "dropout"),
    ({"dropout": 1.0, "num_layers": 2}, "dropout"),
    ({"batch_size": 0}, "batch_size"),
    ({"seed": -1}, "seed"),
])
def test_bad_arguments_name_the_parameter(kwargs, match):
    args = {"cell": "lstm", "backend": "torch", "vocab_size": 65, **kwargs}
    with pytest.raises((ValueError, TypeError), match=match):
        char_models.build_char_model(args.pop("cell"), args.pop("backend"), **args)


def test_bad_training_and_evaluation_arguments(torch):
    model = small("rnn")
    with pytest.raises(ValueError, match="seq_len"):
        char_models.bits_per_char(model, IDS[:100], batch_size=4, seq_len=50)
    with pytest.raises(ValueError, match="batch_size"):
        char_models.train_torch(model, IDS[:10], IDS[:10], steps=1, batch_size=20, seq_len=2)
    with pytest.raises(ValueError, match="steps"):
        char_models.train_torch(model, IDS, IDS, steps=0, batch_size=2, seq_len=2)
    with pytest.raises(TypeError, match="model"):
        char_models.bits_per_char(torch.nn.Linear(2, 2), IDS, batch_size=2, seq_len=2)


def test_stored_char_lm_table_and_weights(torch):
    import rnnlab.tables

    table = rnnlab.tables.load("char_lm")
    meta = rnnlab.tables.about("char_lm")
    final = table.dropna(subset=["test_bpc"])
    for name in ("rnn", "lstm", "gru", "lstm_2layer_dropout"):
        runs = final[final.model == name]
        assert sorted(runs.seed) == [0, 1, 2] and (runs.steps == meta["models"][name]["steps_budget"]).all()
    counts = final.groupby("model").parameters.first()
    assert (abs(counts - counts["lstm"]) / counts["lstm"] < 0.01).all()  # equal parameter counts
    _, _, test = text.split_text(VOCAB.encode(text.load_text("tinyshakespeare")))
    assert list(meta["saved_models"]) == ["lstm_long", "lstm_2layer_dropout_long", "lstm_2layer_dropout_xl"]
    for name in meta["saved_models"]:  # the shipped weights reproduce the stored test bpc
        spec = meta["models"][name]
        model = char_models.build_char_model("lstm", vocab_size=len(VOCAB), hidden_size=spec["hidden_size"],
                                             num_layers=spec["num_layers"], dropout=spec["dropout"])
        model.load_state_dict({k: torch.from_numpy(v) for k, v in rnnlab.tables.char_lm_weights(name).items()})
        stored = final[final.model == name].test_bpc.item()
        got = char_models.bits_per_char(model, test, batch_size=meta["settings"]["batch_size"],
                                        seq_len=meta["settings"]["seq_len"])
        assert got == pytest.approx(stored, abs=1e-3)
    with pytest.raises(ValueError, match="model"):
        rnnlab.tables.char_lm_weights("gru")


def test_sample_with_temperature_check(capsys):
    from rnnlab import checks

    def right(logits, temperature, rng):
        z = np.asarray(logits) / temperature
        p = np.exp(z - z.max())
        return int(rng.choice(len(p), p=p / p.sum()))

    def ignores_temperature(logits, temperature, rng):
        return right(logits, 1.0, rng)

    def global_generator(logits, temperature, rng):
        return right(logits, temperature, np.random.default_rng())

    def returns_probabilities(logits, temperature, rng):
        z = np.asarray(logits) / temperature
        return np.exp(z) / np.exp(z).sum()

    assert checks.sample_with_temperature(right)
    for wrong in (ignores_temperature, global_generator, returns_probabilities):
        assert not checks.sample_with_temperature(wrong)
    out = capsys.readouterr().out
    assert out.count("✅") == 1 and out.count("❌") == 3


def test_train_torch_replays_the_stored_table(torch):
    """The benchmark's code path reproduces its own early points: the first 100 steps of a stored GRU run."""
    import rnnlab.tables

    table, meta = rnnlab.tables.load("char_lm"), rnnlab.tables.about("char_lm")
    spec, settings = meta["models"]["gru"], meta["settings"]
    stored = table[(table.model == "gru") & (table.seed == 1) & (table.steps == 100)].val_bpc.item()
    train, val, _ = text.split_text(VOCAB.encode(text.load_text("tinyshakespeare")))
    model = char_models.build_char_model("gru", vocab_size=len(VOCAB), hidden_size=spec["hidden_size"], seed=1)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the table was measured on one thread
    try:
        records = char_models.train_torch(model, train, val, steps=100, decay_steps=spec["steps_budget"],
                                          eval_every=100, seed=1, **settings)
    finally:
        torch.set_num_threads(threads)
    assert records[0]["val_bpc"] == pytest.approx(stored, abs=1e-4)


def test_keras_fit_carries_the_state_across_batches(keras):
    """fit(shuffle=False) on stream arrays continues each row: after two windows the layer's state is the state
    after reading each whole row (weights frozen by a zero learning rate)."""
    stateful = small("gru", "keras", seed=5, batch_size=2)
    stateful.compile(optimizer=keras.optimizers.SGD(0.0),
                     loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    rows = IDS[:82]
    X, Y = char_models.stream_arrays(rows, batch_size=2, seq_len=20)
    assert X.shape == (4, 20)
    char_models.reset_keras_states(stateful)
    stateful.fit(X, Y, batch_size=2, epochs=1, shuffle=False, verbose=0)
    carried = np.asarray(stateful.get_layer("rnn_1").states[0])
    stateless = small("gru", "keras", seed=5)
    reader = keras.Model(stateless.inputs, stateless.get_layer("rnn_1").output)
    whole = np.asarray(reader(np.concatenate([X[:2], X[2:]], axis=1).astype("int32")))  # each stream whole
    np.testing.assert_allclose(carried, whole[:, -1], atol=1e-5)
