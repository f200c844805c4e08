"""One ``train`` for both backends, returning the same :class:`History`."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._validation import check_array, check_choice, check_float, check_int, check_same_length
from .backends import backend_of, load_adapter
from .models import HEADS

DEVICES = ("auto", "cpu", "gpu")
SCHEDULES = ("constant", "cosine")


@dataclass
class History:
    """Per-epoch records: epoch, steps, seconds (cumulative wall time), loss, val_loss and either
    accuracy/val_accuracy (binary head) or mae/val_mae (regression head)."""

    head: str
    target: float | None = None
    records: list = field(default_factory=list)

    def __getitem__(self, name):
        """The per-epoch values of one column, e.g. ``history['val_accuracy']``."""
        if not self.records or name not in self.records[0]:
            allowed = sorted(self.records[0]) if self.records else []
            raise KeyError(f"no column {name!r} in this history; columns: {allowed}")
        return [r[name] for r in self.records]

    @property
    def target_metric(self):
        return "val_accuracy" if self.head == "binary" else "val_loss"

    def reached(self, record):
        """True when ``record`` meets the target (accuracy at least, or loss at most, ``target``)."""
        if self.target is None or self.target_metric not in record:
            return False
        value = record[self.target_metric]
        return value >= self.target if self.head == "binary" else value <= self.target

    @property
    def solved(self):
        return any(self.reached(r) for r in self.records)

    @property
    def final(self):
        return self.records[-1] if self.records else {}

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame(self.records)


def train(model, X, y, *, X_val=None, y_val=None, epochs=10, batch_size=32, lr=1e-3, lr_schedule="constant",
          clip_norm=None, target=None, seed=0, progress=True, device="auto", head=None, on_epoch=None,
          jit_compile=False):
    """Train ``model`` (from :func:`rnnlab.build_model` or any matching native model) with Adam.

    Parameters
    ----------
    X, y : arrays ``(n, T, features)`` and ``(n, outputs)``
    X_val, y_val : optional validation arrays, evaluated after every epoch
    epochs : the most epochs to run; training stops earlier once ``target`` is reached
    batch_size : minibatch size (use ``len(X)`` for full-batch training)
    lr : Adam learning rate
    lr_schedule : 'constant', or 'cosine' (decays the rate to zero over all ``epochs``, per step)
    clip_norm : clip the global gradient norm to this value (None: no clipping)
    target : stop when the validation accuracy reaches it (binary head) or the validation loss
        falls to it (regression head)
    seed : seeds the minibatch order (and dropout, were there any)
    progress : show a ``tqdm`` progress bar over epochs
    device : 'auto' (a GPU when there is one), 'cpu' or 'gpu'
    head : 'binary' or 'regression'; read from the model when it came from ``build_model``
    on_epoch : optional callable receiving each epoch's record (a dict), e.g. to draw live curves
    jit_compile : Keras only: compile the training step with XLA. On this project's 2-core CPU it halves
        the step time at T=300 but adds a few seconds of compilation, a loss on short runs. Torch ignores it.
    """
    backend = backend_of(model)
    head = head if head is not None else getattr(model, "rnnlab_head", None)
    if head is None:
        raise ValueError("head must be given ('binary' or 'regression') for a model not built by rnnlab.build_model")
    check_choice(head, "head", HEADS)
    X, y = check_array(X, "X", ndim=3), check_array(y, "y", ndim=2)
    check_same_length(X, y)
    if (X_val is None) != (y_val is None):
        raise ValueError("X_val and y_val must be given together")
    if X_val is not None:
        X_val, y_val = check_array(X_val, "X_val", ndim=3), check_array(y_val, "y_val", ndim=2)
        check_same_length(X_val, y_val, "X_val", "y_val")
        if X_val.shape[2] != X.shape[2]:
            raise ValueError(f"X_val has {X_val.shape[2]} features but X has {X.shape[2]}")
    if head == "binary" and not np.isin(y, (0.0, 1.0)).all():
        raise ValueError("y must hold 0/1 labels for head='binary'")
    epochs = check_int(epochs, "epochs")
    batch_size = check_int(batch_size, "batch_size")
    lr = check_float(lr, "lr", low=0, low_inclusive=False)
    check_choice(lr_schedule, "lr_schedule", SCHEDULES)
    if clip_norm is not None:
        clip_norm = check_float(clip_norm, "clip_norm", low=0, low_inclusive=False)
    if target is not None:
        target = check_float(target, "target")
        if X_val is None:
            raise ValueError("target needs validation data (X_val, y_val) to be checked against")
    seed = check_int(seed, "seed", min_value=0)
    check_choice(device, "device", DEVICES)
    if on_epoch is not None and not callable(on_epoch):
        raise TypeError(f"on_epoch must be callable, got {type(on_epoch).__name__}")

    history = History(head=head, target=target)
    load_adapter(backend).fit(model, X, y, X_val, y_val, history=history, epochs=epochs,
                              batch_size=min(batch_size, len(X)), lr=lr,
                              lr_schedule=lr_schedule, clip_norm=clip_norm, seed=seed,
                              progress=bool(progress), device=device, on_epoch=on_epoch,
                              jit_compile=bool(jit_compile))
    return history


def finish_bar(bar):
    """Close an epoch bar; a run that stopped early at its target is complete, not failed.

    tqdm's notebook bar turns red when closed before ``total``; an early stop is a success, so the
    total becomes the epochs actually run.
    """
    bar.total = bar.n
    bar.close()


def predict(model, X, *, device="auto"):
    """Model outputs as a numpy array (logits for a binary head)."""
    X = check_array(X, "X", ndim=3)
    check_choice(device, "device", DEVICES)
    return load_adapter(backend_of(model)).predict(model, X, device=device)
