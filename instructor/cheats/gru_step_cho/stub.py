def gru_step_cho(x_t, h, w):
    """One step of the Cho et al. (2014) GRU for a batch: reset gate applied to h before U_n; no b_hn."""
    raise NotImplementedError("hint: r and z as in gru_step; only the candidate changes")
