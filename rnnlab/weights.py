"""Recurrent-layer weights in one framework-neutral form, read from and written into torch and Keras.

The neutral convention (:class:`CellWeights`) uses torch's orientation: an input matrix ``W_*`` has shape
``(hidden, input)``, a recurrent matrix ``U_*`` has shape ``(hidden, hidden)``, a bias ``b_*`` has shape
``(hidden,)``, and a gate reads ``W x_t + U h_{t-1} + b``. Arrays are named by gate:

- ``'rnn'``:  ``W, U, b``
- ``'lstm'``: ``W_i, W_f, W_g, W_o``, ``U_i, ...``, ``b_i, ...`` (input, forget, candidate, output)
- ``'gru'``:  ``W_r, W_z, W_n``, ``U_r, ...``, ``b_r, b_z, b_n`` (reset, update, candidate), plus ``b_hn``
  when ``reset_after=True``: the recurrent candidate bias that sits inside the reset product,
  ``n = phi(W_n x + b_n + r * (U_n h + b_hn))``.

Every gate has one combined bias, except the GRU candidate with ``reset_after=True``.

How the frameworks differ, and what this module does about it:

- torch stores ``weight_ih`` (gates*h, in); Keras stores ``kernel`` (in, gates*h), i.e. transposed.
- Gate order: torch LSTM i, f, g, o and Keras LSTM i, f, c, o (the same gates, c = g);
  torch GRU r, z, n but Keras GRU z, r, h (h = n).
- torch has two bias vectors, ``bias_ih`` and ``bias_hh``; Keras SimpleRNN/LSTM have one. Reading torch
  sums them per gate (``b = bias_ih + bias_hh``); writing torch puts ``b`` in ``bias_ih`` and zeroes
  ``bias_hh``. For the GRU candidate, ``b_n`` goes to ``bias_ih`` and ``b_hn`` to ``bias_hh`` unchanged.
- The Keras GRU with ``reset_after=True`` (default) has bias shape (2, 3h): an input row and a recurrent
  row, mapped like torch's two vectors. ``reset_after=False`` (the classic Cho et al. 2014 GRU, bias (3h,),
  reset applied before the recurrent matmul) has no torch equivalent: writing it to torch raises.
- Keras allows activation='relu' for every cell (candidate and LSTM output); torch only for the simple RNN.
- Not supported (clear errors): multi-layer, bidirectional or projected torch layers, layers without
  biases, Keras gates with a recurrent_activation other than the sigmoid.

Exactness: the matrices, the head and the GRU's ``b_n``/``b_hn`` copy bit for bit in both directions. A pair
of biases (torch's ``bias_ih``/``bias_hh``, or the two rows of a Keras GRU's r and z biases) is stored as
its float32 sum, one rounding per element, and written back as (sum, 0). So a first round trip (e.g.
torch -> Keras -> torch) gives the same function with predictions equal up to float32 rounding; weights
already in that canonical form (e.g. anything written by :func:`set_weights`) round-trip bit for bit,
predictions included.
"""
from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ._validation import check_array, check_choice, check_float, check_int
from .backends import CELLS, backend_of
from .models import ACTIVATIONS
from .settings import MAX_HIDDEN, MAX_VOCAB

GATES = {"rnn": ("",), "lstm": ("i", "f", "g", "o"), "gru": ("r", "z", "n")}
TORCH_ORDER = GATES  # the neutral gate order is torch's
KERAS_ORDER = {"rnn": ("",), "lstm": ("i", "f", "g", "o"), "gru": ("z", "r", "n")}


def _name(kind, gate):
    return f"{kind}_{gate}" if gate else kind


def array_names(cell, reset_after=True):
    """The names :class:`CellWeights` holds for ``cell`` (``reset_after`` matters for the GRU only)."""
    check_choice(cell, "cell", CELLS)
    names = [_name(kind, gate) for kind in "WUb" for gate in GATES[cell]]
    return tuple(names + ["b_hn"] if cell == "gru" and reset_after else names)


@dataclass
class CellWeights:
    """One recurrent layer's weights in the neutral convention (see the module docstring).

    cell : 'rnn', 'lstm' or 'gru'
    activation : 'tanh' or 'relu', the candidate (and LSTM output) activation; gates always use the sigmoid
    arrays : dict of float32 arrays named as :func:`array_names` lists
    reset_after : GRU only: True for the torch / Keras-default GRU (with ``b_hn``), False for Cho et al.
    """

    cell: str
    activation: str
    arrays: dict
    reset_after: bool = True

    def __post_init__(self):
        check_choice(self.cell, "cell", CELLS)
        check_choice(self.activation, "activation", ACTIVATIONS)
        if not isinstance(self.reset_after, bool):
            raise TypeError(f"reset_after must be True or False, got {self.reset_after!r}")
        if not isinstance(self.arrays, Mapping):
            raise TypeError(f"arrays must be a dict of named arrays, got {type(self.arrays).__name__}")
        expected = array_names(self.cell, self.reset_after)
        missing, extra = set(expected) - set(self.arrays), set(self.arrays) - set(expected)
        if missing or extra:
            raise ValueError(f"arrays for cell={self.cell!r} (reset_after={self.reset_after}) must be named "
                             f"{list(expected)}; missing {sorted(missing)}, unexpected {sorted(extra)}")
        arrays = {name: check_array(self.arrays[name], f"arrays[{name!r}]") for name in expected}
        first = _name("W", GATES[self.cell][0])
        if arrays[first].ndim != 2:
            raise ValueError(f"arrays[{first!r}] must be a (hidden, input) matrix, got shape {arrays[first].shape}")
        h, i = arrays[first].shape
        for name, arr in arrays.items():
            shape = {"W": (h, i), "U": (h, h), "b": (h,)}[name[0]]
            if arr.shape != shape:
                raise ValueError(f"arrays[{name!r}] must have shape {shape} (hidden={h}, input={i} "
                                 f"from arrays[{first!r}]), got {arr.shape}")
        self.arrays = arrays

    @property
    def hidden_size(self):
        return self.arrays[_name("U", GATES[self.cell][0])].shape[0]

    @property
    def input_size(self):
        return self.arrays[_name("W", GATES[self.cell][0])].shape[1]


def random_weights(cell, input_size, hidden_size, *, activation="tanh", reset_after=True, scale=None, seed=0):
    """Weights drawn uniformly from [-scale, scale] (default ``1/sqrt(hidden_size)``, torch's initialisation)."""
    check_choice(cell, "cell", CELLS)
    input_size = check_int(input_size, "input_size", max_value=MAX_VOCAB)
    hidden_size = check_int(hidden_size, "hidden_size", max_value=MAX_HIDDEN)
    seed = check_int(seed, "seed", min_value=0)
    scale = hidden_size ** -0.5 if scale is None else check_float(scale, "scale", low=0, low_inclusive=False)
    rng = np.random.default_rng(seed)
    shapes = {"W": (hidden_size, input_size), "U": (hidden_size, hidden_size), "b": (hidden_size,)}
    arrays = {name: rng.uniform(-scale, scale, shapes[name[0]]).astype(np.float32)
              for name in array_names(cell, reset_after)}
    return CellWeights(cell, activation, arrays, reset_after)


# ---------------------------------------------------------------- finding the layer

def _recurrent_layer(obj, name="model_or_layer", framework=None):
    """('torch' | 'keras', layer) for a supported recurrent layer or an rnnlab model holding one as 'rnn'.

    ``framework``, when the caller knows it already, skips asking which framework ``obj`` belongs to.
    Keras is checked first: on Keras's torch backend a Keras layer is also a torch.nn.Module.
    """
    keras = sys.modules.get("keras")
    if framework in (None, "keras") and keras is not None and isinstance(obj, keras.layers.Layer):
        layer = obj
        if isinstance(obj, keras.Model):
            try:
                layer = obj.get_layer("rnn")
            except ValueError:
                raise TypeError(f"{name}: this keras.Model has no layer named 'rnn' (rnnlab models do)") from None
        if not isinstance(layer, (keras.layers.SimpleRNN, keras.layers.LSTM, keras.layers.GRU)):
            raise TypeError(f"{name} must be a Keras SimpleRNN/LSTM/GRU layer or a model with one named 'rnn', "
                            f"got {type(layer).__name__}")
        cell = layer.cell
        if not cell.use_bias:
            raise ValueError(f"{name}: Keras layers with use_bias=False are not supported")
        gate_activation = getattr(cell, "recurrent_activation", keras.activations.sigmoid)  # SimpleRNN: none
        if gate_activation is not keras.activations.sigmoid:
            raise ValueError(f"{name}: expected recurrent_activation='sigmoid', found {gate_activation.__name__!r}")
        if cell.activation not in (keras.activations.tanh, keras.activations.relu):
            raise ValueError(f"{name}: expected activation 'tanh' or 'relu', found {cell.activation.__name__!r}")
        return "keras", layer
    torch = sys.modules.get("torch")
    if framework in (None, "torch") and torch is not None and isinstance(obj, torch.nn.Module):
        layer = obj.rnn if isinstance(getattr(obj, "rnn", None), torch.nn.RNNBase) else obj
        if not isinstance(layer, (torch.nn.RNN, torch.nn.LSTM, torch.nn.GRU)):
            raise TypeError(f"{name} must be a torch nn.RNN/nn.LSTM/nn.GRU or a model with one as .rnn, "
                            f"got {type(obj).__name__}")
        required = {"num_layers": (layer.num_layers, 1), "bidirectional": (layer.bidirectional, False),
                    "bias": (layer.bias, True), "proj_size": (layer.proj_size, 0)}
        for attr, (found, wanted) in required.items():
            if found != wanted:
                raise ValueError(f"{name}: only single-layer, unidirectional torch layers with biases and no "
                                 f"projection are supported; expected {attr}={wanted}, found {attr}={found}")
        return "torch", layer
    raise TypeError(f"{name} must be a torch nn.RNN/LSTM/GRU, a Keras SimpleRNN/LSTM/GRU layer, or an rnnlab "
                    f"model holding one, got {type(obj).__name__}")


def _keras_numpy(variable):
    """A Keras variable as a float32 numpy array, on any Keras backend."""
    import keras

    return np.array(keras.ops.convert_to_numpy(variable.value), dtype=np.float32)  # a writable copy


def _cell_and_activation(framework, layer):
    if framework == "torch":
        import torch

        cell = "lstm" if isinstance(layer, torch.nn.LSTM) else "gru" if isinstance(layer, torch.nn.GRU) else "rnn"
        return cell, layer.nonlinearity if cell == "rnn" else "tanh"
    import keras

    cell = "lstm" if isinstance(layer, keras.layers.LSTM) else "gru" if isinstance(layer, keras.layers.GRU) else "rnn"
    return cell, "tanh" if layer.cell.activation is keras.activations.tanh else "relu"


# ---------------------------------------------------------------- reading and writing

def get_weights(model_or_layer):
    """The :class:`CellWeights` of a torch/Keras recurrent layer, or of the layer 'rnn' of an rnnlab model."""
    return _read(model_or_layer, "model_or_layer")


def set_weights(model_or_layer, weights):
    """Write :class:`CellWeights` into a torch/Keras recurrent layer (or an rnnlab model's 'rnn' layer).

    The cell, activation, sizes and (GRU) ``reset_after`` must match the layer; an unbuilt Keras layer is
    built for ``weights.input_size`` first.
    """
    _write(model_or_layer, weights, "model_or_layer")


def _blocks(stacked, order, h, kind):
    """Split gate-stacked rows into named per-gate blocks."""
    return {_name(kind, gate): stacked[k * h:(k + 1) * h] for k, gate in enumerate(order)}


def _read(obj, name):
    framework, layer = _recurrent_layer(obj, name)
    cell, activation = _cell_and_activation(framework, layer)
    if framework == "torch":
        h, order = layer.hidden_size, TORCH_ORDER[cell]
        W, U, b_in, b_rec = (p.detach().cpu().numpy().astype(np.float32) for p in
                             (layer.weight_ih_l0, layer.weight_hh_l0, layer.bias_ih_l0, layer.bias_hh_l0))
        reset_after = True
    else:
        if not layer.built:
            raise ValueError(f"{name}: the Keras layer is not built yet, so it has no weights; call it on data first")
        c = layer.cell
        h, order = c.units, KERAS_ORDER[cell]
        kernel, recurrent, bias = (_keras_numpy(v) for v in (c.kernel, c.recurrent_kernel, c.bias))
        W, U = kernel.T, recurrent.T
        reset_after = bool(c.reset_after) if cell == "gru" else True
        b_in, b_rec = bias if bias.ndim == 2 else (bias, np.zeros_like(bias))  # GRU reset_after: two rows
    arrays = {**_blocks(W, order, h, "W"), **_blocks(U, order, h, "U"), **_blocks(b_in + b_rec, order, h, "b")}
    if cell == "gru" and reset_after:
        arrays["b_n"], arrays["b_hn"] = b_in[2 * h:], b_rec[2 * h:]
    return CellWeights(cell, activation, arrays, reset_after)


def _write(obj, weights, name):
    if not isinstance(weights, CellWeights):
        raise TypeError(f"weights must be a CellWeights (from get_weights or random_weights), "
                        f"got {type(weights).__name__}")
    framework, layer = _recurrent_layer(obj, name)
    cell, activation = _cell_and_activation(framework, layer)
    if weights.cell != cell:
        raise ValueError(f"weights are for cell={weights.cell!r} but {name} holds a {framework} {cell!r} layer")
    if weights.activation != activation:
        hint = " (torch's LSTM and GRU are tanh-only)" if framework == "torch" and cell != "rnn" else ""
        raise ValueError(f"weights use activation={weights.activation!r} but the {framework} layer of {name} uses "
                         f"{activation!r}{hint}")
    if framework == "torch":
        _write_torch(layer, weights, name)
    else:
        _write_keras(layer, weights, name)


def _check_sizes(weights, input_size, hidden_size, name):
    if (weights.input_size, weights.hidden_size) != (input_size, hidden_size):
        raise ValueError(f"weights have input_size={weights.input_size}, hidden_size={weights.hidden_size} but the "
                         f"layer of {name} has input_size={input_size}, hidden_size={hidden_size}")


def _stack(weights, kind, order):
    return np.concatenate([weights.arrays[_name(kind, gate)] for gate in order])


def _write_torch(layer, weights, name):
    import torch

    if weights.cell == "gru" and not weights.reset_after:
        raise ValueError("weights are a reset_after=False GRU (Cho et al.: reset before the recurrent matmul, e.g. "
                         f"Keras GRU(reset_after=False)); torch's GRU resets after the matmul, so {name} cannot hold them")
    _check_sizes(weights, layer.input_size, layer.hidden_size, name)
    order, h = TORCH_ORDER[weights.cell], layer.hidden_size
    b_in = _stack(weights, "b", order)
    b_rec = np.zeros_like(b_in)
    if weights.cell == "gru":
        b_rec[2 * h:] = weights.arrays["b_hn"]
    values = (_stack(weights, "W", order), _stack(weights, "U", order), b_in, b_rec)
    params = (layer.weight_ih_l0, layer.weight_hh_l0, layer.bias_ih_l0, layer.bias_hh_l0)
    with torch.no_grad():
        for param, value in zip(params, values):
            param.copy_(torch.from_numpy(value))


def _write_keras(layer, weights, name):
    if not layer.built:
        layer.build((None, None, weights.input_size))
    c = layer.cell
    _check_sizes(weights, c.kernel.shape[0], c.units, name)
    reset_after = weights.cell == "gru" and bool(c.reset_after)
    if weights.cell == "gru" and weights.reset_after != reset_after:
        raise ValueError(f"weights have reset_after={weights.reset_after} but the Keras GRU of {name} has "
                         f"reset_after={reset_after}; the two GRU forms compute different functions")
    order, h = KERAS_ORDER[weights.cell], c.units
    bias = _stack(weights, "b", order)
    if reset_after:
        bias = np.stack([bias, np.concatenate([np.zeros(2 * h, np.float32), weights.arrays["b_hn"]])])
    c.kernel.assign(_stack(weights, "W", order).T)
    c.recurrent_kernel.assign(_stack(weights, "U", order).T)
    c.bias.assign(bias)


# ---------------------------------------------------------------- whole rnnlab models

def _head(model, name, framework=None):
    """The head of an rnnlab model as (kernel (hidden, outputs), bias (outputs,)) float32 arrays."""
    if framework is None:
        framework, _ = _recurrent_layer(model, name)
    if framework == "torch":
        import torch

        head = getattr(model, "head", None)
        if not isinstance(head, torch.nn.Linear) or head.bias is None:
            raise TypeError(f"{name} must be an rnnlab torch model with an nn.Linear (with bias) as .head")
        return tuple(p.detach().cpu().numpy().astype(np.float32) for p in (head.weight.T, head.bias))
    import keras

    try:
        head = model.get_layer("head")
    except (AttributeError, ValueError):
        head = None
    if not isinstance(head, keras.layers.Dense) or not head.use_bias:
        raise TypeError(f"{name} must be an rnnlab Keras model with a Dense layer (with bias) named 'head'")
    return tuple(_keras_numpy(v) for v in (head.kernel, head.bias))


def _set_head(model, kernel, bias):
    if backend_of(model) == "torch":
        import torch

        with torch.no_grad():
            model.head.weight.copy_(torch.from_numpy(np.ascontiguousarray(kernel.T)))
            model.head.bias.copy_(torch.from_numpy(bias))
    else:
        model.get_layer("head").kernel.assign(kernel)
        model.get_layer("head").bias.assign(bias)


def transfer(src, dst):
    """Copy the recurrent layer and the head of rnnlab model ``src`` into rnnlab model ``dst``; returns ``dst``.

    Either may be torch or Keras; both must have the same cell, activation and sizes (and the same
    ``rnnlab_head`` when both were built by :func:`rnnlab.build_model`). See the module docstring for
    which numbers are copied exactly.
    """
    weights = _read(src, "src")
    kernel, bias = _head(src, "src")
    dst_kernel, _ = _head(dst, "dst")
    if dst_kernel.shape != kernel.shape:
        raise ValueError(f"the head of src maps {kernel.shape[0]} -> {kernel.shape[1]} but the head of dst maps "
                         f"{dst_kernel.shape[0]} -> {dst_kernel.shape[1]}")
    heads = getattr(src, "rnnlab_head", None), getattr(dst, "rnnlab_head", None)
    if None not in heads and heads[0] != heads[1]:
        raise ValueError(f"src has head={heads[0]!r} but dst has head={heads[1]!r}")
    _write(dst, weights, "dst")
    _set_head(dst, kernel, bias)
    return dst
