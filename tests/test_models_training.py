import numpy as np
import pytest

import rnnlab
from rnnlab.models import gate_biases


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_factory_gives_native_batch_first_models(backend, cell):
    model = rnnlab.build_model(cell, backend, input_size=2, hidden_size=5, output_size=3, head="regression")
    out = rnnlab.predict(model, np.zeros((4, 7, 2), np.float32))
    assert out.shape == (4, 3)
    if backend == "torch":
        import torch

        assert isinstance(model, torch.nn.Module) and model.rnn.batch_first
    else:
        import keras

        assert isinstance(model, keras.Model) and model.get_layer("rnn").units == 5


def test_same_seed_same_weights_both_backends(backend):
    a = rnnlab.predict(rnnlab.build_model("gru", backend, seed=4), np.ones((2, 6, 1), np.float32))
    b = rnnlab.predict(rnnlab.build_model("gru", backend, seed=4), np.ones((2, 6, 1), np.float32))
    c = rnnlab.predict(rnnlab.build_model("gru", backend, seed=5), np.ones((2, 6, 1), np.float32))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_chrono_biases_follow_tallec_ollivier():
    keep, inp = gate_biases("lstm", "chrono", hidden_size=1000, seq_len=300, seed=0)
    assert keep.min() >= 0 and keep.max() <= np.log(299) + 1e-6
    np.testing.assert_array_equal(inp, -keep)
    keep_gru, inp_gru = gate_biases("gru", "chrono", hidden_size=8, seq_len=300)
    assert inp_gru is None and keep_gru.shape == (8,)
    assert gate_biases("lstm", "default", 8) is None


@pytest.mark.parametrize("cell, keep, other", [("lstm", "b_f", "b_i"), ("gru", "b_z", "b_r")])
def test_forget_bias_lands_in_the_keep_gate(backend, cell, keep, other):
    from rnnlab.weights import get_weights

    default = get_weights(rnnlab.build_model(cell, backend, hidden_size=4, seed=1)).arrays
    arrays = get_weights(rnnlab.build_model(cell, backend, hidden_size=4, forget_bias=30.0, seed=1)).arrays
    np.testing.assert_allclose(arrays[keep], 30.0)
    np.testing.assert_array_equal(arrays[other], default[other])


def test_chrono_sets_forget_and_input_gates(backend):
    from rnnlab.weights import get_weights

    arrays = get_weights(rnnlab.build_model("lstm", backend, hidden_size=6, forget_bias="chrono", seq_len=50,
                                            seed=2)).arrays
    keep, inp = gate_biases("lstm", "chrono", 6, seq_len=50, seed=2)
    np.testing.assert_allclose(arrays["b_f"], keep, rtol=1e-6)
    np.testing.assert_allclose(arrays["b_i"], inp, rtol=1e-6)


def test_gru_keep_bias_freezes_the_state(backend):
    """An update-gate bias of 30 keeps the GRU state at its first value: later inputs change nothing."""
    model = rnnlab.build_model("gru", backend, hidden_size=4, head="regression", forget_bias=30.0, seed=1)
    X = np.random.default_rng(0).normal(size=(3, 10, 1)).astype(np.float32)
    changed = X.copy()
    changed[:, 5:] = -X[:, 5:]
    np.testing.assert_allclose(rnnlab.predict(model, X), rnnlab.predict(model, changed), atol=1e-5)


def _short_first_token(backend):
    X, y = rnnlab.first_token_task(512, 8, seed=0, encoding="signed")
    Xv, yv = rnnlab.first_token_task(256, 8, seed=1, encoding="signed")
    return X, y, Xv, yv


def test_lstm_learns_short_first_token_and_stops_at_target(backend):
    X, y, Xv, yv = _short_first_token(backend)
    model = rnnlab.build_model("lstm", backend, hidden_size=8, seed=0)
    seen = []
    history = rnnlab.train(model, X, y, X_val=Xv, y_val=yv, epochs=40, batch_size=32, lr=1e-2, clip_norm=1.0,
                           target=0.99, seed=0, progress=False, on_epoch=seen.append)
    assert history.solved
    assert history.final["val_accuracy"] >= 0.99
    assert len(history.records) < 40, "training must stop once the target is met"
    assert seen == history.records
    assert set(history.final) == {"epoch", "steps", "loss", "accuracy", "val_loss", "val_accuracy", "seconds"}
    assert history["steps"] == [e * 16 for e in history["epoch"]]
    assert all(np.diff(history["seconds"]) > 0)


def test_history_columns_identical_across_backends(torch, keras):
    X, y = rnnlab.next_number_task(64, seed=0)
    columns = []
    for backend in ("torch", "keras"):
        model = rnnlab.build_model("rnn", backend, head="regression", hidden_size=4)
        h = rnnlab.train(model, X / 100, y / 100, X_val=X / 100, y_val=y / 100, epochs=2, progress=False)
        columns.append(list(h.final))
    assert columns[0] == columns[1]


def test_training_is_deterministic_for_a_seed(backend):
    X, y, Xv, yv = _short_first_token(backend)
    losses = []
    for _ in range(2):
        model = rnnlab.build_model("gru", backend, hidden_size=4, seed=3)
        losses.append(rnnlab.train(model, X, y, epochs=2, lr=1e-2, seed=3, progress=False)["loss"])
    assert losses[0] == losses[1]


def test_clipping_and_cosine_schedule_run(backend):
    X, y = rnnlab.next_number_task(128, seed=0)
    model = rnnlab.build_model("lstm", backend, head="regression", hidden_size=4)
    h = rnnlab.train(model, X / 100, y / 100, epochs=3, lr=1e-2, lr_schedule="cosine", clip_norm=0.5,
                     progress=False)
    assert np.isfinite(h["loss"]).all() and h.final["epoch"] == 3


def test_history_reports_unknown_columns():
    h = rnnlab.History(head="binary", records=[{"epoch": 1, "loss": 0.5}])
    with pytest.raises(KeyError, match="columns"):
        h["val_mae"]


def test_torch_cpu_device_and_gpu_refusal():
    torch = pytest.importorskip("torch")
    model = rnnlab.build_model("rnn", "torch", hidden_size=2)
    X, y = rnnlab.first_token_task(8, 4)
    rnnlab.train(model, X, y, epochs=1, progress=False, device="cpu")
    assert next(model.parameters()).device.type == "cpu"
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="no CUDA GPU"):
            rnnlab.train(model, X, y, epochs=1, progress=False, device="gpu")
