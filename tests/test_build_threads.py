"""Building models from several threads gives the same weights as building them one after the other, and leaves
the global random generators as they were (torch's, Python's and numpy's are shared by every thread)."""
import random
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import rnnlab
from rnnlab import char_models
from rnnlab.backends import backend_of

VOCAB_SIZE = 10


def weights_of(model):
    if backend_of(model) == "torch":
        return [p.detach().numpy().copy() for p in model.parameters()]
    return [np.array(w, copy=True) for w in model.get_weights()]


def build(i, backend):
    """Model i of 40: both kinds and every cell, seeds repeating so that equal calls must give equal weights."""
    cell = ("rnn", "lstm", "gru")[i % 3]
    if i % 2:
        model = char_models.build_char_model(cell, backend, vocab_size=VOCAB_SIZE, hidden_size=6, seed=i % 5)
    else:
        model = rnnlab.build_model(cell, backend, hidden_size=6, seed=i % 5)
    return weights_of(model)


def disturb(i, backend, model):
    """Other work the threads do between builds: inference on a character model (on Keras it builds a copy)."""
    if i % 4 == 3:
        char_models.hidden_states(model, np.arange(8) % VOCAB_SIZE)
    return build(i, backend)


@pytest.mark.parametrize("backend,replays", [("torch", 8), ("keras", 2)])
def test_models_built_from_threads_equal_the_serial_ones(backend, replays):
    serial = [build(i, backend) for i in range(40)]
    reader = char_models.build_char_model("lstm", backend, vocab_size=VOCAB_SIZE, hidden_size=4, seed=9)
    states = random.getstate(), np.random.get_state()[1].copy()
    for _ in range(replays):
        with ThreadPoolExecutor(4) as pool:
            threaded = list(pool.map(lambda i: disturb(i, backend, reader), range(40)))
        differ = [i for i, (a, b) in enumerate(zip(serial, threaded))
                  if len(a) != len(b) or not all(np.array_equal(x, y) for x, y in zip(a, b))]
        assert differ == []
    assert random.getstate() == states[0]
    np.testing.assert_array_equal(np.random.get_state()[1], states[1])
