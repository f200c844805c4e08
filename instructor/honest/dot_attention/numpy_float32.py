# A correct answer computed in numpy float32: must get full marks.
import numpy as np


def dot_attention(query, values, mask):
    query, values = np.asarray(query, dtype=np.float32), np.asarray(values, dtype=np.float32)
    scores = np.where(mask, np.einsum("btk,bk->bt", values, query), np.float32(-np.inf))
    weights = np.exp(scores - scores.max(axis=1, keepdims=True))
    weights = weights / weights.sum(axis=1, keepdims=True)
    return (weights[:, :, None] * values).sum(axis=1), weights
