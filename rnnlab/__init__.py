"""rnnlab: datasets, models and measured experiments for learning RNNs, LSTMs and GRUs on PyTorch and Keras.

``import rnnlab`` imports neither torch nor TensorFlow; a backend is imported the first time it is used. The
model and training functions and the heavier submodules load on first use too (``rnnlab.train``,
``rnnlab.widgets``), so that reading a stored table (``rnnlab.tables.load``) loads no training code.
"""
from . import notebook, params, text
from ._version import __version__
from .backends import available_backends, is_available
from .data import Scaler, adding_task, first_token_task, next_number_task, train_val_split
from .history import History, TrainingDiverged

_FUNCTIONS = {"build_model": "models", "train": "training", "predict": "training"}
_SUBMODULES = ("checks", "diagrams", "experiments", "gradients", "instructor", "plotting", "recipes", "reference",
               "results", "seq2seq_data", "settings", "stats", "student", "sweep", "tables", "weights", "widgets")


def __getattr__(name):
    """Load ``rnnlab.train``, ``rnnlab.build_model``, … and the submodules (``rnnlab.widgets``) on first use."""
    import importlib

    if name in _FUNCTIONS:
        return getattr(importlib.import_module(f".{_FUNCTIONS[name]}", __name__), name)
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'rnnlab' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_FUNCTIONS) | set(_SUBMODULES))


__all__ = [
    "History", "Scaler", "TrainingDiverged", "__version__", "adding_task", "available_backends", "build_model",
    "first_token_task", "gradients", "is_available", "next_number_task", "notebook", "params", "predict", "reference",
    "text", "train", "train_val_split", "weights",
]
