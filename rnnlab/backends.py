"""Which deep-learning backends exist, and importing them lazily with a clear message when one is missing."""
from __future__ import annotations

import importlib
import importlib.util
import os
import sys

from ._validation import check_choice

BACKENDS = ("torch", "keras")
CELLS = ("rnn", "lstm", "gru")

INSTALL_HINT = {
    "torch": 'pip install "rnnlab[torch]"   (or: pip install torch)',
    "keras": 'pip install "rnnlab[keras]"   (or: pip install keras tensorflow-cpu)',
}


def quiet_tensorflow():
    """Keep TensorFlow's C++ start-up logs (oneDNN, grappler, absl) away from students.

    Must run before TensorFlow is first imported; values the user set already are kept.
    """
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")


def is_available(backend):
    """True when ``backend`` ('torch' or 'keras') can be imported, without importing it."""
    check_choice(backend, "backend", BACKENDS)
    if backend == "torch":
        return importlib.util.find_spec("torch") is not None
    if importlib.util.find_spec("keras") is None:
        return False
    keras_backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    return importlib.util.find_spec(keras_backend) is not None


def available_backends():
    """The installed backends, in the order ('torch', 'keras')."""
    return [b for b in BACKENDS if is_available(b)]


def load_adapter(backend):
    """Import and return rnnlab's adapter module for ``backend``; ImportError with the pip command if missing."""
    check_choice(backend, "backend", BACKENDS)
    if not is_available(backend):
        raise ImportError(f"the {backend} backend is not installed. Install it with: {INSTALL_HINT[backend]}")
    if backend == "keras":
        quiet_tensorflow()
    return importlib.import_module(f"rnnlab.{backend}_backend")


def backend_of(model):
    """'torch' or 'keras' for a model object, without importing either framework."""
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(model, torch.nn.Module):
        return "torch"
    keras = sys.modules.get("keras")
    if keras is not None and isinstance(model, keras.Model):
        return "keras"
    raise TypeError(f"model must be a torch.nn.Module or a keras.Model, got {type(model).__name__}")
