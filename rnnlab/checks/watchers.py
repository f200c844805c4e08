"""What the self-checks watch while the student's function runs: the library cells it must not call (found in
its code, and blocked while it runs) and the optimiser steps it takes."""
from __future__ import annotations

import contextlib
import sys
import types

from .engine import _check_callable

_LIBRARY_NAMES = frozenset({
    "reference", "rnn_forward", "gru_forward", "lstm_forward", "RNNCell", "GRUCell", "LSTMCell", "RNN", "GRU",
    "LSTM", "SimpleRNN", "SimpleRNNCell", "rnn_relu_cell", "rnn_tanh_cell", "gru_cell", "lstm_cell",
    "build_model", "set_weights"})


def library_cell_names(fn, depth=3):
    """The names of library cells (rnnlab.reference, torch / Keras RNN and GRU cells, rnnlab models) that the
    code of ``fn`` mentions: its own code, nested functions and the functions of its module it calls."""
    _check_callable(fn)
    found, seen = set(), set()

    def visit(obj, level):
        code = getattr(getattr(obj, "__func__", obj), "__code__", None)
        if code is None or id(code) in seen or level > depth:
            return
        seen.add(id(code))
        stack = [code]
        while stack:
            c = stack.pop()
            found.update(_LIBRARY_NAMES.intersection(c.co_names))
            for const in c.co_consts:
                if isinstance(const, types.CodeType):
                    stack.append(const)
                elif isinstance(const, str) and const in _LIBRARY_NAMES:
                    found.add(const)
            namespace = getattr(obj, "__globals__", {})
            for ref in c.co_names:
                if ref in namespace:
                    inspect_object(namespace[ref], level)
        for cell in getattr(obj, "__closure__", None) or ():
            with contextlib.suppress(ValueError):
                inspect_object(cell.cell_contents, level)

    def inspect_object(target, level):
        """A global or closure variable: a library cell under another name, or a function to look into."""
        label = getattr(target, "__name__", None) if isinstance(target, (type, types.ModuleType)) or callable(
            target) else None
        if isinstance(target, types.ModuleType) and label == "rnnlab.reference":
            found.add("reference")
        elif isinstance(label, str) and label in _LIBRARY_NAMES:
            found.add(label)
        elif type(target).__name__ in _LIBRARY_NAMES:   # an instance, e.g. a torch.nn.RNNCell built beforehand
            found.add(type(target).__name__)
        elif isinstance(target, types.FunctionType) and not target.__module__.startswith(("rnnlab", "numpy")):
            visit(target, level + 1)

    visit(fn, 0)
    return sorted(found)


def _blocked(*args, **kwargs):
    raise __import__("rnnlab.checks.engine", fromlist=["_LibraryCellUsed"])._LibraryCellUsed(
        "rnnlab.reference, a framework's RNN cell or an rnnlab model")


@contextlib.contextmanager
def without_library_cells():
    """Within the block, calling rnnlab.reference's forward functions, rnnlab.build_model / set_weights, or the
    RNN, GRU and LSTM cells and layers of torch or Keras (if imported) raises instead of computing."""
    from .. import models, reference, weights

    swapped = [f for f in (reference.rnn_forward, reference.gru_forward, reference.lstm_forward, reference.forward,
                           models.build_model, weights.set_weights)]
    codes = [f.__code__ for f in swapped]
    patched = []   # (owner, attribute, original)
    torch = sys.modules.get("torch")
    if torch is not None:
        for cls in ("RNNCell", "GRUCell", "LSTMCell", "RNN", "GRU", "LSTM"):
            patched.append((getattr(torch.nn, cls), "forward"))
        for fname in ("rnn_relu_cell", "rnn_tanh_cell", "gru_cell", "lstm_cell", "rnn_relu", "rnn_tanh", "gru",
                      "lstm"):
            for owner in (torch, torch._VF):
                if hasattr(owner, fname):
                    patched.append((owner, fname))
    keras = sys.modules.get("keras")
    if keras is not None and hasattr(keras, "layers"):
        for cls in ("SimpleRNNCell", "GRUCell", "LSTMCell", "RNN"):
            if hasattr(keras.layers, cls):
                patched.append((getattr(keras.layers, cls), "call"))
    originals = [(owner, attr, owner.__dict__.get(attr, None) if isinstance(owner, type) else getattr(owner, attr))
                 for owner, attr in patched]
    try:
        for f in swapped:
            f.__code__ = _blocked.__code__.replace(co_name=f.__name__) if f.__code__.co_freevars == () else f.__code__
        for owner, attr, _ in originals:
            setattr(owner, attr, _blocked)
        yield
    finally:
        for f, code in zip(swapped, codes):
            f.__code__ = code
        for owner, attr, original in originals:
            if isinstance(owner, type) and original is None:
                delattr(owner, attr)
            else:
                setattr(owner, attr, original)


@contextlib.contextmanager
def training_steps():
    """Count the optimiser steps taken within the block: torch optimiser steps (any torch optimiser) and, on
    other backends, the epochs × batches of every ``rnnlab.train`` call. Yields a one-element list."""
    from .. import backends

    count, handles = [0], []
    if "torch" in sys.modules or backends.is_available("torch"):
        from torch.optim.optimizer import register_optimizer_step_post_hook

        handles.append(register_optimizer_step_post_hook(lambda *args, **kwargs: count.__setitem__(0, count[0] + 1)))
    original_load = backends.load_adapter

    def counting_load(backend):
        adapter = original_load(backend)
        if backend == "torch":
            return adapter   # counted by the optimiser hook
        fit = adapter.fit

        def fit_and_count(model, X, *args, epochs, batch_size, **kwargs):
            count[0] += epochs * len(range(0, len(X), batch_size))
            return fit(model, X, *args, epochs=epochs, batch_size=batch_size, **kwargs)

        return types.SimpleNamespace(**{**vars(adapter), "fit": fit_and_count})

    from .. import training

    training.load_adapter = counting_load
    try:
        yield count
    finally:
        training.load_adapter = original_load
        for handle in handles:
            handle.remove()


