"""How far back the gradient reaches: the norm of dL/dh_t for every time step of an rnnlab model.

The layer is unrolled one step at a time with its own weights, so every hidden state h_t is a separate
tensor whose gradient can be read. dL/dh_t is the total derivative: through h_{t+1} (and, for the LSTM,
c_{t+1}) all the way to the loss, which is computed from the head's output at the last step.
"""
from __future__ import annotations

import numpy as np

from ._validation import check_array, check_axes, check_choice, check_same_length
from .backends import backend_of
from .weights import _head, get_weights

LOSSES = ("auto", "bce", "mse", "sum")


def gradient_norms(model, X, y=None, *, loss="auto"):
    """``norms[t] = ||dL/dh_t||`` for t = 0..T-1, a numpy array of length T.

    Parameters
    ----------
    model : an rnnlab model (from :func:`rnnlab.build_model`), torch or Keras
    X : array (batch, T, features)
    y : targets (batch, outputs), or None
    loss : 'bce' (sigmoid cross-entropy on the logits, averaged), 'mse' (averaged), 'sum' (the sum of
        the outputs; needs no targets) or 'auto': 'sum' when ``y`` is None, else 'bce' for a binary
        head and 'mse' for a regression head (``model.rnnlab_head``)

    Notes
    -----
    The norm is the Frobenius norm of the (batch, hidden) matrix dL/dh_t, i.e. over the whole batch,
    accumulated in float64 (the gradient itself is float32, so it is exactly 0 only once its entries are).
    With the averaged losses it therefore scales like 1/sqrt(batch) for similar samples.
    """
    backend = backend_of(model)
    X = check_array(X, "X", ndim=3)
    check_choice(loss, "loss", LOSSES)
    weights = get_weights(model)
    if X.shape[2] != weights.input_size:
        raise ValueError(f"X has {X.shape[2]} features but the model expects {weights.input_size}")
    outputs = _head(model, "model")[1].shape[0]
    if y is not None:
        y = check_array(y, "y", ndim=2)
        check_same_length(X, y)
        if y.shape[1] != outputs:
            raise ValueError(f"y has {y.shape[1]} columns but the model has {outputs} outputs")
    loss = _resolve_loss(model, y, loss)
    norms = _torch_norms if backend == "torch" else _keras_norms
    return norms(model, weights.cell, X, y, loss)


def _resolve_loss(model, y, loss):
    if loss == "auto":
        if y is None:
            return "sum"
        head = getattr(model, "rnnlab_head", None)
        if head is None:
            raise ValueError("loss='auto' needs model.rnnlab_head (set by rnnlab.build_model); "
                             "pass loss='bce', 'mse' or 'sum'")
        return "bce" if head == "binary" else "mse"
    if (loss == "sum") != (y is None):
        raise ValueError(f"loss={loss!r} " + ("uses no targets; pass y=None" if loss == "sum" else "needs targets y"))
    return loss


def _torch_norms(model, cell, X, y, loss):
    import torch
    import torch.nn.functional as F

    rnn = model.rnn
    param = next(rnn.parameters())
    x = torch.from_numpy(X).to(param.device, param.dtype)
    state, hs = None, []
    for x_t in x.unbind(1):
        _, state = rnn(x_t.unsqueeze(1 if rnn.batch_first else 0), state)
        hs.append(state[0] if cell == "lstm" else state)  # (1, batch, hidden)
    out = model.head(hs[-1][0])
    if loss == "sum":
        value = out.sum()
    else:
        target = torch.from_numpy(y).to(out.device, out.dtype)
        value = F.binary_cross_entropy_with_logits(out, target) if loss == "bce" else F.mse_loss(out, target)
    grads = torch.autograd.grad(value, hs)  # leaves the parameters' .grad untouched
    return np.array([_norm64(g.detach().cpu().numpy()) for g in grads])


def _keras_norms(model, cell, X, y, loss):
    """dL/dh_t as the gradient with respect to a zero perturbation added to each h_t, taken with JAX's
    ``jax.grad`` or TensorFlow's ``GradientTape``, whichever Keras runs on."""
    from keras import ops

    from .backends import _supported_keras_backend

    framework = _supported_keras_backend()
    rnn_cell, head = model.get_layer("rnn").cell, model.get_layer("head")
    x = ops.convert_to_tensor(X)

    def value(deltas):
        h = ops.zeros((X.shape[0], rnn_cell.units))
        states = [h, ops.zeros_like(h)] if cell == "lstm" else [h]
        for t, delta in enumerate(deltas):
            h, states = rnn_cell(x[:, t], states)
            h = h + delta
            states = [h, *states[1:]]  # states[0] is h itself: the perturbed h carries on
        out = head(h)
        if loss == "sum":
            return ops.sum(out)
        if loss == "bce":
            return ops.mean(ops.binary_crossentropy(ops.convert_to_tensor(y), out, from_logits=True))
        return ops.mean(ops.square(out - y))

    zeros = [np.zeros((X.shape[0], rnn_cell.units), np.float32) for _ in range(X.shape[1])]
    if framework == "jax":
        import jax

        grads = jax.grad(value)([jax.numpy.asarray(z) for z in zeros])
    else:
        import tensorflow as tf

        deltas = [tf.constant(z) for z in zeros]
        with tf.GradientTape() as tape:
            tape.watch(deltas)
            result = value(deltas)
        grads = tape.gradient(result, deltas)
    return np.array([_norm64(ops.convert_to_numpy(g)) for g in grads])


def _norm64(grad):
    """Frobenius norm in float64: squaring float32 entries near 1e-23 underflows to 0, so a float32
    sqrt(sum g^2) reads exactly 0 while every entry is still non-zero."""
    return float(np.linalg.norm(np.asarray(grad, dtype=np.float64)))


def plot_gradient_norms(norms_by_label, ax=None, *, title="How far back the gradient reaches", colors=None):
    """One line per label of ``||dL/dh_t||`` against the time step t, on a log scale; returns the Axes.

    ``colors``: a dict label -> colour or a list, one per label. By default a label that names a cell
    ('LSTM, chrono') takes the cell's colour from :mod:`rnnlab.plotting`, others the Axes' colour cycle;
    lines of the same colour differ in line style.
    """
    check_axes(ax)
    if not isinstance(norms_by_label, dict) or not norms_by_label:
        raise TypeError(f"norms_by_label must be a non-empty dict label -> norms, got {norms_by_label!r}")
    curves = {label: check_array(norms, f"norms_by_label[{label!r}]", ndim=1)
              for label, norms in norms_by_label.items()}
    import matplotlib.pyplot as plt

    from .plotting import _label_styles

    styles = _label_styles(curves, colors)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    for (label, norms), (color, linestyle) in zip(curves.items(), styles):
        ax.plot(np.arange(len(norms)), norms, label=str(label), color=color, linestyle=linestyle)
    ax.set_yscale("log")
    ax.set_xlabel("time step t")
    ax.set_ylabel(r"$\|\partial L / \partial h_t\|$")
    ax.set_title(title)
    ax.legend()
    return ax
