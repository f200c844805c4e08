"""How far a correct float32 dot_attention lands from the float64 reference: the tolerance of notebook 06's coding
exercise (rnnlab.settings.EXERCISE_TOLERANCE["dot_attention"]), shared by the self-check and the hidden test.

For DRAWS seeded draws of padded batches like the hidden test's (batch 1-6, positions 1-14, features 1-19, each
row with its own length; states N(0, 1)), with the query N(0, 1) times SCALE, computes the contexts and weights in
float32 with numpy, torch and Keras (the backend of KERAS_BACKEND) and records the worst
|got - reference| / (1 + |reference|) per draw over both outputs. A tolerance t passes a draw when that ratio is
<= t (np.allclose with atol = rtol = t). Scale 300 is the hidden test's large-score batch (200 the self-check's):
the scores reach the thousands, where float32 rounds a score to about 1e-4, and a softmax between two close
scores passes that error on to the weights.

    python benchmarks/attention_tolerance.py [--draws 2000]

Writes benchmarks/results/attention_tolerance.md.
"""
import argparse

import numpy as np

from report import provenance, write_report

from rnnlab.settings import EXERCISE_TOLERANCE


def reference(query, values, mask):
    scores = np.where(mask, np.einsum("btk,bk->bt", values, query), -np.inf)
    weights = np.exp(scores - scores.max(axis=1, keepdims=True))
    weights /= weights.sum(axis=1, keepdims=True)
    return np.einsum("bt,btk->bk", weights, values), weights


def implementations():
    import keras
    import torch
    ops = keras.ops

    def numpy32(query, values, mask):
        query, values = query.astype(np.float32), values.astype(np.float32)
        scores = np.where(mask, np.einsum("btk,bk->bt", values, query), np.float32(-np.inf))
        weights = np.exp(scores - scores.max(axis=1, keepdims=True))
        weights = weights / weights.sum(axis=1, keepdims=True)
        return (weights[:, :, None] * values).sum(axis=1), weights

    def torch32(query, values, mask):
        q, v = torch.as_tensor(query, dtype=torch.float32), torch.as_tensor(values, dtype=torch.float32)
        scores = torch.bmm(v, q[:, :, None])[:, :, 0].masked_fill(~torch.as_tensor(mask), float("-inf"))
        weights = torch.softmax(scores, dim=1)
        return torch.bmm(weights[:, None, :], v)[:, 0].numpy(), weights.numpy()

    def keras32(query, values, mask):
        q, v = ops.convert_to_tensor(query, dtype="float32"), ops.convert_to_tensor(values, dtype="float32")
        scores = ops.where(ops.convert_to_tensor(mask), ops.einsum("btk,bk->bt", v, q), float("-inf"))
        weights = ops.softmax(scores, axis=1)
        return ops.convert_to_numpy(ops.einsum("bt,btk->bk", weights, v)), ops.convert_to_numpy(weights)

    return {"numpy float32": numpy32, "torch float32": torch32, f"Keras float32 ({keras.backend.backend()})": keras32}


def draw(rng, scale):
    B, T, K = int(rng.integers(1, 7)), int(rng.integers(1, 15)), int(rng.integers(1, 20))
    mask = np.arange(T) < (1 + rng.integers(0, T, size=B))[:, None]
    return rng.standard_normal((B, K)) * scale, rng.standard_normal((B, T, K)), mask


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--draws", type=int, default=2000)
    args = parser.parse_args()
    if not 1 <= args.draws <= 100_000:
        parser.error("--draws must be in [1, 100000]")
    tolerance = EXERCISE_TOLERANCE["dot_attention"]
    lines = ["# Worst error of a correct float32 dot_attention against the float64 reference", "",
             f"{args.draws} seeded draws per row; error = max |got - reference| / (1 + |reference|) over the contexts "
             f"and weights of a batch; scale multiplies the query; tolerance {tolerance:g}.", "",
             provenance("numpy", "torch", "keras", "jax"), "",
             "| scale | implementation | median | 99th percentile | worst | draws above the tolerance | "
             "masked weight not 0 |", "|---|---|---|---|---|---|---|"]
    for scale in (1.0, 200.0, 300.0):
        for label, impl in implementations().items():
            errors, leaks = [], 0
            for seed in range(args.draws):
                query, values, mask = draw(np.random.default_rng(seed), scale)
                want = reference(query, values, mask)
                got = [np.asarray(a, dtype=np.float64) for a in impl(query, values, mask)]
                leaks += int(np.any(got[1][~mask] != 0))
                errors.append(max(float((np.abs(g - w) / (1 + np.abs(w))).max()) for g, w in zip(got, want)))
            errors = np.array(errors)
            lines.append(f"| {scale:g} | {label} | {np.median(errors):.2e} | {np.quantile(errors, 0.99):.2e} | "
                         f"{errors.max():.2e} | {int((errors > tolerance).sum())} | {leaks} |")
    write_report("attention_tolerance", lines)


if __name__ == "__main__":
    main()
