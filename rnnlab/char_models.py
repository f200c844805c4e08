"""Character-level language models on both backends (notebook 05): embedding → 1..N stacked RNN/LSTM/GRU
layers → one logit per vocabulary entry at every step; parameter matching across cells, bits per character
on held-out text, sampling, and the plain PyTorch truncated-BPTT training loop that the benchmark runs.

Carrying the state across truncated-BPTT batches:

- torch: ``model(x, state)`` returns ``(logits, state)``; pass the returned state (detached) to the next batch.
- Keras: built with ``batch_size=B`` the recurrent layers are ``stateful``: each batch of B rows starts from the
  last state of the previous batch's rows, which is what ``fit(..., batch_size=B, shuffle=False)`` on the arrays
  of :func:`stream_arrays` needs; reset with :func:`reset_keras_states` at the start of every pass over the text.
  Built without ``batch_size`` the layers are stateless (every batch starts from zeros) and take any batch size.
  The stateful state is a non-trainable weight (on JAX, Keras only carries tracked variables through compiled
  steps), so copy weights between a stateful and a stateless model through ``trainable_variables``.
"""
from __future__ import annotations

import math
import time

import numpy as np

from ._validation import check_choice, check_float, check_int, check_seed
from .backends import BACKENDS, CELLS, backend_of, load_adapter
from .models import seeded_build
from .params import count_parameters
from .settings import MAX_BATCH_SIZE, MAX_HIDDEN, MAX_LAYERS, MAX_LR, MAX_SAMPLE_LENGTH, MAX_VOCAB

EMBEDDING_SIZE = 32


def build_char_model(cell, backend="torch", *, vocab_size, hidden_size=256, embedding_size=EMBEDDING_SIZE,
                     num_layers=1, dropout=0.0, batch_size=None, seed=0):
    """A native ``torch.nn.Module`` or ``keras.Model`` mapping character ids (batch, time) to logits
    (batch, time, vocab_size).

    Parameters
    ----------
    cell : 'rnn', 'lstm' or 'gru'
    backend : 'torch' or 'keras'
    vocab_size : number of distinct characters (``len(vocab)``)
    num_layers : stacked recurrent layers; ``dropout`` (in [0, 1)) applies between them, as torch's own
        ``dropout`` argument does (so it needs ``num_layers >= 2``)
    batch_size : Keras only: a fixed batch size makes the recurrent layers stateful (see the module doc);
        None gives stateless layers. torch models carry their state explicitly and take any batch size.
    seed : seeds the initial weights (the global generators are restored afterwards, as in ``build_model``)
    """
    check_choice(cell, "cell", CELLS)
    check_choice(backend, "backend", BACKENDS)
    vocab_size, hidden_size, embedding_size, num_layers = _check_sizes(vocab_size, hidden_size, embedding_size,
                                                                       num_layers)
    dropout = check_float(dropout, "dropout", low=0.0, high=1.0, high_inclusive=False)
    if dropout > 0 and num_layers == 1:
        raise ValueError(f"dropout={dropout} acts between stacked layers, so it needs num_layers >= 2; "
                         "use dropout=0.0 with a single layer")
    if batch_size is not None:
        batch_size = check_int(batch_size, "batch_size", max_value=MAX_BATCH_SIZE)
    seed = check_seed(seed)
    adapter = load_adapter(backend)
    config = {"cell": cell, "vocab_size": vocab_size, "embedding_size": embedding_size, "hidden_size": hidden_size,
              "num_layers": num_layers, "dropout": dropout, "seed": seed}
    with seeded_build():
        options = {"batch_size": batch_size} if "batch_size" in adapter.OPTIONS.get("build_char", ()) else {}
        model = adapter.build_char(**config, **options)
    model.rnnlab_char = config
    return model


def _check_sizes(vocab_size, hidden_size, embedding_size, num_layers):
    """The four sizes of a character model, each an int within its bound (:mod:`rnnlab.settings`)."""
    return (check_int(vocab_size, "vocab_size", min_value=2, max_value=MAX_VOCAB),
            check_int(hidden_size, "hidden_size", max_value=MAX_HIDDEN),
            check_int(embedding_size, "embedding_size", max_value=MAX_HIDDEN),
            check_int(num_layers, "num_layers", max_value=MAX_LAYERS))


def count_char_parameters(cell, *, vocab_size, hidden_size, embedding_size=EMBEDDING_SIZE, num_layers=1,
                          backend="torch"):
    """Trainable parameters of :func:`build_char_model`'s model, counted from the shapes (no framework needed):
    embedding ``V*E`` + the recurrent layers (:func:`rnnlab.params.count_parameters`) + head ``H*V + V``."""
    vocab_size, hidden_size, embedding_size, num_layers = _check_sizes(vocab_size, hidden_size, embedding_size,
                                                                       num_layers)
    recurrent = count_parameters(cell, embedding_size, hidden_size, backend)
    recurrent += (num_layers - 1) * count_parameters(cell, hidden_size, hidden_size, backend)
    return vocab_size * embedding_size + recurrent + hidden_size * vocab_size + vocab_size


def matching_hidden_size(cell, parameters, *, vocab_size, embedding_size=EMBEDDING_SIZE, num_layers=1,
                         backend="torch"):
    """The hidden size whose model (:func:`count_char_parameters`) has the parameter count closest to
    ``parameters``: e.g. the simple RNN and the GRU that match an LSTM of a given size."""
    parameters = check_int(parameters, "parameters")
    smallest = count_char_parameters(cell, vocab_size=vocab_size, hidden_size=1, embedding_size=embedding_size,
                                     num_layers=num_layers, backend=backend)
    if parameters < smallest:
        raise ValueError(f"parameters must be >= {smallest}, the size of a {cell} model with one hidden unit, "
                         f"got {parameters}")
    largest = count_char_parameters(cell, vocab_size=vocab_size, hidden_size=MAX_HIDDEN,
                                    embedding_size=embedding_size, num_layers=num_layers, backend=backend)
    if parameters > largest:
        raise ValueError(f"parameters must be <= {largest}, the size of a {cell} model with MAX_HIDDEN={MAX_HIDDEN} "
                         f"hidden units, got {parameters}")
    best, hidden = None, 1
    while True:
        n = count_char_parameters(cell, vocab_size=vocab_size, hidden_size=hidden, embedding_size=embedding_size,
                                  num_layers=num_layers, backend=backend)
        if best is None or abs(n - parameters) < abs(best[1] - parameters):
            best = (hidden, n)
        if n > parameters or hidden == MAX_HIDDEN:
            return best[0]
        hidden += 1


def stream_arrays(ids, *, batch_size, seq_len):
    """Inputs and targets of every :class:`rnnlab.text.StreamBatches` batch, stacked in order: arrays
    ``(n_batches * batch_size, seq_len)`` for Keras's ``fit(..., batch_size=batch_size, shuffle=False)``, whose
    k-th batch is exactly the k-th stream batch (so stateful layers continue each row)."""
    from .text import StreamBatches

    pairs = list(StreamBatches(ids, batch_size=batch_size, seq_len=seq_len))
    return np.concatenate([x for x, _ in pairs]), np.concatenate([y for _, y in pairs])


def reset_keras_states(model):
    """Zero the state of every stateful recurrent layer of a Keras model (start of a pass over the text)."""
    _config(model)
    if backend_of(model) != "keras":
        raise TypeError("model must be a Keras character model: a torch model carries its state explicitly "
                        "(model(x, state)), so there is nothing to reset")
    for layer in model.layers:
        if getattr(layer, "stateful", False):
            layer.reset_states()


def _config(model, name="model"):
    config = getattr(model, "rnnlab_char", None)
    if config is None:
        raise TypeError(f"{name} must be a character model made by rnnlab.char_models.build_char_model, "
                        f"got {type(model).__name__}")
    return config


def _check_char_ids(ids, name, model, *, min_length=1):
    """``ids`` as a 1-D int64 array of ids the model knows: integers in [0, vocab_size), at least ``min_length``."""
    vocab_size = _config(model)["vocab_size"]
    if isinstance(ids, str):
        raise TypeError(f"{name} must be integer ids, got a string: encode it with Vocabulary.encode first")
    arr = np.asarray(ids)
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{name} must be integer ids in [0, {vocab_size}), got dtype {arr.dtype}")
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D sequence of ids, got shape {arr.shape}")
    if len(arr) < min_length:
        raise ValueError(f"{name} must hold at least {min_length} id(s), got {len(arr)}")
    if arr.size and (arr.min() < 0 or arr.max() >= vocab_size):
        bad = arr.min() if arr.min() < 0 else arr.max()
        raise ValueError(f"{name} must be ids in [0, vocab_size={vocab_size}), got {int(bad)}")
    return arr.astype(np.int64)


def _check_vocab(model, vocab):
    config = _config(model)
    if not hasattr(vocab, "encode") or not hasattr(vocab, "chars"):
        raise TypeError(f"vocab must be an rnnlab.text.Vocabulary, got {type(vocab).__name__}")
    if len(vocab) != config["vocab_size"]:
        raise ValueError(f"vocab has {len(vocab)} characters but the model predicts {config['vocab_size']}; "
                         "use the vocabulary the model was built for")


def bits_per_char(model, ids, *, batch_size=64, seq_len=100):
    """Mean cross-entropy in bits of the model's next-character predictions over held-out ``ids``, read as
    ``batch_size`` parallel streams in windows of ``seq_len`` with the state carried (what
    :class:`rnnlab.text.StreamBatches` yields; its last partial window is left out)."""
    from .text import StreamBatches

    ids = _check_char_ids(ids, "ids", model)
    batches = StreamBatches(ids, batch_size=batch_size, seq_len=seq_len)
    adapter = load_adapter(backend_of(model))
    nats, count = adapter.char_cross_entropy_sum(model, batches)
    return nats / count / math.log(2)


def sample(model, vocab, *, prime, length, temperature=1.0, seed=0):
    """``length`` characters generated after the priming string ``prime`` (not included in the result).

    Each character is drawn from ``softmax(logits / temperature)`` with a numpy generator seeded by ``seed``, so
    the same seed gives the same text on the same backend and machine. Low temperatures sharpen the
    distribution towards the most likely character; high ones flatten it.
    """
    _check_vocab(model, vocab)
    if not isinstance(prime, str) or not prime:
        raise ValueError(f"prime must be a non-empty string of characters from the vocabulary, got {prime!r}")
    unknown = sorted(set(prime) - set(vocab.chars))
    if unknown:
        raise ValueError(f"prime contains characters outside the vocabulary: {''.join(unknown)!r}; "
                         f"allowed: {''.join(vocab.chars)!r}")
    length = check_int(length, "length", max_value=MAX_SAMPLE_LENGTH)
    temperature = check_float(temperature, "temperature", low=0.0, low_inclusive=False)
    rng = np.random.default_rng(check_seed(seed))
    feed = load_adapter(backend_of(model)).char_stepper(model)
    logits = feed(vocab.encode(prime))
    drawn = []
    for _ in range(length):
        with np.errstate(over="ignore"):
            z = logits.astype(np.float64) / temperature
        if not np.isfinite(z).all():
            raise ValueError(f"temperature={temperature} is too small: the logits divided by it overflow "
                             f"(largest logit {float(np.abs(logits).max()):.3g}); use a larger temperature")
        # Inverse-CDF draw: the first id whose running softmax total exceeds a uniform number (numpy's own
        # Generator.choice draws the same way, so the texts match those of rng.choice on the same seed).
        running = np.cumsum(np.exp(z - np.logaddexp.reduce(z)))
        drawn.append(int(np.searchsorted(running / running[-1], rng.random(), side="right")))
        logits = feed(np.array(drawn[-1:], dtype=np.int64))
    return vocab.decode(np.array(drawn, dtype=np.int64))


def hidden_states(model, ids):
    """The last recurrent layer's hidden state at every character of ``ids`` (one stream from a zero state),
    as a numpy array (time, hidden_size)."""
    ids = _check_char_ids(ids, "ids", model)
    return load_adapter(backend_of(model)).char_hidden_states(model, ids)


def train_torch(model, train_ids, val_ids, *, steps, batch_size, seq_len, lr=3e-3, decay_steps=None, clip_norm=5.0,
                eval_every=100, seed=0, on_eval=None):
    """Train a torch character model with truncated BPTT: Adam (its learning rate following a cosine from ``lr``
    down to 0 over ``decay_steps`` steps, when given), a loss at every step, gradient-norm clipping,
    and the state carried (detached) from one :class:`rnnlab.text.StreamBatches` batch to the next and reset at
    the start of every pass over ``train_ids``. Every ``eval_every`` steps (and at the last) appends
    ``{"steps", "seconds" (training only), "train_bpc" (mean since the previous record), "val_bpc"}`` to the
    returned list and calls ``on_eval(record)``. This is the loop notebook 05 writes out line by line.
    """
    import torch
    from torch import nn

    from .text import StreamBatches

    _config(model)
    if backend_of(model) != "torch":
        raise TypeError("model must be a torch character model; train a Keras one with its own fit "
                        "(see stream_arrays)")
    steps = check_int(steps, "steps")
    eval_every = check_int(eval_every, "eval_every")
    lr = check_float(lr, "lr", low=0.0, high=MAX_LR, low_inclusive=False)
    clip_norm = check_float(clip_norm, "clip_norm", low=0.0, low_inclusive=False)
    if decay_steps is not None:
        decay_steps = check_int(decay_steps, "decay_steps")
    if on_eval is not None and not callable(on_eval):
        raise TypeError(f"on_eval must be callable or None, got {type(on_eval).__name__}")
    seed = check_seed(seed)
    batches = StreamBatches(_check_char_ids(train_ids, "train_ids", model), batch_size=batch_size, seq_len=seq_len)
    val_ids = _check_char_ids(val_ids, "val_ids", model)
    try:  # evaluated every eval_every steps: refused now rather than after training
        StreamBatches(val_ids, batch_size=batch_size, seq_len=seq_len)
    except ValueError as exc:
        raise ValueError(f"val_ids cannot be evaluated: {exc}") from None
    torch.manual_seed(seed)  # dropout masks
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    scheduler = None
    if decay_steps is not None:
        scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=decay_steps)
    records, step, seconds, losses = [], 0, 0.0, []
    model.train()
    while step < steps:
        state = None
        for x, y in batches:
            start = time.perf_counter()
            x, y = torch.from_numpy(x), torch.from_numpy(y)
            optimizer.zero_grad()
            logits, state = model(x, state)
            loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), clip_norm)
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
            state = tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()
            seconds += time.perf_counter() - start
            losses.append(loss.item())
            step += 1
            if step % eval_every == 0 or step == steps:
                record = {"steps": step, "seconds": seconds, "train_bpc": float(np.mean(losses)) / math.log(2),
                          "val_bpc": bits_per_char(model, val_ids, batch_size=batch_size, seq_len=seq_len)}
                records.append(record)
                losses = []
                if on_eval is not None:
                    on_eval(record)
            if step == steps:
                break
    model.eval()
    return records
