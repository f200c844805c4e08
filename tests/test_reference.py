"""The numpy reference cells agree with torch and Keras on the same random weights."""
import numpy as np
import pytest

from rnnlab.reference import forward, gru_forward, lstm_forward, rnn_forward
from rnnlab.weights import CellWeights, random_weights, set_weights

SHAPES = [  # (T, batch, input_size, hidden_size)
    (1, 1, 1, 1),
    (7, 3, 2, 5),
    (25, 4, 3, 16),
]
BOTH = [("rnn", "tanh", True), ("rnn", "relu", True), ("lstm", "tanh", True), ("gru", "tanh", True)]
KERAS_ONLY = [("lstm", "relu", True), ("gru", "relu", True), ("gru", "tanh", False), ("gru", "relu", False)]
TOL = {"rtol": 1e-5, "atol": 1e-5}


def case(cell, activation, reset_after, shape, seed=0):
    T, batch, inputs, hidden = shape
    x = np.random.default_rng(seed).normal(size=(batch, T, inputs)).astype(np.float32)
    return x, random_weights(cell, inputs, hidden, activation=activation, reset_after=reset_after, seed=seed)


def torch_states(torch, x, w):
    layers = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}
    kwargs = {"nonlinearity": w.activation} if w.cell == "rnn" else {}
    layer = layers[w.cell](w.input_size, w.hidden_size, batch_first=True, **kwargs)
    set_weights(layer, w)
    with torch.no_grad():
        states, last = layer(torch.from_numpy(x))
    return states.numpy(), (last[1][0].numpy() if w.cell == "lstm" else None)


def keras_states(keras, x, w):
    layers = {"rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}
    kwargs = {"reset_after": w.reset_after} if w.cell == "gru" else {}
    layer = layers[w.cell](w.hidden_size, activation=w.activation, return_sequences=True, return_state=True,
                           **kwargs)
    set_weights(layer, w)
    states, *last = layer(x)
    return np.asarray(states), (np.asarray(last[1]) if w.cell == "lstm" else None)


def reference_states(x, w):
    if w.cell == "lstm":
        hs, cs = lstm_forward(x, w)
        return hs, cs[:, -1]
    return forward(x, w), None


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("cell,activation,reset_after", BOTH)
def test_reference_matches_torch(torch, cell, activation, reset_after, shape):
    x, w = case(cell, activation, reset_after, shape)
    ref_h, ref_c = reference_states(x, w)
    h, c = torch_states(torch, x, w)
    np.testing.assert_allclose(h, ref_h, **TOL)
    if cell == "lstm":
        np.testing.assert_allclose(c, ref_c, **TOL)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("cell,activation,reset_after", BOTH + KERAS_ONLY)
def test_reference_matches_keras(keras, cell, activation, reset_after, shape):
    x, w = case(cell, activation, reset_after, shape)
    ref_h, ref_c = reference_states(x, w)
    h, c = keras_states(keras, x, w)
    np.testing.assert_allclose(h, ref_h, **TOL)
    if cell == "lstm":
        np.testing.assert_allclose(c, ref_c, **TOL)


def test_gru_reset_placement_matters():
    """Same matrices, b_hn = 0: resetting before or after U_n still gives different states."""
    x, after = case("gru", "tanh", True, (6, 2, 2, 4))
    after.arrays["b_hn"][:] = 0.0
    before = CellWeights("gru", "tanh", {k: v for k, v in after.arrays.items() if k != "b_hn"}, reset_after=False)
    assert np.abs(gru_forward(x, before) - gru_forward(x, after)).max() > 1e-3


def test_shapes_and_float64():
    x, w = case("lstm", "tanh", True, (5, 3, 2, 4))
    hs, cs = lstm_forward(x, w)
    assert hs.shape == cs.shape == (3, 5, 4) and hs.dtype == np.float64


@pytest.mark.parametrize("func,x,weights,error,match", [
    (rnn_forward, np.zeros((2, 3)), random_weights("rnn", 1, 2), ValueError, "x must have 3 dimensions"),
    (rnn_forward, np.zeros((2, 3, 4)), random_weights("rnn", 1, 2), ValueError, "input_size=1"),
    (rnn_forward, np.zeros((2, 3, 1)), {"W": 1}, TypeError, "weights must be a CellWeights"),
    (lstm_forward, np.zeros((2, 3, 1)), random_weights("gru", 1, 2), ValueError, "expected cell='lstm'"),
    (gru_forward, [[["a"]]], random_weights("gru", 1, 2), TypeError, "x must be array-like"),
    (forward, np.full((1, 2, 1), np.nan), random_weights("gru", 1, 2), ValueError, "x contains NaN"),
    (forward, np.zeros((1, 2, 1)), None, TypeError, "weights must be a CellWeights"),
])
def test_bad_input(func, x, weights, error, match):
    with pytest.raises(error, match=match):
        func(x, weights)
