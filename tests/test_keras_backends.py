"""Keras on JAX and on TensorFlow: which backend rnnlab picks, what it refuses, and that the JAX path
works end to end without loading TensorFlow. Run this file under KERAS_BACKEND=jax and =tensorflow."""
import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import rnnlab
from rnnlab import backends
from rnnlab.gradients import gradient_norms
from rnnlab.weights import transfer

HAVE_JAX = importlib.util.find_spec("jax") is not None
HAVE_TF = importlib.util.find_spec("tensorflow") is not None
HAVE_KERAS = importlib.util.find_spec("keras") is not None

pytestmark = pytest.mark.keras  # every test here is about Keras: make test runs the file on JAX and on TensorFlow


def run_python(code, tmp_path, **env):
    """Run ``code`` in a fresh interpreter whose environment has no Keras choice except ``env``:
    KERAS_BACKEND unset and an empty KERAS_HOME, so no ~/.keras/keras.json is read."""
    clean = {k: v for k, v in os.environ.items() if k != "KERAS_BACKEND"}
    clean.update(KERAS_HOME=str(tmp_path), OMP_NUM_THREADS="1", **env)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=clean, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]


@pytest.fixture
def no_keras_imported(monkeypatch):
    """Make rnnlab decide as if Keras had not been imported yet in this process (restored afterwards)."""
    monkeypatch.delitem(sys.modules, "keras", raising=False)
    monkeypatch.delenv("KERAS_BACKEND", raising=False)


def test_import_rnnlab_loads_no_framework(tmp_path):
    code = ("import sys, rnnlab; "
            "print([m for m in ('torch', 'tensorflow', 'keras', 'jax') if m in sys.modules])")
    assert run_python(code, tmp_path) == "[]"


@pytest.mark.parametrize("env,keras_json,expected", [
    ({}, None, "jax" if HAVE_JAX or not HAVE_TF else "tensorflow"),
    ({"KERAS_BACKEND": "tensorflow"}, None, "tensorflow"),
    ({"KERAS_BACKEND": "jax"}, {"backend": "tensorflow"}, "jax"),
    ({}, {"backend": "jax"}, "jax"),
    ({}, {"backend": "torch"}, "torch"),
    # Keras writes backend 'tensorflow' into keras.json on its first import: that is no choice
    ({}, {"backend": "tensorflow"}, "jax" if HAVE_JAX or not HAVE_TF else "tensorflow"),
])
def test_which_keras_backend_is_chosen(tmp_path, env, keras_json, expected):
    if keras_json is not None:
        (tmp_path / "keras.json").write_text(json.dumps(keras_json))
    code = "from rnnlab.backends import keras_backend_name; print(keras_backend_name())"
    assert run_python(code, tmp_path, **env) == expected


@pytest.mark.skipif(not (HAVE_KERAS and HAVE_JAX), reason="needs keras and jax")
def test_default_path_is_jax_end_to_end_without_tensorflow(tmp_path):
    """KERAS_BACKEND unset: build, train, predict, read weights, probe gradients and refuse a missing
    GPU, all on Keras-on-JAX, and TensorFlow is never imported."""
    code = """
import sys, json, numpy as np, rnnlab
from rnnlab.gradients import gradient_norms
X, y = rnnlab.first_token_task(256, seq_len=10, encoding="signed", seed=0)
model = rnnlab.build_model("lstm", "keras", hidden_size=8, forget_bias="chrono", seq_len=10, seed=0)
h = rnnlab.train(model, X[:192], y[:192], X_val=X[192:], y_val=y[192:], epochs=15, lr=1e-2, clip_norm=1.0,
                 target=0.99, progress=False)
gpu_error = ""
if not rnnlab.keras_backend.has_gpu():
    try:
        rnnlab.train(model, X, y, epochs=1, device="gpu", progress=False)
    except ValueError as exc:
        gpu_error = str(exc)
import keras
print(json.dumps({"backend": keras.backend.backend(), "tf": "tensorflow" in sys.modules, "solved": h.solved,
                  "pred": rnnlab.predict(model, X[:5]).shape, "w": rnnlab.weights.get_weights(model).hidden_size,
                  "grads": bool(np.all(gradient_norms(model, X[:8], y[:8]) > 0)), "gpu": gpu_error}))
"""
    out = json.loads(run_python(code, tmp_path))
    assert out["backend"] == "jax" and not out["tf"]
    assert out["solved"] and out["pred"] == [5, 1] and out["w"] == 8 and out["grads"]
    assert out["gpu"] in ("", "device='gpu' but Keras's jax backend sees no GPU; use device='auto' or 'cpu'")


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_gradient_probe_matches_torch_on_the_active_keras_backend(torch, keras, cell):
    """Over T = 60 the norms fall by 1e-10 (GRU) to 1e-31 (RNN); every one agrees within 1e-4. (Not
    beyond float32's normal range: XLA and TensorFlow flush subnormal numbers to zero, torch keeps them.)"""
    X, y = rnnlab.first_token_task(16, 60, seed=1)
    torch_model = rnnlab.build_model(cell, "torch", hidden_size=8, seed=1)
    keras_model = transfer(torch_model, rnnlab.build_model(cell, "keras", hidden_size=8, seed=1))
    assert keras.backend.backend() == backends.keras_backend_name() in backends.KERAS_BACKENDS
    expected = gradient_norms(torch_model, X, y)
    assert expected[0] < 1e-10 * expected[-1] and expected.min() > 1e-37, "far down the scale, still normal"
    np.testing.assert_allclose(gradient_norms(keras_model, X, y), expected, rtol=1e-4)


def test_training_on_the_active_keras_backend_learns_and_repeats(keras):
    X, y = rnnlab.first_token_task(512, seq_len=12, encoding="signed", seed=2)
    runs = []
    for _ in range(2):
        model = rnnlab.build_model("lstm", "keras", hidden_size=8, forget_bias="chrono", seq_len=12, seed=4)
        runs.append(rnnlab.train(model, X[:384], y[:384], X_val=X[384:], y_val=y[384:], epochs=10, lr=1e-2,
                                 clip_norm=1.0, seed=4, progress=False))
    assert runs[0]["loss"] == runs[1]["loss"], "same seed, same run"
    assert runs[0].final["val_accuracy"] >= 0.95


@pytest.mark.parametrize("name", ["jaxx", "TensorFlow", "theano"])
def test_unknown_keras_backend_names_the_variable(no_keras_imported, monkeypatch, name):
    monkeypatch.setenv("KERAS_BACKEND", name)
    for call in (lambda: rnnlab.build_model("lstm", "keras"), lambda: rnnlab.is_available("keras"),
                 backends.keras_backend_name):
        with pytest.raises(ValueError, match=rf"KERAS_BACKEND must name a Keras backend.*KERAS_BACKEND is '{name}'"):
            call()


@pytest.mark.skipif(not HAVE_KERAS, reason="needs keras")
def test_keras_on_torch_is_refused_in_process(no_keras_imported, monkeypatch):
    monkeypatch.setenv("KERAS_BACKEND", "torch")
    assert backends.keras_backend_name() == "torch"
    with pytest.raises(ValueError, match=r"KERAS_BACKEND must be one of \['jax', 'tensorflow'\].*found 'torch'.*"
                                         r"backend='torch'"):
        rnnlab.build_model("lstm", "keras")


@pytest.mark.skipif(not (HAVE_KERAS and importlib.util.find_spec("torch")), reason="needs keras and torch")
def test_keras_model_on_keras_torch_backend_is_keras_and_refused(tmp_path):
    """On Keras's torch backend a keras.Model is also a torch.nn.Module: rnnlab must see Keras, and refuse
    to train it (rather than hand it to the torch loop)."""
    code = """
import keras, numpy as np, rnnlab
from rnnlab.backends import backend_of
inputs = keras.Input((None, 1))
model = keras.Model(inputs, keras.layers.Dense(1, name="head")(keras.layers.LSTM(4, name="rnn")(inputs)))
try:
    rnnlab.train(model, np.zeros((4, 3, 1), "float32"), np.zeros((4, 1), "float32"), head="binary", progress=False)
    error = "trained"
except ValueError as exc:
    error = str(exc)
print(backend_of(model), "|", error)
"""
    found, error = run_python(code, tmp_path, KERAS_BACKEND="torch").split(" | ")
    assert found == "keras"
    assert error.startswith("KERAS_BACKEND must be one of ['jax', 'tensorflow'] for rnnlab's Keras models, "
                            "found 'torch'")


@pytest.mark.parametrize("env,missing,command", [
    ("jax", "jax", 'pip install "jax[cpu]"'),
    ("tensorflow", "tensorflow", "pip install tensorflow-cpu"),
    (None, "jax tensorflow", 'pip install "jax[cpu]"'),  # nothing chosen, nothing installed: the default
    ("jax", "keras", 'pip install "rnnlab[keras]"'),
])
def test_missing_keras_backend_names_its_own_pip_command(no_keras_imported, monkeypatch, env, missing, command):
    if env is not None:
        monkeypatch.setenv("KERAS_BACKEND", env)
    real = importlib.util.find_spec
    monkeypatch.setattr(backends.importlib.util, "find_spec",
                        lambda name, *a: None if name in missing.split() else real(name, *a))
    if missing != "keras" and not HAVE_KERAS:
        pytest.skip("needs keras installed, with only its backend missing")
    assert not rnnlab.is_available("keras")
    with pytest.raises(ImportError) as info:
        rnnlab.build_model("lstm", "keras")
    assert str(info.value).startswith("the keras backend is not installed. Install it with: " + command)
