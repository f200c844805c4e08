"""Weights move between torch, Keras and the neutral form; parameter counts match the frameworks."""
import numpy as np
import pytest

from rnnlab import build_model, first_token_task, predict, train
from rnnlab.params import count_parameters, parameter_table
from rnnlab.weights import CellWeights, array_names, get_weights, random_weights, set_weights, transfer

CELLS = ["rnn", "lstm", "gru"]


@pytest.fixture(scope="module")
def data():
    return first_token_task(32, 8, seed=0, encoding="signed")


def torch_params(model):
    return {name: p.detach().numpy().copy() for name, p in model.named_parameters()}


def assert_same_arrays(a, b):
    assert a.keys() == b.keys()
    for name in a:
        np.testing.assert_array_equal(a[name], b[name], err_msg=name)


# ---------------------------------------------------------------- conventions

def test_array_names():
    assert array_names("rnn") == ("W", "U", "b")
    assert array_names("lstm")[:4] == ("W_i", "W_f", "W_g", "W_o")
    assert array_names("gru") == ("W_r", "W_z", "W_n", "U_r", "U_z", "U_n", "b_r", "b_z", "b_n", "b_hn")
    assert "b_hn" not in array_names("gru", reset_after=False)


def test_torch_biases_are_summed_and_gate_order_kept(torch):
    model = build_model("lstm", "torch", input_size=2, hidden_size=3)
    w, h = get_weights(model), 3
    rnn = model.rnn
    np.testing.assert_array_equal(w.arrays["W_f"], rnn.weight_ih_l0[h:2 * h].detach().numpy())
    np.testing.assert_array_equal(w.arrays["b_o"], (rnn.bias_ih_l0 + rnn.bias_hh_l0)[3 * h:].detach().numpy())
    assert (w.cell, w.activation, w.input_size, w.hidden_size) == ("lstm", "tanh", 2, 3)


def test_keras_gru_order_and_bias_rows(keras):
    model = build_model("gru", "keras", input_size=2, hidden_size=3)
    cell, h = model.get_layer("rnn").cell, 3
    cell.bias.assign(np.arange(18, dtype=np.float32).reshape(2, 9))
    w = get_weights(model)
    kernel = cell.kernel.numpy()
    np.testing.assert_array_equal(w.arrays["W_z"], kernel[:, :h].T)   # Keras order z, r, h
    np.testing.assert_array_equal(w.arrays["W_r"], kernel[:, h:2 * h].T)
    np.testing.assert_array_equal(w.arrays["b_z"], [9, 11, 13])       # input row + recurrent row
    np.testing.assert_array_equal(w.arrays["b_n"], [6, 7, 8])
    np.testing.assert_array_equal(w.arrays["b_hn"], [15, 16, 17])


# ---------------------------------------------------------------- round trips

@pytest.mark.parametrize("cell", CELLS)
def test_torch_keras_torch_round_trip(torch, keras, data, cell):
    X, _ = data
    original = build_model(cell, "torch", seed=1)
    via = build_model(cell, "keras", seed=2)
    back = build_model(cell, "torch", seed=3)
    transfer(original, via)
    transfer(via, back)
    before, after = torch_params(original), torch_params(back)
    for name in before:  # the matrices and the head copy bit for bit
        if "weight" in name or name.startswith("head"):
            np.testing.assert_array_equal(after[name], before[name], err_msg=name)
    # the two torch biases come back summed into bias_ih: the same function up to float32 rounding
    np.testing.assert_allclose(predict(back, X), predict(original, X), rtol=0, atol=1e-6)
    # ... and from then on the round trip is bit-exact, for the weights and the predictions
    again = build_model(cell, "torch", seed=4)
    transfer(transfer(back, via), again)
    assert_same_arrays(torch_params(again), after)
    np.testing.assert_array_equal(predict(again, X), predict(back, X))


@pytest.mark.parametrize("cell", CELLS)
def test_round_trip_exact_when_bias_hh_is_canonical(torch, keras, data, cell):
    X, _ = data
    original = build_model(cell, "torch", seed=1)
    set_weights(original, get_weights(original))  # bias_hh = 0 (except the GRU's b_hn)
    back = transfer(transfer(original, build_model(cell, "keras")), build_model(cell, "torch", seed=2))
    assert_same_arrays(torch_params(back), torch_params(original))
    np.testing.assert_array_equal(predict(back, X), predict(original, X))


@pytest.mark.parametrize("cell,activation", [("rnn", "relu"), ("lstm", "relu"), ("gru", "tanh")])
def test_keras_weights_round_trip_through_neutral(keras, cell, activation):
    model = build_model(cell, "keras", activation=activation, hidden_size=4, seed=1)
    w = random_weights(cell, 1, 4, activation=activation, seed=5)
    set_weights(model, w)
    assert_same_arrays(get_weights(model).arrays, w.arrays)


@pytest.mark.parametrize("cell", CELLS)
def test_torch_layer_round_trip_through_neutral(torch, cell):
    layer = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[cell](2, 3)  # not batch_first
    w = random_weights(cell, 2, 3, seed=5)
    set_weights(layer, w)
    assert_same_arrays(get_weights(layer).arrays, w.arrays)


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("source, target", [("torch", "keras"), ("keras", "torch")])
def test_trained_model_predicts_the_same_in_the_other_backend(torch, keras, data, cell, source, target):
    X, y = data
    model = build_model(cell, source, hidden_size=8, seed=1)
    train(model, X, y, epochs=2, progress=False)
    copy = transfer(model, build_model(cell, target, hidden_size=8))
    np.testing.assert_allclose(predict(copy, X), predict(model, X), rtol=0, atol=1e-5)


# ---------------------------------------------------------------- parameter counts

@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("inputs,hidden", [(1, 1), (3, 7)])
def test_parameter_counts_match_frameworks(torch, keras, cell, inputs, hidden):
    layers = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}
    layer = layers[cell](inputs, hidden)
    assert count_parameters(cell, inputs, hidden, "torch") == sum(p.numel() for p in layer.parameters())
    keras_layers = {"rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}
    for reset_after in ([True, False] if cell == "gru" else [True]):
        kwargs = {"reset_after": reset_after} if cell == "gru" else {}
        k = keras_layers[cell](hidden, **kwargs)
        k.build((None, None, inputs))
        assert count_parameters(cell, inputs, hidden, "keras", reset_after=reset_after) == k.count_params()


def test_parameter_table():
    rows = {row["cell"]: row for row in parameter_table(2, 4)}
    assert rows["lstm"] == {"cell": "lstm", "torch": 128, "keras": 112, "formula": "torch 4h(i+h+2), keras 4h(i+h+1)"}
    assert rows["gru"]["torch"] == rows["gru"]["keras"] == 96
    assert rows["gru (reset_after=False)"]["torch"] is None


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("kwargs,error,match", [
    ({"cell": "cnn"}, ValueError, "cell must be one of"),
    ({"activation": "gelu"}, ValueError, "activation must be one of"),
    ({"arrays": [1, 2]}, TypeError, "arrays must be a dict"),
    ({"arrays": {"W": np.ones((2, 1)), "U": np.ones((2, 2))}}, ValueError, r"missing \['b'\]"),
    ({"arrays": {"W": np.ones((2, 1)), "U": np.ones((2, 3)), "b": np.ones(2)}}, ValueError,
     r"arrays\['U'\] must have shape \(2, 2\)"),
    ({"arrays": {"W": np.ones(2), "U": np.ones((2, 2)), "b": np.ones(2)}}, ValueError, r"\(hidden, input\) matrix"),
    ({"reset_after": 1}, TypeError, "reset_after must be True or False"),
])
def test_bad_cell_weights(kwargs, error, match):
    args = {"cell": "rnn", "activation": "tanh",
            "arrays": {"W": np.ones((2, 1)), "U": np.ones((2, 2)), "b": np.ones(2)}, **kwargs}
    with pytest.raises(error, match=match):
        CellWeights(**args)


@pytest.mark.parametrize("kwargs,error,match", [
    ({"cell": "cnn"}, ValueError, "cell must be one of"),
    ({"input_size": 0}, ValueError, "input_size must be >= 1"),
    ({"scale": 0}, ValueError, r"scale must be in \(0"),
    ({"scale": "big"}, TypeError, "scale must be a number"),
    ({"activation": "sigmoid"}, ValueError, "activation must be one of"),
])
def test_bad_random_weights(kwargs, error, match):
    args = {"cell": "lstm", "input_size": 1, "hidden_size": 2, **kwargs}
    with pytest.raises(error, match=match):
        random_weights(**args)


def test_bad_torch_transfers(torch):
    lstm = random_weights("lstm", 1, 4)
    cases = [
        (torch.nn.GRU(1, 4), lstm, ValueError, "weights are for cell='lstm' but .* 'gru' layer"),
        (torch.nn.LSTM(1, 5), lstm, ValueError, "hidden_size=4 but .* hidden_size=5"),
        (torch.nn.LSTM(1, 4, num_layers=2), lstm, ValueError, "expected num_layers=1, found num_layers=2"),
        (torch.nn.LSTM(1, 4, bidirectional=True), lstm, ValueError, "expected bidirectional=False"),
        (torch.nn.LSTM(1, 4), random_weights("lstm", 1, 4, activation="relu"), ValueError, "tanh-only"),
        (torch.nn.GRU(1, 4), random_weights("gru", 1, 4, reset_after=False), ValueError, "reset_after=False"),
        (torch.nn.Linear(1, 4), lstm, TypeError, "must be a torch nn.RNN"),
        (torch.nn.LSTM(1, 4), lstm.arrays, TypeError, "weights must be a CellWeights"),
    ]
    for target, weights, error, match in cases:
        with pytest.raises(error, match=match):
            set_weights(target, weights)


def test_bad_keras_transfers(torch, keras):
    with pytest.raises(ValueError, match="not built yet"):
        get_weights(keras.layers.LSTM(3))
    with pytest.raises(TypeError, match="SimpleRNN/LSTM/GRU"):
        get_weights(keras.layers.Dense(3))
    with pytest.raises(ValueError, match="recurrent_activation='sigmoid'"):
        get_weights(keras.layers.LSTM(3, recurrent_activation="hard_sigmoid"))
    classic = build_model("gru", "keras", seed=0)
    classic_layer = keras.layers.GRU(16, reset_after=False)
    classic_layer.build((None, None, 1))
    with pytest.raises(ValueError, match="reset_after=True but the Keras GRU"):
        set_weights(classic_layer, get_weights(classic))
    with pytest.raises(ValueError, match="reset_after=False GRU"):
        set_weights(build_model("gru", "torch"), get_weights(classic_layer))
    with pytest.raises(ValueError, match="head of src maps 16 -> 1 but the head of dst maps 16 -> 2"):
        transfer(classic, build_model("gru", "torch", output_size=2))
    with pytest.raises(ValueError, match="src has head='binary' but dst has head='regression'"):
        transfer(classic, build_model("gru", "torch", head="regression"))
    with pytest.raises(TypeError, match="must be a torch nn.RNN/LSTM/GRU, a Keras"):
        get_weights("lstm")


@pytest.mark.parametrize("args,error,match", [
    (("cnn", 1, 2, "torch"), ValueError, "cell must be one of"),
    (("rnn", 0, 2, "torch"), ValueError, "input_size must be >= 1"),
    (("rnn", 1, 2.5, "torch"), TypeError, "hidden_size must be an integer"),
    (("rnn", 1, 2, "jax"), ValueError, "backend must be one of"),
    (("gru", 1, 2, "torch", False), ValueError, "reset_after=False exists only for the Keras GRU"),
    (("gru", 1, 2, "keras", "no"), TypeError, "reset_after must be True or False"),
])
def test_bad_parameter_counts(args, error, match):
    *positional, reset_after = args if len(args) == 5 else (*args, True)
    with pytest.raises(error, match=match):
        count_parameters(*positional, reset_after=reset_after)
