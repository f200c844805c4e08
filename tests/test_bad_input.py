"""Every public function names the bad parameter and what is allowed."""
import importlib
import subprocess
import sys

import numpy as np
import pytest

import rnnlab
from rnnlab import backends as backends_mod
from rnnlab.experiments import run_experiment

X3 = np.zeros((4, 5, 1), np.float32)
Y2 = np.zeros((4, 1), np.float32)
NAN = X3.copy()
NAN[0, 0, 0] = np.nan

CASES = [
    # (callable, kwargs, exception, message fragment)
    (rnnlab.first_token_task, dict(n=0, seq_len=5), ValueError, "n must be >= 1"),
    (rnnlab.first_token_task, dict(n=2.5, seq_len=5), TypeError, "n must be an integer"),
    (rnnlab.first_token_task, dict(n=True, seq_len=5), TypeError, "n must be an integer"),
    (rnnlab.first_token_task, dict(n=3, seq_len=-1), ValueError, "seq_len must be >= 1"),
    (rnnlab.first_token_task, dict(n=3, seq_len=5, encoding="onehot"), ValueError, "encoding must be one of"),
    (rnnlab.next_number_task, dict(n=3, start_range=(5, 5)), ValueError, "start_range"),
    (rnnlab.next_number_task, dict(n=3, start_range=7), TypeError, "start_range"),
    (rnnlab.next_number_task, dict(n=3, step=float("nan")), ValueError, "step must be finite"),
    (rnnlab.adding_task, dict(n=3, seq_len=1), ValueError, "seq_len must be >= 2"),
    (rnnlab.train_val_split, dict(X=X3, y=Y2, val_fraction=1.0), ValueError, "val_fraction must be in (0, 1)"),
    (rnnlab.train_val_split, dict(X=X3, y=Y2, val_fraction=0), ValueError, "val_fraction must be in (0, 1)"),
    (rnnlab.train_val_split, dict(X=X3, y=Y2[:3]), ValueError, "same number of samples"),
    (rnnlab.train_val_split, dict(X=np.zeros((0, 5, 1)), y=Y2[:0]), ValueError, "X is empty"),
    (rnnlab.train_val_split, dict(X=NAN, y=Y2), ValueError, "X contains NaN"),
    (rnnlab.Scaler, dict(method="log"), ValueError, "method must be one of"),
    (rnnlab.build_model, dict(cell="transformer"), ValueError, "cell must be one of ['gru', 'lstm', 'rnn']"),
    (rnnlab.build_model, dict(cell="lstm", backend="jax"), ValueError, "backend must be one of ['keras', 'torch']"),
    (rnnlab.build_model, dict(cell="lstm", hidden_size=0), ValueError, "hidden_size must be >= 1"),
    (rnnlab.build_model, dict(cell="lstm", hidden_size="16"), TypeError, "hidden_size must be an integer"),
    (rnnlab.build_model, dict(cell="lstm", input_size=0), ValueError, "input_size must be >= 1"),
    (rnnlab.build_model, dict(cell="lstm", head="softmax"), ValueError, "head must be one of"),
    (rnnlab.build_model, dict(cell="rnn", activation="sigmoid"), ValueError, "activation must be one of"),
    (rnnlab.build_model, dict(cell="lstm", forget_bias="big"), ValueError, "forget_bias must be one of"),
    (rnnlab.build_model, dict(cell="lstm", forget_bias=[1.0]), TypeError, "forget_bias must be"),
    (rnnlab.build_model, dict(cell="rnn", forget_bias=1.0), ValueError, "needs a gated cell"),
    (rnnlab.build_model, dict(cell="lstm", forget_bias="chrono"), ValueError, "needs seq_len"),
    (rnnlab.build_model, dict(cell="lstm", activation="relu", backend="torch"), ValueError, "only available for cell='rnn'"),
    (run_experiment, dict(name="copy_task"), ValueError, "name must be one of"),
    (run_experiment, dict(name="next_number", cells=[]), ValueError, "cells must not be empty"),
    (run_experiment, dict(name="next_number", cells="cnn"), ValueError, "cells must be one of"),
    (run_experiment, dict(name="next_number", recipe="fast"), ValueError, "recipe must be one of ['original', 'rnnlab']"),
    (run_experiment, dict(name="next_number", seeds=0), ValueError, "seeds must be >= 1"),
    (run_experiment, dict(name="next_number", seeds=[1, -2]), ValueError, "seeds must be an integer in [0, 2**32)"),
    (run_experiment, dict(name="next_number", seq_len=0), ValueError, "seq_len must be >= 1"),
    (run_experiment, dict(name="next_number", backends="mxnet"), ValueError, "backends must be one of"),
]


@pytest.mark.parametrize("func, kwargs, exc, fragment", CASES,
                         ids=[f"{c[0].__name__}-{'-'.join(map(str, c[1].values()))[:40]}" for c in CASES])
def test_bad_input_names_the_parameter(func, kwargs, exc, fragment):
    with pytest.raises(exc) as info:
        func(**kwargs)
    assert fragment in str(info.value)


@pytest.fixture
def torch_model():
    pytest.importorskip("torch")
    return rnnlab.build_model("lstm", "torch", hidden_size=3)


TRAIN_CASES = [
    (dict(X=X3[:, :, 0], y=Y2), ValueError, "X must have 3 dimensions"),
    (dict(X=X3, y=Y2[:3]), ValueError, "same number of samples"),
    (dict(X=NAN, y=Y2), ValueError, "X contains NaN"),
    (dict(X=X3, y=Y2 + 2), ValueError, "0/1 labels"),
    (dict(X=X3, y=Y2, epochs=0), ValueError, "epochs must be >= 1"),
    (dict(X=X3, y=Y2, batch_size=1.5), TypeError, "batch_size must be an integer"),
    (dict(X=X3, y=Y2, lr=0), ValueError, "lr must be in (0, 10.0]"),
    (dict(X=X3, y=Y2, lr_schedule="step"), ValueError, "lr_schedule must be one of"),
    (dict(X=X3, y=Y2, clip_norm=-1), ValueError, "clip_norm must be in (0, inf]"),
    (dict(X=X3, y=Y2, target=0.9), ValueError, "target needs validation data"),
    (dict(X=X3, y=Y2, X_val=X3), ValueError, "X_val and y_val must be given together"),
    (dict(X=X3, y=Y2, X_val=np.zeros((2, 5, 3)), y_val=Y2[:2]), ValueError, "features"),
    (dict(X=X3, y=Y2, device="tpu"), ValueError, "device must be one of"),
    (dict(X=X3, y=Y2, on_epoch="print"), TypeError, "on_epoch must be callable"),
]


@pytest.mark.parametrize("kwargs, exc, fragment", TRAIN_CASES, ids=[c[2][:30] for c in TRAIN_CASES])
def test_train_rejects_bad_input(torch_model, kwargs, exc, fragment):
    with pytest.raises(exc) as info:
        rnnlab.train(torch_model, progress=False, **kwargs)
    assert fragment in str(info.value)


def test_train_rejects_non_models():
    with pytest.raises(TypeError, match="torch.nn.Module or a keras.Model"):
        rnnlab.train("lstm", X3, Y2)


def test_missing_backend_names_the_pip_command(monkeypatch):
    monkeypatch.setattr(backends_mod.importlib.util, "find_spec", lambda name: None)
    for backend, package in (("torch", "torch"), ("keras", "keras")):
        with pytest.raises(ImportError) as info:
            rnnlab.build_model("lstm", backend)
        assert "pip install" in str(info.value) and package in str(info.value)


def test_import_is_light_and_quick():
    code = ("import sys, time; t = time.perf_counter(); import rnnlab; dt = time.perf_counter() - t; "
            "heavy = [m for m in ('torch', 'tensorflow', 'keras', 'pandas', 'matplotlib') if m in sys.modules]; "
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    importlib.import_module("rnnlab")
