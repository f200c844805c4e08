"""Notebook 06's additive attention, as the notebook writes it, computes the equations of its section 6: on random
padded batches the Keras layer (``KerasAdditive``, on whichever Keras backend runs the tests) and the numpy
function (``additive_attention``) give the weights and contexts of a float64 reference to float32 round-off, no
weight falls on a pad, and scores in the hundreds do not overflow. The code is read from the notebook, so a change
there is tested here."""
import ast
import functools
import json
from pathlib import Path

import numpy as np
import pytest

from rnnlab import seq2seq_data as sd

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "06_sequence_to_sequence.ipynb"
SEEDS = range(12)   # replayed over 200 seeds on both backends when written


@functools.cache
def _notebook_source(name):
    """The source of the notebook's top-level class or function ``name``."""
    for cell in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        for node in ast.parse(source).body:
            if isinstance(node, (ast.ClassDef, ast.FunctionDef)) and node.name == name:
                return ast.get_source_segment(source, node)
    raise LookupError(f"{NOTEBOOK.name} defines no {name} at the top level of a code cell")


def _from_notebook(name, **namespace):
    """The notebook's class or function ``name``, defined in ``namespace`` (the modules it uses)."""
    exec(_notebook_source(name), namespace)
    return namespace[name]


def _reference(query, values, W, U, v, mask):
    """float64, loop by loop: e_j = v . tanh(W s + U h_j) at the real positions j, softmax over them, weighted sum.
    W (Q, A), U (K, A) and v (A,) as Keras stores them (inputs first). Returns (context, weights, largest |e_j|)."""
    batch, width = mask.shape
    weights, largest = np.zeros((batch, width)), 0.0
    for b in range(batch):
        real = np.flatnonzero(mask[b])
        scores = np.array([v @ np.tanh(query[b] @ W + values[b, j] @ U) for j in real])
        largest = max(largest, np.abs(scores).max())
        e = np.exp(scores - scores.max())
        weights[b, real] = e / e.sum()
    return np.einsum("bt,btk->bk", weights, values), weights, largest


def _draw(seed):
    """A padded batch (pads filled with large values, so that weight on a pad would show in the context) and
    weights; every fourth seed scales v so that the scores reach the hundreds."""
    rng = np.random.default_rng(seed)
    batch, width, q, k, a = (int(rng.integers(lo, hi)) for lo, hi in ((2, 7), (2, 15), (1, 9), (1, 9), (1, 9)))
    lengths = rng.integers(1, width + 1, size=batch)
    lengths[0], lengths[-1] = width, rng.integers(1, width)     # one row without pads, one with
    mask = sd.mask_from_lengths(lengths, width)
    query = rng.normal(size=(batch, q))
    values = rng.normal(size=(batch, width, k))
    values[~mask] = rng.normal(scale=1e3, size=(int((~mask).sum()), k))
    W, U = rng.normal(size=(q, a)), rng.normal(size=(k, a))
    v = rng.normal(size=a) * (100.0 if seed % 4 == 3 else 1.0)
    return [x.astype(np.float32).astype(np.float64) for x in (query, values, W, U, v)] + [mask]


def _check(context, weights, expected_context, expected_weights, largest_score, values, mask):
    """float32 round-off: a score is off by a few float32 epsilons of its size, a weight by as much (over 200
    seeds the largest error was 0.66 of one, on JAX), a context by that times the size of the values."""
    assert np.isfinite(context).all() and np.isfinite(weights).all()
    assert (weights[~mask] == 0).all(), "a pad got weight"
    tolerance = 8 * np.finfo(np.float32).eps * max(1.0, largest_score)
    np.testing.assert_allclose(weights, expected_weights, rtol=0, atol=tolerance)
    np.testing.assert_allclose(weights.sum(axis=1), 1, rtol=0, atol=tolerance)
    np.testing.assert_allclose(context, expected_context, rtol=0, atol=tolerance * np.abs(values[mask]).max())


@pytest.mark.parametrize("seed", SEEDS)
def test_keras_additive_layer_matches_the_equations(keras, seed):
    query, values, W, U, v, mask = _draw(seed)
    expected = _reference(query, values, W, U, v, mask)
    layer = _from_notebook("KerasAdditive", keras=keras)(W.shape[0], U.shape[0], W.shape[1])
    layer.set_weights([W.astype(np.float32), U.astype(np.float32), v[:, None].astype(np.float32)])
    context, weights = (keras.ops.convert_to_numpy(x).astype(np.float64)
                        for x in layer(query.astype(np.float32), values.astype(np.float32), mask))
    _check(context, weights, *expected, values, mask)


@pytest.mark.parametrize("seed", SEEDS)
def test_numpy_additive_attention_matches_the_equations(seed):
    query, values, W, U, v, mask = _draw(seed)
    additive_attention = _from_notebook("additive_attention", np=np)
    context, weights = additive_attention(query, values, W.T, U.T, v[None, :], mask)   # torch's layout: (out, in)
    _check(context, weights, *_reference(query, values, W, U, v, mask), values, mask)
