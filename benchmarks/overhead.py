"""How much rnnlab.train adds over a bare framework loop doing the same steps, on torch and on Keras's JAX and
TensorFlow backends.

Same model, data, minibatches, Adam and clipping; no validation; interleaved repeats, medians. The bare torch
loop is the textbook loop; the bare Keras loop is `model.fit` with Keras's defaults. Each framework runs in its
own interpreter (a Keras backend cannot change after Keras is imported). Writes benchmarks/results/overhead.md.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from report import ONE_THREAD, provenance, write_report  # noqa: E402

REPEATS, EPOCHS, BATCH, T, N = 7, 10, 32, 300, 1024
FRAMEWORKS = {"torch": None, "keras (jax)": "jax", "keras (tensorflow)": "tensorflow"}  # name -> KERAS_BACKEND


def bare_torch(X, y):
    import numpy as np
    import torch

    import rnnlab

    model = rnnlab.build_model("lstm", "torch", hidden_size=16)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    for _ in range(EPOCHS):
        for idx in torch.from_numpy(rng.permutation(len(X))).split(BATCH):
            loss = loss_fn(model(Xt[idx]), yt[idx])
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
    return time.perf_counter() - start


def bare_keras(X, y):
    import keras

    import rnnlab

    model = rnnlab.build_model("lstm", "keras", hidden_size=16)
    model.compile(optimizer=keras.optimizers.Adam(1e-2, global_clipnorm=1.0),
                  loss=keras.losses.BinaryCrossentropy(from_logits=True),
                  metrics=[keras.metrics.BinaryAccuracy(threshold=0.0)], jit_compile=True)
    start = time.perf_counter()
    model.fit(X, y, batch_size=BATCH, epochs=EPOCHS, verbose=0)
    return time.perf_counter() - start


def with_rnnlab(backend, X, y):
    import rnnlab

    model = rnnlab.build_model("lstm", backend, hidden_size=16)
    start = time.perf_counter()
    rnnlab.train(model, X, y, epochs=EPOCHS, batch_size=BATCH, lr=1e-2, clip_norm=1.0, progress=True,
                 jit_compile=True)
    return time.perf_counter() - start


def worker(name):
    """Print one JSON line: the (bare, rnnlab) seconds of every repeat."""
    import rnnlab

    backend, bare = ("torch", bare_torch) if name == "torch" else ("keras", bare_keras)
    if backend == "torch":
        import torch

        torch.set_num_threads(1)
    X, y = rnnlab.first_token_task(N, T, encoding="signed")
    bare(X, y), with_rnnlab(backend, X, y)  # warm-up: imports, graph tracing
    print(json.dumps([(bare(X, y), with_rnnlab(backend, X, y)) for _ in range(REPEATS)]), flush=True)


def main():
    lines = ["# Training-loop overhead", "",
             provenance("torch", "keras", "jax", "tensorflow-cpu", "tensorflow"), "",
             f"LSTM H=16, T={T}, {N} sequences, batch {BATCH}, {EPOCHS} epochs, Adam with clipping, one thread, "
             f"median of {REPEATS} interleaved runs (rnnlab's progress bar on). The bare torch loop is the "
             "textbook loop; the bare Keras loop is `model.fit` with Keras's defaults (one step per call), while "
             "rnnlab's `fit` runs one epoch per call, so on Keras rnnlab can come out ahead. Both Keras loops "
             "compile the step with XLA (`jit_compile=True`).", "",
             "| backend | bare loop (s) | rnnlab.train (s) | overhead |", "|---|---|---|---|"]
    for name, keras_backend in FRAMEWORKS.items():
        env = {**os.environ, **ONE_THREAD}
        env.pop("KERAS_BACKEND", None)
        if keras_backend:
            env["KERAS_BACKEND"] = keras_backend
        done = subprocess.run([sys.executable, __file__, "--worker", name], env=env, capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"{name} failed:\n{done.stderr[-3000:]}")
        pairs = json.loads(done.stdout.splitlines()[-1])
        b, r = statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)
        lines.append(f"| {name} | {b:.2f} | {r:.2f} | {100 * (r - b) / b:+.1f}% |")
        print(lines[-1], flush=True)
    write_report("overhead", lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", choices=list(FRAMEWORKS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    worker(args.worker) if args.worker else main()
