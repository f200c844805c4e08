"""rnnlab: datasets, models and measured experiments for learning RNNs, LSTMs and GRUs on PyTorch and Keras.

``import rnnlab`` imports neither torch nor TensorFlow; a backend is imported the first time it is used.
"""
from . import gradients, notebook, params, reference, text, weights
from ._version import __version__
from .backends import available_backends, is_available
from .data import Scaler, adding_task, first_token_task, next_number_task, train_val_split
from .models import build_model
from .history import History, TrainingDiverged
from .training import predict, train

_SUBMODULES = ("checks", "diagrams", "experiments", "plotting", "recipes", "results", "settings", "stats", "student",
               "sweep", "tables", "widgets")


def __getattr__(name):
    """Import the heavier submodules (experiments, plotting, widgets, …) on first use: ``rnnlab.widgets``."""
    if name in _SUBMODULES:
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'rnnlab' has no attribute {name!r}")


__all__ = [
    "History", "Scaler", "TrainingDiverged", "__version__", "adding_task", "available_backends", "build_model",
    "first_token_task", "gradients", "is_available", "next_number_task", "notebook", "params", "predict", "reference",
    "text", "train", "train_val_split", "weights",
]
