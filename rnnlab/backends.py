"""Which deep-learning backends exist, and importing them lazily with a clear message when one is missing.

Keras 3 runs on a backend of its own. rnnlab supports Keras on JAX and on TensorFlow; when the user has
not chosen one (``KERAS_BACKEND`` unset, and no backend other than Keras's default in ``keras.json``),
it picks JAX when JAX is installed, else TensorFlow: an LSTM training step at T=300 runs several times
faster on Keras-on-JAX (``benchmarks/results/step_times.md``), and JAX imports in a fraction of
TensorFlow's time.
"""
from __future__ import annotations

import importlib
import importlib.util
import json
import os
import sys

from ._validation import check_choice

BACKENDS = ("torch", "keras")
CELLS = ("rnn", "lstm", "gru")
KERAS_BACKENDS = ("jax", "tensorflow")  # the Keras backends rnnlab supports, preferred first
_KERAS_KNOWN = KERAS_BACKENDS + ("torch", "numpy", "openvino")  # every backend Keras 3 has

INSTALL_HINT = {
    "torch": 'pip install "rnnlab[torch]"   (or: pip install torch)',
    "keras": 'pip install "rnnlab[keras]"   (or: pip install keras "jax[cpu]")',
}
KERAS_INSTALL_HINT = {
    "jax": 'pip install "jax[cpu]"   (or: pip install "rnnlab[keras]")',
    "tensorflow": 'pip install tensorflow-cpu   (or: pip install "rnnlab[keras-tf]")',
}


def _installed(module):
    return importlib.util.find_spec(module) is not None


def _keras_json_backend():
    """The backend named in Keras's config file, or None when the file names none or Keras's own default.

    Keras writes ``keras.json`` with backend 'tensorflow' the first time it is imported, so that value
    cannot tell a user's choice from the default; any other value is a choice.
    """
    base = os.path.expanduser("~")
    home = os.environ.get("KERAS_HOME") or os.path.join(base if os.access(base, os.W_OK) else "/tmp", ".keras")
    try:
        with open(os.path.join(home, "keras.json")) as fh:
            name = json.load(fh).get("backend")
    except (OSError, ValueError, AttributeError):
        return None
    return None if name in (None, "", "tensorflow") else name


def keras_backend_name():
    """The Keras backend in use, or the one rnnlab will use: 'jax', 'tensorflow', or another Keras backend.

    In order: the backend of an already imported Keras; ``KERAS_BACKEND``; a non-default backend in
    ``~/.keras/keras.json``; else 'jax' when JAX is installed (or neither JAX nor TensorFlow is), else
    'tensorflow'. Imports nothing heavy. ValueError naming KERAS_BACKEND for a name Keras does not know.
    """
    keras = sys.modules.get("keras")
    if keras is not None and hasattr(keras, "backend"):
        return keras.backend.backend()
    name, source = os.environ.get("KERAS_BACKEND"), "KERAS_BACKEND"
    if not name:
        name, source = _keras_json_backend(), "the backend in keras.json"
    if not name:
        return "tensorflow" if _installed("tensorflow") and not _installed("jax") else "jax"
    if name not in _KERAS_KNOWN:
        raise ValueError(f"KERAS_BACKEND must name a Keras backend, one of {list(KERAS_BACKENDS)} for rnnlab; "
                         f"{source} is {name!r}")
    return name


def _supported_keras_backend():
    """keras_backend_name(), or ValueError naming KERAS_BACKEND when rnnlab does not run Keras on it."""
    name = keras_backend_name()
    if name not in KERAS_BACKENDS:
        hint = " (for PyTorch models use backend='torch')" if name == "torch" else ""
        raise ValueError(f"KERAS_BACKEND must be one of {list(KERAS_BACKENDS)} for rnnlab's Keras models, "
                         f"found {name!r}; set KERAS_BACKEND=jax or unset it{hint}")
    return name


def install_hint(backend):
    """The pip command that makes ``backend`` ('torch' or 'keras') available; for Keras, the missing piece."""
    check_choice(backend, "backend", BACKENDS)
    if backend == "keras" and _installed("keras"):
        return KERAS_INSTALL_HINT[_supported_keras_backend()]
    return INSTALL_HINT[backend]


def quiet_tensorflow():
    """Choose Keras's backend (see :func:`keras_backend_name`) and keep TensorFlow's C++ start-up logs
    (oneDNN, grappler, absl) away from students.

    Must run before Keras is first imported; values the user set already are kept.
    """
    os.environ.setdefault("KERAS_BACKEND", keras_backend_name())
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")


def is_available(backend):
    """True when ``backend`` ('torch' or 'keras') can be imported, without importing it.

    For 'keras', Keras and its backend must both be installed; a Keras backend rnnlab does not support
    raises ValueError naming KERAS_BACKEND.
    """
    check_choice(backend, "backend", BACKENDS)
    if backend == "torch":
        return _installed("torch")
    return _installed("keras") and _installed(_supported_keras_backend())


def available_backends():
    """The installed backends, in the order ('torch', 'keras')."""
    return [b for b in BACKENDS if is_available(b)]


def require(backend):
    """ImportError with the pip command when ``backend`` is not installed; imports nothing."""
    check_choice(backend, "backend", BACKENDS)
    if not is_available(backend):
        raise ImportError(f"the {backend} backend is not installed. Install it with: {install_hint(backend)}")


def load_adapter(backend):
    """Import and return rnnlab's adapter module for ``backend``; ImportError with the pip command if missing."""
    require(backend)
    if backend == "keras":
        quiet_tensorflow()
    return importlib.import_module(f"rnnlab.{backend}_backend")


def backend_of(model):
    """'torch' or 'keras' for a model object, without importing either framework.

    Keras is checked first: on Keras's torch backend a keras.Model is also a torch.nn.Module.
    """
    keras = sys.modules.get("keras")
    if keras is not None and isinstance(model, keras.Model):
        return "keras"
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(model, torch.nn.Module):
        return "torch"
    raise TypeError(f"model must be a torch.nn.Module or a keras.Model, got {type(model).__name__}")
