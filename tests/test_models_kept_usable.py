"""Every public function that takes a model leaves it usable, and leaves its weights alone unless changing them
is its job (on Keras-on-JAX, an inference path once donated the model's own arrays: "Array has been deleted")."""
import numpy as np
import pytest

import rnnlab
from rnnlab import char_models, gradients, text, weights
from rnnlab.backends import backend_of

VOCAB = text.Vocabulary(tuple("abcdefgh"))
IDS = np.arange(400, dtype=np.int64) * 5 % len(VOCAB)


def snapshot(model):
    """Copies (never views) of the model's trainable weights (a stateful Keras layer's state is a non-trainable
    weight that running the model changes); on Keras reading them fails if an array was deleted."""
    if backend_of(model) == "torch":
        return [v.detach().clone().numpy() for v in model.state_dict().values()]
    model.get_weights()  # every weight, the state included, is still readable
    import keras

    return [np.array(keras.ops.convert_to_numpy(v.value)) for v in model.trainable_variables]


def assert_same(before, after):
    assert len(before) == len(after)
    for a, b in zip(before, after):
        np.testing.assert_array_equal(a, b)


def char_logits(model):
    x = (np.arange(12) % len(VOCAB))[None]
    if backend_of(model) == "torch":
        import torch

        with torch.no_grad():
            return model(torch.from_numpy(x))[0].numpy()
    return np.asarray(model(x.astype("int32"), training=False))


def sequence_calls(backend):
    X = np.random.default_rng(0).normal(size=(8, 5, 1)).astype(np.float32)
    y = (X[:, 0, :] > 0).astype(np.float32)
    other = rnnlab.build_model("lstm", backend, hidden_size=4, seed=1)
    other_torch = rnnlab.build_model("lstm", "torch", hidden_size=4, seed=2)
    # (name, call, changes the model's weights)
    return X, [
        ("predict", lambda m: rnnlab.predict(m, X), False),
        ("gradient_norms", lambda m: gradients.gradient_norms(m, X, y), False),
        ("gradient_norms sum", lambda m: gradients.gradient_norms(m, X), False),
        ("get_weights", lambda m: weights.get_weights(m), False),
        # torch's two bias vectors are written back as (sum, 0): the same function, documented in rnnlab.weights
        ("set_weights own", lambda m: weights.set_weights(m, weights.get_weights(m)), backend == "torch"),
        ("transfer from", lambda m: weights.transfer(m, other), False),
        ("transfer to torch", lambda m: weights.transfer(m, rnnlab.build_model("lstm", "torch", hidden_size=4)), False),
        ("set_weights other", lambda m: weights.set_weights(m, weights.get_weights(other)), True),
        ("transfer into", lambda m: weights.transfer(other_torch, m), True),
        ("train", lambda m: rnnlab.train(m, X, y, X_val=X, y_val=y, epochs=2, batch_size=4, progress=False), True),
    ]


def check_sequence_model_kept(backend, X, name, call, changes):
    model = rnnlab.build_model("lstm", backend, hidden_size=4, seed=0)
    rnnlab.predict(model, X)
    before = snapshot(model)
    call(model)
    after = snapshot(model)
    if not changes:
        assert_same(before, after)
    predictions = rnnlab.predict(model, X)
    assert predictions.shape == (len(X), 1) and np.isfinite(predictions).all(), name
    assert_same(after, snapshot(model))
    call(model)  # and the same call works a second time
    assert np.isfinite(rnnlab.predict(model, X)).all(), name


def test_sequence_model_functions_leave_the_model_usable(backend):
    X, calls = sequence_calls(backend)
    for name, call, changes in calls:
        check_sequence_model_kept(backend, X, name, call, changes)


def char_calls(backend):
    calls = [
        ("hidden_states", lambda m: char_models.hidden_states(m, IDS[:20]), False),
        ("sample", lambda m: char_models.sample(m, VOCAB, prime="abc", length=5), False),
        ("bits_per_char", lambda m: char_models.bits_per_char(m, IDS, batch_size=2, seq_len=10), False),
    ]
    if backend == "keras":
        calls.append(("reset_keras_states", char_models.reset_keras_states, False))
    else:
        calls.append(("train_torch", lambda m: char_models.train_torch(
            m, IDS, IDS[:100], steps=3, batch_size=2, seq_len=10, eval_every=2), True))
    return calls


@pytest.mark.parametrize("batch_size", [None, 1])
def test_char_model_functions_leave_the_model_usable(backend, batch_size):
    if backend == "torch" and batch_size is not None:
        pytest.skip("batch_size is a Keras option")
    options = {} if batch_size is None else {"batch_size": batch_size}
    for name, call, changes in char_calls(backend):
        model = char_models.build_char_model("lstm", backend, vocab_size=len(VOCAB), hidden_size=8,
                                             embedding_size=4, **options)
        char_logits(model)
        before = snapshot(model)
        call(model)
        after = snapshot(model)
        if not changes:
            assert_same(before, after)
        assert np.isfinite(char_logits(model)).all(), name
        call(model)
        assert np.isfinite(char_logits(model)).all(), name
        if not changes:
            assert_same(before, snapshot(model))


def test_keras_hidden_states_then_weights_still_readable(keras):
    """The reported case: hidden_states on a Keras model, then its own ``get_weights``."""
    model = char_models.build_char_model("lstm", "keras", vocab_size=10, hidden_size=8)
    before = [np.array(w, copy=True) for w in model.get_weights()]
    first = char_models.hidden_states(model, np.arange(10))
    second = char_models.hidden_states(model, np.arange(10))
    np.testing.assert_array_equal(first, second)
    assert_same(before, model.get_weights())
