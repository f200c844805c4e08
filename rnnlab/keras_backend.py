"""Keras 3 adapter: builds native ``keras.Model`` models and trains them with Keras's own ``fit``.

Runs on Keras's JAX or TensorFlow backend (:func:`rnnlab.backends.keras_backend_name`); on JAX nothing
here imports TensorFlow, which costs several seconds to load.
"""
from __future__ import annotations

import contextlib
import importlib
import logging
import math
import sys
import time
import types

from .backends import choose_keras_backend
from .progress import epoch_bar, finish_bar

choose_keras_backend()

import keras  # noqa: E402  (the environment must be set before the first import)
import numpy as np  # noqa: E402
from keras import layers  # noqa: E402

# Under Jupyter, TensorFlow's Python logger turns itself to INFO/WARNING on import; students need neither.
logging.getLogger("tensorflow").setLevel(logging.ERROR)

# Framework-only options: XLA compilation on TensorFlow; a fixed batch size makes a character model stateful.
OPTIONS = {"fit": ("jit_compile",), "build_char": ("batch_size",)}

_LAYERS = {"rnn": layers.SimpleRNN, "lstm": layers.LSTM, "gru": layers.GRU}
BACKEND = keras.backend.backend()


def set_seed(seed):
    """``keras.utils.set_random_seed``, without importing TensorFlow just to seed it when Keras runs on JAX.

    Keras seeds TensorFlow whenever it is installed (for tf.data pipelines, which rnnlab does not use
    off TensorFlow); everything else it seeds (Python, numpy, Keras's own generator) is seeded as usual.
    """
    if BACKEND == "tensorflow" or "tensorflow" in sys.modules:
        keras.utils.set_random_seed(seed)
        return
    rng_utils = importlib.import_module("keras.src.utils.rng_utils")
    real_tf = rng_utils.tf
    rng_utils.tf = types.SimpleNamespace(available=False)
    try:
        keras.utils.set_random_seed(seed)
    finally:
        rng_utils.tf = real_tf


def build(cell, *, input_size, hidden_size, output_size, activation, seed):
    """Functional model: Input (batch, time, features) → layer 'rnn' (last state) → Dense 'head'."""
    set_seed(seed)
    inputs = keras.Input(shape=(None, input_size), name="sequence")
    last = _LAYERS[cell](hidden_size, activation=activation, name="rnn")(inputs)
    outputs = layers.Dense(output_size, name="head")(last)
    return keras.Model(inputs, outputs, name=f"{cell}_model")


def set_gate_biases(model, cell, keep, inp=None):
    """Write the keep-gate bias (LSTM forget gate, GRU update gate) and optionally the LSTM input-gate bias.

    Keras keeps one bias vector, gate order LSTM i, f, c, o and GRU z, r, h; with ``reset_after=True``
    (the default) the GRU bias is (2, 3h): an input row and a recurrent row, whose recurrent part is zeroed.
    """
    cell_obj = model.get_layer("rnn").cell
    h = cell_obj.units
    bias = keras.ops.convert_to_numpy(cell_obj.bias.value).copy()
    if cell == "lstm":
        bias[h:2 * h] = keep
        if inp is not None:
            bias[0:h] = inp
    elif bias.ndim == 2:
        bias[0, 0:h], bias[1, 0:h] = keep, 0.0
    else:
        bias[0:h] = keep
    cell_obj.bias.assign(bias)


class _Recorder(keras.callbacks.Callback):
    """Writes Keras's epoch logs into the shared History, drives the progress bar, stops at the target."""

    def __init__(self, history, steps_per_epoch, epochs, progress, on_epoch):
        super().__init__()
        self.history_, self.steps_per_epoch, self.on_epoch = history, steps_per_epoch, on_epoch
        self.bar = epoch_bar(epochs, progress)

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        metric = "accuracy" if self.history_.head == "binary" else "mae"
        keys = ["loss", metric, "val_loss", "val_" + metric]
        record = {"epoch": epoch + 1, "steps": (epoch + 1) * self.steps_per_epoch}
        record.update({k: float(logs[k]) for k in keys if k in logs})
        record["seconds"] = time.perf_counter() - self.start
        self.history_.records.append(record)
        self.bar.update(1)
        self.bar.set_postfix({k: round(record[k], 4) for k in keys if k in record})
        if self.on_epoch is not None:
            self.on_epoch(record)
        if self.history_.reached(record):
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        finish_bar(self.bar)


def has_gpu():
    """True when Keras's backend sees a GPU (asked of JAX or TensorFlow, whichever Keras runs on)."""
    if BACKEND == "jax":
        import jax

        return any(d.platform == "gpu" for d in jax.devices())
    import tensorflow as tf

    return bool(tf.config.list_physical_devices("GPU"))


def _device_scope(device):
    if device == "cpu":
        return keras.device("cpu:0")
    if device == "gpu":
        if not has_gpu():
            raise ValueError(f"device='gpu' but Keras's {BACKEND} backend sees no GPU; use device='auto' or 'cpu'")
        return keras.device("gpu:0")
    return contextlib.nullcontext()  # 'auto': JAX and TensorFlow place work on a GPU when there is one


def fit(model, X, y, X_val, y_val, *, history, epochs, batch_size, lr, lr_schedule, clip_norm, seed, progress, device, on_epoch,
        jit_compile=False):
    """Compile and ``fit``. On JAX the step is always compiled: uncompiled, Keras-on-JAX runs op by op,
    far slower; ``jit_compile`` applies to TensorFlow."""
    binary = history.head == "binary"
    set_seed(seed)
    steps_per_epoch = math.ceil(len(X) / batch_size)
    if lr_schedule == "cosine":
        lr = keras.optimizers.schedules.CosineDecay(lr, decay_steps=epochs * steps_per_epoch)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=lr, global_clipnorm=clip_norm),
        loss=keras.losses.BinaryCrossentropy(from_logits=True) if binary else keras.losses.MeanSquaredError(),
        metrics=[keras.metrics.BinaryAccuracy(name="accuracy", threshold=0.0) if binary
                 else keras.metrics.MeanAbsoluteError(name="mae")],
        jit_compile=True if BACKEND == "jax" else jit_compile,
        # One call per epoch instead of one per batch: the same steps and numbers (rnnlab's callback acts per
        # epoch), less Python dispatch: benchmarks/results/overhead.md has rnnlab.train 4-6% faster than Keras's
        # default fit on a T=300 LSTM; on short next-number runs the saving was larger (commit 89d0073).
        steps_per_execution=steps_per_epoch,
    )
    recorder = _Recorder(history, steps_per_epoch, epochs, progress, on_epoch)
    with _device_scope(device):
        model.fit(X, y, batch_size=batch_size, epochs=epochs, shuffle=True, verbose=0, callbacks=[recorder],
                  validation_data=None if X_val is None else (X_val, y_val))
    return history


def predict(model, X, *, device="auto"):
    # Calling the model directly (not model.predict) builds no new tf.function per model, so many small
    # runs in one notebook trigger no retracing warnings.
    with _device_scope(device):
        return np.concatenate([keras.ops.convert_to_numpy(model(X[i:i + 1024], training=False))
                               for i in range(0, len(X), 1024)])


# ---------------------------------------------------------------- character-level language model (notebook 05)


def _state_tracked(base):
    """``base`` (a Keras recurrent layer) whose ``stateful`` state variables are tracked as non-trainable variables.

    Keras creates them untracked; TensorFlow then updates them in place, but JAX's compiled ``fit`` and
    ``predict_on_batch`` only carry the variables they are given, so on JAX each batch would silently start
    from zeros again. Tracked, the state is carried from batch to batch on both backends.
    """

    class Layer(base):
        def _create_state_variables(self, batch_size):
            super()._create_state_variables(batch_size)
            for variable in keras.tree.flatten(self.states):
                self._track_variable(variable)

    Layer.__name__ = Layer.__qualname__ = base.__name__
    return Layer


_STATEFUL_LAYERS = {cell: _state_tracked(layer) for cell, layer in _LAYERS.items()}


def build_char(cell, *, vocab_size, embedding_size, hidden_size, num_layers, dropout, seed, batch_size=None):
    """Functional model: ids (batch, time) → Embedding → ``num_layers`` recurrent layers returning sequences
    ('rnn_1', 'rnn_2', …; Dropout between them) → Dense 'head' logits. With ``batch_size`` the batch size is
    fixed and the recurrent layers are stateful (their state is then a non-trainable weight); ``seed=None``
    makes a copy that will receive the weights of another model: its layers start from zeros and fixed seeds, so
    building it draws from no random generator (Keras's unseeded initializers and layers draw their seeds from
    Python's global generator, which a seeded build in another thread relies on). The embedding
    starts from N(0, 1) like torch's ``nn.Embedding``: from Keras's default (uniform in ±0.05) notebook 05's
    Keras LSTM was at 4.67 validation bpc after its 100 steps instead of 3.30."""
    copy = seed is None
    if not copy:
        set_seed(seed)
    fixed = {"seed": 0} if copy else {}  # the layers' own dropout generators
    zeros = {"kernel_initializer": "zeros"} if copy else {}
    recurrent_zeros = {"recurrent_initializer": "zeros"} if copy else {}
    stateful = batch_size is not None
    inputs = keras.Input(shape=(None,), batch_size=batch_size, dtype="int32", name="characters")
    x = layers.Embedding(vocab_size, embedding_size, name="embedding",
                         embeddings_initializer="zeros" if copy else keras.initializers.RandomNormal(stddev=1.0))(inputs)
    for i in range(1, num_layers + 1):
        if i > 1 and dropout > 0:
            x = layers.Dropout(dropout, name=f"dropout_{i - 1}", **fixed)(x)
        layer = (_STATEFUL_LAYERS if stateful else _LAYERS)[cell]
        x = layer(hidden_size, return_sequences=True, stateful=stateful, name=f"rnn_{i}", **fixed, **zeros,
                  **recurrent_zeros)(x)
    outputs = layers.Dense(vocab_size, name="head", **zeros)(x)
    return keras.Model(inputs, outputs, name=f"char_{cell}")


def _stateful_twin(model, batch_size):
    """A stateful copy of a character model for ``batch_size`` rows, with copies of its weights, states zeroed.

    Copies, not the same arrays: on JAX, ``predict_on_batch`` donates the arrays of the model it runs, so a twin
    sharing the original's arrays would leave the original unusable ("Array has been deleted")."""
    twin = build_char(**dict(model.rnnlab_char, seed=None), batch_size=batch_size)
    for mine, theirs in zip(twin.trainable_variables, model.trainable_variables):
        mine.assign(np.array(keras.ops.convert_to_numpy(theirs.value)))
    return twin


def _runner(twin):
    """``run(ids) -> logits`` (numpy) through a stateful model, carrying its state from call to call. On JAX a
    jitted ``stateless_call`` (``predict_on_batch`` costs about 0.1 s per call there); else ``predict_on_batch``."""
    if BACKEND != "jax":
        return lambda ids: np.asarray(twin.predict_on_batch(ids.astype("int32")))
    import jax

    step = jax.jit(lambda tv, ntv, x: twin.stateless_call(tv, ntv, x, training=False))
    trainable = [v.value for v in twin.trainable_variables]
    state = [v.value for v in twin.non_trainable_variables]

    def run(ids):
        nonlocal state
        logits, state = step(trainable, state, ids.astype("int32"))
        return np.asarray(logits)

    return run


def char_cross_entropy_sum(model, batches):
    """Summed cross-entropy (nats) and number of predictions over stream batches, the state carried."""
    run = _runner(_stateful_twin(model, batches.batch_size))
    total, count = 0.0, 0
    for x, y in batches:
        logits = run(x).astype(np.float64)
        top = logits.max(axis=-1, keepdims=True)
        log_norm = np.log(np.exp(logits - top).sum(axis=-1)) + top[..., 0]
        total += float((log_norm - np.take_along_axis(logits, y[..., None], axis=-1)[..., 0]).sum())
        count += y.size
    return total, count


def char_stepper(model):
    """A function feeding 1-D character ids to the model, carrying its state, returning the last logits."""
    run = _runner(_stateful_twin(model, 1))
    return lambda ids: run(np.asarray(ids)[None])[0, -1]


def char_hidden_states(model, ids):
    """The last recurrent layer's hidden state after every character of ``ids`` (time, hidden)."""
    twin = _stateful_twin(model, 1)
    reader = keras.Model(twin.inputs, twin.get_layer(f"rnn_{model.rnnlab_char['num_layers']}").output)
    return np.asarray(reader.predict_on_batch(ids.astype("int32")[None]))[0]
