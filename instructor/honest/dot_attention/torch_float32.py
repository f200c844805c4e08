# A correct answer computed in torch float32, returned as tensors: must get full marks.
import torch


def dot_attention(query, values, mask):
    query = torch.as_tensor(query, dtype=torch.float32)
    values = torch.as_tensor(values, dtype=torch.float32)
    scores = torch.bmm(values, query[:, :, None])[:, :, 0]
    weights = torch.softmax(scores.masked_fill(~torch.as_tensor(mask), float("-inf")), dim=1)
    return torch.bmm(weights[:, None, :], values)[:, 0], weights
