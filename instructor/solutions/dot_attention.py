import numpy as np


def dot_attention(query, values, mask):
    """Dot-product attention: (context (B, K), weights (B, T)) for query (B, K), values (B, T, K), mask (B, T)."""
    scores = np.einsum("btk,bk->bt", values, query)
    scores = np.where(mask, scores, -np.inf)
    weights = np.exp(scores - scores.max(axis=1, keepdims=True))
    weights = weights / weights.sum(axis=1, keepdims=True)
    return (weights[:, :, None] * values).sum(axis=1), weights
