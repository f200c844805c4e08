"""One model factory for both backends: recurrent layer (batch-first) → last hidden state → linear head."""
from __future__ import annotations

import contextlib
import numbers
import random
import sys
import threading

import numpy as np

from ._validation import check_choice, check_float, check_int, check_seed
from .backends import BACKENDS, CELLS, load_adapter
from .history import HEADS
ACTIVATIONS = ("tanh", "relu")
FORGET_BIAS_NAMES = ("default", "chrono")


def build_model(cell, backend="torch", *, input_size=1, hidden_size=16, output_size=1, head="binary",
                activation="tanh", forget_bias="default", seq_len=None, seed=0):
    """Build a native ``torch.nn.Module`` or ``keras.Model``.

    Parameters
    ----------
    cell : 'rnn', 'lstm' or 'gru'
    backend : 'torch' or 'keras'
    head : 'binary' (one logit per output; train with a sigmoid cross-entropy) or 'regression'
    activation : 'tanh' or 'relu', the candidate activation (Keras allows relu for every cell;
        torch only for the simple RNN)
    forget_bias : 'default' (the framework's own initialisation), a number (the forget-gate bias of
        an LSTM, the update-gate bias of a GRU), or 'chrono' (Tallec & Ollivier 2018: b_f = log U(1, T-1)
        and input-gate bias -b_f; needs ``seq_len``)
    seq_len : the sequence length the model will see; only needed for ``forget_bias='chrono'``
    seed : seeds the weight initialisation, an integer in [0, 2**32). Python's, numpy's and torch's global
        random generators are left as they were; on Keras, Keras's global seed (and TensorFlow's, when Keras
        runs on TensorFlow) is set to ``seed``: Keras layers draw their initial weights from it. The same seed
        gives different weights on Keras-on-JAX and Keras-on-TensorFlow.
    """
    check_choice(cell, "cell", CELLS)
    check_choice(backend, "backend", BACKENDS)
    input_size = check_int(input_size, "input_size")
    hidden_size = check_int(hidden_size, "hidden_size")
    output_size = check_int(output_size, "output_size")
    check_choice(head, "head", HEADS)
    check_choice(activation, "activation", ACTIVATIONS)
    seed = check_seed(seed)
    if backend == "torch" and activation == "relu" and cell != "rnn":
        raise ValueError(f"activation='relu' is only available for cell='rnn' on torch "
                         f"(torch's nn.{cell.upper()} is tanh-only); use activation='tanh' or backend='keras'")
    keep_bias = gate_biases(cell, forget_bias, hidden_size, seq_len, seed)
    adapter = load_adapter(backend)
    with seeded_build():
        model = adapter.build(cell, input_size=input_size, hidden_size=hidden_size, output_size=output_size,
                              activation=activation, seed=seed)
    if keep_bias is not None:
        adapter.set_gate_biases(model, cell, *keep_bias)
    model.rnnlab_head = head
    return model


# Building seeds generators every thread shares (torch's, Python's, numpy's): one build at a time, so that a
# model built from several threads gets the same weights as when built alone, and every generator is restored.
_BUILD_LOCK = threading.RLock()


@contextlib.contextmanager
def seeded_build():
    """The block runs alone among rnnlab's model builds, the global random generators restored afterwards."""
    with _BUILD_LOCK, global_rngs_kept():
        yield


@contextlib.contextmanager
def global_rngs_kept():
    """Restore Python's, numpy's and torch's global random generators after a block that seeds them."""
    torch = sys.modules.get("torch")
    states = (random.getstate(), np.random.get_state(), torch and torch.random.get_rng_state(),
              torch and torch.cuda.is_initialized() and torch.cuda.get_rng_state_all())
    try:
        yield
    finally:
        random.setstate(states[0])
        np.random.set_state(states[1])
        if torch:
            torch.random.set_rng_state(states[2])
            if states[3]:
                torch.cuda.set_rng_state_all(states[3])


def gate_biases(cell, forget_bias, hidden_size, seq_len=None, seed=0):
    """The (keep-gate bias, input-gate bias) a ``forget_bias`` option asks for, or None for 'default'.

    The keep gate is the LSTM forget gate or the GRU update gate; the input-gate bias is None
    except for chrono on an LSTM.
    """
    if isinstance(forget_bias, str):
        check_choice(forget_bias, "forget_bias", FORGET_BIAS_NAMES)
        if forget_bias == "default":
            return None
    elif isinstance(forget_bias, bool) or not isinstance(forget_bias, numbers.Real):
        raise TypeError(f"forget_bias must be 'default', 'chrono' or a number, got {forget_bias!r}")
    if cell == "rnn":
        raise ValueError(f"forget_bias={forget_bias!r} needs a gated cell ('lstm' or 'gru'); "
                         "the simple RNN has no forget gate, use forget_bias='default'")
    if forget_bias == "chrono":
        if seq_len is None:
            raise ValueError("forget_bias='chrono' needs seq_len (the longest dependency to cover), got None")
        seq_len = check_int(seq_len, "seq_len", min_value=3)
        rng = np.random.default_rng(seed)
        keep = np.log(rng.uniform(1.0, seq_len - 1.0, size=hidden_size)).astype(np.float32)
        return keep, (-keep if cell == "lstm" else None)
    value = check_float(forget_bias, "forget_bias")
    return np.full(hidden_size, value, dtype=np.float32), None
