"""PyTorch's half of the character-level language models (notebook 05): the model, its builder and the
cross-entropy, sampling and hidden-state functions that rnnlab.char_models calls through the adapter."""
from __future__ import annotations

import contextlib

import numpy as np
import torch
from torch import nn

from .torch_bptt import _LAYERS


class CharLanguageModel(nn.Module):
    """``embedding`` → ``rnn`` (batch-first, 1..N layers, dropout between layers) → ``head``: one logit per
    vocabulary entry at every step. ``forward(x, state)`` returns ``(logits, state)`` so that a caller can carry
    the state from one truncated-BPTT batch to the next (``state=None`` starts from zeros)."""

    def __init__(self, cell, vocab_size, embedding_size, hidden_size, num_layers=1, dropout=0.0):
        super().__init__()
        self.cell = cell
        self.embedding = nn.Embedding(vocab_size, embedding_size)
        layer = _LAYERS[cell] if num_layers == 1 else {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell]
        self.rnn = layer(embedding_size, hidden_size, num_layers=num_layers, dropout=dropout, batch_first=True)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, x, state=None):
        states, state = self.rnn(self.embedding(x), state)
        return self.head(states), state


def build_char(cell, *, vocab_size, embedding_size, hidden_size, num_layers, dropout, seed):
    """Torch models take any batch size and carry their state explicitly (``forward(x, state)``)."""
    torch.manual_seed(seed)
    return CharLanguageModel(cell, vocab_size, embedding_size, hidden_size, num_layers, dropout)


@contextlib.contextmanager
def _evaluating(model):
    """``model.eval()`` and no gradients inside the block; the train/eval mode is restored afterwards."""
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            yield
    finally:
        model.train(was_training)


def char_cross_entropy_sum(model, batches):
    """Summed cross-entropy (nats) and number of predictions over stream batches, the state carried."""
    total, count, state = 0.0, 0, None
    with _evaluating(model):
        for x, y in batches:
            logits, state = model(torch.from_numpy(x), state)
            total += nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), torch.from_numpy(y).reshape(-1),
                                                 reduction="sum").item()
            count += y.size
    return total, count


def char_stepper(model):
    """A function feeding 1-D character ids to the model, carrying its state, returning the last logits."""
    state = None

    def feed(ids):
        nonlocal state
        with _evaluating(model):
            logits, state = model(torch.from_numpy(np.asarray(ids, dtype=np.int64))[None], state)
        return logits[0, -1].numpy()

    return feed


def char_hidden_states(model, ids):
    """The last layer's hidden state after every character of ``ids`` (time, hidden)."""
    with _evaluating(model):
        states, _ = model.rnn(model.embedding(torch.from_numpy(ids)[None]))
    return states[0].numpy()
