"""One ``train`` for both backends, returning the same :class:`History`."""
from __future__ import annotations

import math

import numpy as np

from ._validation import check_array, check_bool, check_choice, check_float, check_int, check_same_length, check_seed
from .backends import backend_of, load_adapter
from .history import HEADS, History, TrainingDiverged
from .models import global_rngs_kept
from .progress import bars_closed_on_error
from .settings import MAX_LR
from .weights import _head, _recurrent_layer

__all__ = ["DEVICES", "MAX_LR", "SCHEDULES", "History", "TrainingDiverged", "predict", "train"]

DEVICES = ("auto", "cpu", "gpu")
SCHEDULES = ("constant", "cosine")


def train(model, X, y, *, X_val=None, y_val=None, epochs=10, batch_size=32, lr=1e-3, lr_schedule="constant",
          clip_norm=None, target=None, seed=0, progress=True, device="auto", head=None, on_epoch=None,
          jit_compile=False):
    """Train ``model`` with Adam: a model from :func:`rnnlab.build_model`, or a native one of the same layout
    (a recurrent layer ``rnn`` and a linear ``head``).

    Parameters
    ----------
    X, y : arrays ``(n, T, features)`` and ``(n, outputs)``, matching the model's input size and outputs
    X_val, y_val : optional validation arrays, evaluated after every epoch
    epochs : the most epochs to run; training stops earlier once ``target`` is reached
    batch_size : minibatch size (use ``len(X)`` for full-batch training)
    lr : Adam learning rate, in (0, MAX_LR]
    lr_schedule : 'constant', or 'cosine' (decays the rate to zero over all ``epochs``, per step)
    clip_norm : clip the global gradient norm to this value (None: no clipping)
    target : stop when the validation accuracy reaches it (binary head, in (0, 1]) or the validation loss
        falls to it (regression head, > 0)
    seed : seeds the minibatch order (and dropout, were there any), an integer in [0, 2**32). Python's, numpy's
        and torch's global random generators are left as they were.
    progress : show a ``tqdm`` progress bar over epochs
    device : 'auto' (a GPU when there is one), 'cpu' or 'gpu'
    head : 'binary' or 'regression'; read from the model when it came from ``build_model``
    on_epoch : optional callable receiving each epoch's record (a dict), e.g. to draw live curves
    jit_compile : Keras on TensorFlow only: compile the training step with XLA. On this project's 2-core CPU
        it halves the step time at T=300 but adds a few seconds of compilation, a loss on short runs. Keras on
        JAX always compiles (uncompiled, a step is ~100x slower); torch ignores it.

    Raises
    ------
    TrainingDiverged
        (a ``FloatingPointError``) as soon as an epoch's loss or metric is inf/NaN.
    """
    backend = backend_of(model)  # the one place this call asks which framework the model belongs to
    built_head = getattr(model, "rnnlab_head", None)
    head = head if head is not None else built_head
    if head is None:
        raise ValueError("head must be given ('binary' or 'regression') for a model not built by rnnlab.build_model")
    check_choice(head, "head", HEADS)
    if built_head is not None and head != built_head:
        raise ValueError(f"head={head!r} but the model was built with head={built_head!r}")
    inputs, outputs = _model_sizes(model, backend)
    X, y = check_array(X, "X", ndim=3), check_array(y, "y", ndim=2)
    check_same_length(X, y)
    _check_data(X, y, "X", "y", inputs, outputs, head)
    if (X_val is None) != (y_val is None):
        raise ValueError("X_val and y_val must be given together")
    if X_val is not None:
        X_val, y_val = check_array(X_val, "X_val", ndim=3), check_array(y_val, "y_val", ndim=2)
        check_same_length(X_val, y_val, "X_val", "y_val")
        _check_data(X_val, y_val, "X_val", "y_val", inputs, outputs, head)
    epochs = check_int(epochs, "epochs")
    batch_size = check_int(batch_size, "batch_size")
    lr = check_float(lr, "lr", low=0, high=MAX_LR, low_inclusive=False)
    check_choice(lr_schedule, "lr_schedule", SCHEDULES)
    if clip_norm is not None:
        clip_norm = check_float(clip_norm, "clip_norm", low=0, low_inclusive=False)
    if target is not None:
        # Reachable targets only: an accuracy in (0, 1], a mean squared error above 0.
        target = check_float(target, "target", low=0, high=1 if head == "binary" else None, low_inclusive=False)
        if X_val is None:
            raise ValueError("target needs validation data (X_val, y_val) to be checked against")
    seed = check_seed(seed)
    progress, jit_compile = check_bool(progress, "progress"), check_bool(jit_compile, "jit_compile")
    check_choice(device, "device", DEVICES)
    if on_epoch is not None and not callable(on_epoch):
        raise TypeError(f"on_epoch must be callable, got {type(on_epoch).__name__}")

    history = History(head=head, target=target)

    def watch(record):
        bad = next((k for k, v in record.items() if not math.isfinite(v)), None)
        if bad is not None:
            hint = "set clip_norm" if clip_norm is None else f"lower clip_norm (now {clip_norm:g})"
            raise TrainingDiverged(f"training diverged: {bad} became {record[bad]} at epoch {record['epoch']}; "
                                   f"lower lr (now {lr:g}), {hint} or scale the data", history)
        if on_epoch is not None:
            on_epoch(record)

    adapter = load_adapter(backend)
    options = {name: value for name, value in {"jit_compile": jit_compile}.items()
               if name in adapter.OPTIONS.get("fit", ())}
    with global_rngs_kept(), bars_closed_on_error():
        adapter.fit(model, X, y, X_val, y_val, history=history, epochs=epochs, batch_size=min(batch_size, len(X)),
                    lr=lr, lr_schedule=lr_schedule, clip_norm=clip_norm, seed=seed, progress=progress,
                    device=device, on_epoch=watch, **options)
    return history


def _model_sizes(model, framework):
    """(input size, number of outputs) of an rnnlab-layout model of ``framework`` with finite weights."""
    try:
        _, layer = _recurrent_layer(model, "model", framework)
        kernel, bias = _head(model, "model", framework)
        inputs = layer.input_size if framework == "torch" else layer.cell.kernel.shape[0]
    except (AttributeError, TypeError, ValueError) as exc:
        raise TypeError(f"train needs a model from rnnlab.build_model (a single recurrent layer 'rnn' and a "
                        f"linear 'head'), got {type(model).__name__}: {exc}") from None
    if framework == "torch":
        arrays = [p.detach().cpu().numpy() for p in layer.parameters()]
    else:
        import keras

        arrays = [keras.ops.convert_to_numpy(w.value) for w in layer.weights]
    if not all(np.isfinite(a).all() for a in (kernel, bias, *arrays)):
        raise ValueError("the model's weights hold NaN or inf (a diverged run leaves them so); build a new model")
    return inputs, kernel.shape[1]


def _check_data(X, y, x_name, y_name, inputs, outputs, head):
    if X.shape[2] != inputs:
        raise ValueError(f"{x_name} has {X.shape[2]} features per step (shape {X.shape}) but the model takes "
                         f"input_size={inputs}")
    if y.shape[1] != outputs:
        raise ValueError(f"{y_name} has {y.shape[1]} columns (shape {y.shape}) but the model has {outputs} "
                         f"output{'s' if outputs > 1 else ''}")
    if head == "binary" and not np.isin(y, (0.0, 1.0)).all():
        raise ValueError(f"{y_name} must hold 0/1 labels for head='binary'")


def predict(model, X, *, device="auto"):
    """Model outputs as a numpy array (logits for a binary head)."""
    X = check_array(X, "X", ndim=3)
    check_choice(device, "device", DEVICES)
    return load_adapter(backend_of(model)).predict(model, X, device=device)
