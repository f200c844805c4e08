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
from typing import Any, Protocol

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


def choose_keras_backend():
    """Choose Keras's backend (see :func:`keras_backend_name`) and keep TensorFlow's C++ start-up logs
    (oneDNN, grappler, absl) away from students.

    Must run before Keras is first imported; values the user set already are kept.
    """
    os.environ.setdefault("KERAS_BACKEND", keras_backend_name())
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")


def quiet_tensorflow():
    """Deprecated name of :func:`choose_keras_backend` (it chooses the backend first, then quiets TensorFlow)."""
    import warnings

    warnings.warn("rnnlab.backends.quiet_tensorflow is now rnnlab.backends.choose_keras_backend",
                  DeprecationWarning, stacklevel=2)
    choose_keras_backend()


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


class Adapter(Protocol):
    """What rnnlab asks of a framework; ``rnnlab.torch_backend`` and ``rnnlab.keras_backend`` are the two
    modules that provide it. Everything above them (``build_model``, ``train``, ``predict``, the character
    models) reaches a framework only through these names, and :func:`load_adapter` checks that a module has
    them all. Arrays are numpy and batch-first ``(batch, time, features)``.
    """

    OPTIONS: dict[str, tuple[str, ...]]
    """Per method, the keyword options only this framework has, e.g. ``{"fit": ("jit_compile",)}`` on Keras;
    callers hand an option to a method only when it is listed here."""

    def build(self, cell: str, *, input_size: int, hidden_size: int, output_size: int, activation: str,
              seed: int) -> Any:
        """A model with a recurrent layer 'rnn' (last state) and a linear 'head', weights drawn from ``seed``."""

    def set_gate_biases(self, model: Any, cell: str, keep, inp=None) -> None:
        """Write the keep-gate bias (and the LSTM input-gate bias when ``inp`` is given)."""

    def fit(self, model: Any, X, y, X_val, y_val, *, history, epochs: int, batch_size: int, lr: float,
            lr_schedule: str, clip_norm: float | None, seed: int, progress: bool, device: str, on_epoch,
            **options) -> Any:
        """Train with Adam, appending one record per epoch to ``history``; stop once it reaches its target."""

    def predict(self, model: Any, X, *, device: str):
        """The model's outputs for ``X`` as a numpy array."""

    def build_char(self, cell: str, *, vocab_size: int, embedding_size: int, hidden_size: int, num_layers: int,
                   dropout: float, seed: int | None, **options) -> Any:
        """A character language model: embedding, ``num_layers`` recurrent layers, a logit per character."""

    def char_cross_entropy_sum(self, model: Any, batches) -> tuple[float, int]:
        """Summed cross-entropy (nats) and number of predictions over :class:`rnnlab.text.StreamBatches`, the
        state carried from each batch to the next."""

    def char_stepper(self, model: Any):
        """A function feeding 1-D character ids to the model, carrying its state, returning the last logits."""

    def char_hidden_states(self, model: Any, ids):
        """The last recurrent layer's hidden state after every character of ``ids`` (time, hidden)."""


ADAPTER_MEMBERS = tuple(Adapter.__annotations__) + tuple(
    name for name, value in vars(Adapter).items() if callable(value) and not name.startswith("_"))


def load_adapter(backend) -> Adapter:
    """Import and return rnnlab's adapter module for ``backend``; ImportError with the pip command if missing."""
    require(backend)
    if backend == "keras":
        choose_keras_backend()
    module = importlib.import_module(f"rnnlab.{backend}_backend")
    missing = [name for name in ADAPTER_MEMBERS if not hasattr(module, name)]
    if missing:
        raise TypeError(f"{module.__name__} does not provide rnnlab's Adapter interface: missing {missing}")
    return module


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
