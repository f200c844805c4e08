"""rnnlab: datasets, models and measured experiments for learning RNNs, LSTMs and GRUs on PyTorch and Keras.

``import rnnlab`` imports neither torch nor TensorFlow; a backend is imported the first time it is used.
"""
from importlib import metadata as _metadata

from . import gradients, notebook, params, reference, text, weights
from .backends import available_backends, is_available
from .data import Scaler, adding_task, first_token_task, next_number_task, train_val_split
from .models import build_model
from .training import History, TrainingDiverged, predict, train

try:  # the version lives in pyproject.toml only; an installed rnnlab (editable too) reports it in its metadata
    __version__ = _metadata.version("rnnlab")
except _metadata.PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"

_SUBMODULES = ("checks", "diagrams", "experiments", "instructor", "plotting", "recipes", "stats", "student", "sweep", "tables", "widgets")


def __getattr__(name):
    """Import the heavier submodules (experiments, plotting, widgets, …) on first use: ``rnnlab.widgets``."""
    if name in _SUBMODULES:
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'rnnlab' has no attribute {name!r}")

__all__ = [
    "History", "Scaler", "TrainingDiverged", "gradients", "notebook", "params", "reference", "text", "weights", "adding_task", "available_backends", "build_model", "first_token_task",
    "is_available", "next_number_task", "predict", "train", "train_val_split",
]
