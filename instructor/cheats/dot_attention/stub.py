def dot_attention(query, values, mask):
    """Dot-product attention: (context (B, K), weights (B, T)) for query (B, K), values (B, T, K), mask (B, T)."""
    raise NotImplementedError("hint: the additive attention of section 8 with another score")
