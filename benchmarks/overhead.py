"""How much rnnlab.train adds over a bare framework loop doing the same steps.

Same model, data, minibatches, Adam and clipping; no validation; interleaved repeats, medians.
Writes benchmarks/results/overhead.md.
"""
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import machine, write_report  # noqa: E402

import rnnlab  # noqa: E402

REPEATS, EPOCHS, BATCH, T, N = 7, 10, 32, 300, 1024


def bare_torch(X, y):
    import numpy as np
    import torch

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
    rnnlab.backends.load_adapter("keras")  # Keras on the backend rnnlab picks (JAX when installed), as in train
    import keras

    model = rnnlab.build_model("lstm", "keras", hidden_size=16)
    model.compile(optimizer=keras.optimizers.Adam(1e-2, global_clipnorm=1.0),
                  loss=keras.losses.BinaryCrossentropy(from_logits=True),
                  metrics=[keras.metrics.BinaryAccuracy(threshold=0.0)], jit_compile=True)
    start = time.perf_counter()
    model.fit(X, y, batch_size=BATCH, epochs=EPOCHS, verbose=0)
    return time.perf_counter() - start


def with_rnnlab(backend, X, y):
    model = rnnlab.build_model("lstm", backend, hidden_size=16)
    start = time.perf_counter()
    rnnlab.train(model, X, y, epochs=EPOCHS, batch_size=BATCH, lr=1e-2, clip_norm=1.0, progress=True,
                 jit_compile=True)
    return time.perf_counter() - start


def main():
    X, y = rnnlab.first_token_task(N, T, encoding="signed")
    lines = ["# Training-loop overhead", "",
             f"Machine: {machine()}; LSTM H=16, T={T}, {N} sequences, batch {BATCH}, {EPOCHS} epochs, "
             f"one thread, median of {REPEATS} interleaved runs (progress bar on).", "",
             "| backend | bare loop (s) | rnnlab.train (s) | overhead |", "|---|---|---|---|"]
    for backend, bare in (("torch", bare_torch), (f"keras ({rnnlab.backends.keras_backend_name()})", bare_keras)):
        name = backend.split()[0]
        if not rnnlab.is_available(name):
            continue
        bare(X, y), with_rnnlab(name, X, y)  # warm-up: imports, graph tracing
        pairs = [(bare(X, y), with_rnnlab(name, X, y)) for _ in range(REPEATS)]
        b, r = statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)
        lines.append(f"| {backend} | {b:.2f} | {r:.2f} | {100 * (r - b) / b:+.1f}% |")
        print(lines[-1], flush=True)
    write_report("overhead", lines)


if __name__ == "__main__":
    main()
