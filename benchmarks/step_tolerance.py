"""How far a correct float32 step function lands from the float64 reference: the tolerance of notebooks 01 and 02's
step exercises (rnnlab.settings.EXERCISE_TOLERANCE), shared by the self-checks and the hidden tests.

For DRAWS seeded draws of the hidden tests' inputs (batch 1-8, inputs 1-6, hidden 2-9, weights N(0, 1)), computes
relu_rnn_step and gru_step_cho in float32 with numpy, torch and Keras (the backend of KERAS_BACKEND) and records the
worst |got - reference| / (1 + |reference|) per draw. A tolerance t passes a draw when that ratio is <= t
(np.allclose with atol = rtol = t).

    python benchmarks/step_tolerance.py [--draws 2000]

Writes benchmarks/results/step_tolerance.md.
"""
import argparse

import numpy as np

from report import provenance, write_report


def relu_ref(x, h, W, U, b):
    return np.maximum(x @ W.T + h @ U.T + b, 0.0)


def gru_ref(x, h, w):
    sig = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
    r = sig(x @ w["W_r"].T + h @ w["U_r"].T + w["b_r"])
    z = sig(x @ w["W_z"].T + h @ w["U_z"].T + w["b_z"])
    n = np.tanh(x @ w["W_n"].T + (r * h) @ w["U_n"].T + w["b_n"])
    return (1 - z) * n + z * h


def implementations():
    import torch
    import keras
    ops = keras.ops

    def np32(f):
        def g(*args):
            conv = [({k: v.astype(np.float32) for k, v in a.items()} if isinstance(a, dict) else a.astype(np.float32))
                    for a in args]
            return np.asarray(f(*conv), dtype=np.float64)
        return g

    def torch_relu(x, h, W, U, b):
        t = lambda a: torch.tensor(a, dtype=torch.float32)  # noqa: E731
        return torch.relu(t(x) @ t(W).T + t(h) @ t(U).T + t(b)).numpy().astype(np.float64)

    def torch_gru(x, h, w):
        t = lambda a: torch.tensor(a, dtype=torch.float32)  # noqa: E731
        x, h, w = t(x), t(h), {k: t(v) for k, v in w.items()}
        r = torch.sigmoid(x @ w["W_r"].T + h @ w["U_r"].T + w["b_r"])
        z = torch.sigmoid(x @ w["W_z"].T + h @ w["U_z"].T + w["b_z"])
        n = torch.tanh(x @ w["W_n"].T + (r * h) @ w["U_n"].T + w["b_n"])
        return ((1 - z) * n + z * h).numpy().astype(np.float64)

    def keras_relu(x, h, W, U, b):
        c = lambda a: ops.convert_to_tensor(a.astype(np.float32))  # noqa: E731
        out = ops.relu(ops.matmul(c(x), ops.transpose(c(W))) + ops.matmul(c(h), ops.transpose(c(U))) + c(b))
        return np.asarray(ops.convert_to_numpy(out), dtype=np.float64)

    def keras_gru(x, h, w):
        c = lambda a: ops.convert_to_tensor(a.astype(np.float32))  # noqa: E731
        x, h, w = c(x), c(h), {k: c(v) for k, v in w.items()}
        lin = lambda a, W: ops.matmul(a, ops.transpose(W))  # noqa: E731
        r = ops.sigmoid(lin(x, w["W_r"]) + lin(h, w["U_r"]) + w["b_r"])
        z = ops.sigmoid(lin(x, w["W_z"]) + lin(h, w["U_z"]) + w["b_z"])
        n = ops.tanh(lin(x, w["W_n"]) + lin(r * h, w["U_n"]) + w["b_n"])
        return np.asarray(ops.convert_to_numpy((1 - z) * n + z * h), dtype=np.float64)

    return {"relu_rnn_step": (relu_ref, {"numpy float32": np32(relu_ref), "torch float32": torch_relu,
                                         f"Keras float32 ({keras.backend.backend()})": keras_relu}),
            "gru_step_cho": (gru_ref, {"numpy float32": np32(gru_ref), "torch float32": torch_gru,
                                       f"Keras float32 ({keras.backend.backend()})": keras_gru})}


def draw(name, rng):
    batch, inputs, hidden = (int(v) for v in rng.integers((1, 1, 2), (9, 7, 10)))
    if name == "relu_rnn_step":
        W, U = rng.normal(size=(hidden, inputs)), rng.normal(size=(hidden, hidden)) / np.sqrt(hidden)
        b, x = rng.normal(size=hidden), rng.normal(size=(batch, inputs))
        h = np.abs(rng.normal(size=(batch, hidden))) * rng.integers(0, 2, size=(batch, hidden)) + 0.1
        return x, h, W, U, b
    w = {f"{kind}_{gate}": rng.normal(size=shape) for gate in "rzn"
         for kind, shape in (("W", (hidden, inputs)), ("U", (hidden, hidden)), ("b", (hidden,)))}
    return rng.normal(size=(batch, inputs)), rng.uniform(-0.9, 0.9, size=(batch, hidden)), w


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--draws", type=int, default=2000)
    args = parser.parse_args()
    lines = ["# Worst error of correct float32 step functions against the float64 reference", "",
             f"{args.draws} seeded draws per row; error = max |got - reference| / (1 + |reference|) over a batch.",
             "", provenance("numpy", "torch", "keras", "jax"), "",
             "| exercise | implementation | median | 99th percentile | worst |", "|---|---|---|---|---|"]
    for name, (ref, impls) in implementations().items():
        for label, impl in impls.items():
            errors = []
            for seed in range(args.draws):
                case = draw(name, np.random.default_rng(seed))
                want = ref(*case)
                errors.append(float((np.abs(impl(*case) - want) / (1 + np.abs(want))).max()))
            errors = np.array(errors)
            lines.append(f"| {name} | {label} | {np.median(errors):.2e} | {np.quantile(errors, 0.99):.2e} | "
                         f"{errors.max():.2e} |")
    write_report("step_tolerance", lines)


if __name__ == "__main__":
    main()
