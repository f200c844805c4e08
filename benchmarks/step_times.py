"""Milliseconds per optimiser step of rnnlab.train: RNN, LSTM and GRU on torch, Keras-on-TensorFlow and
Keras-on-JAX, at T=300, H=16, batch 32, one thread, on the CPU (and the GPU when there is one).

Each framework runs in its own interpreter (a Keras backend cannot change after Keras is imported).
Every epoch is 16 Adam steps with clipping; the first epoch (compilation, warm-up) is dropped and the
rest, over interleaved rounds, give the median. Writes benchmarks/results/step_times.md.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from report import ONE_THREAD, provenance, write_report  # noqa: E402

CELLS = ("rnn", "lstm", "gru")
T, HIDDEN, BATCH, STEPS, EPOCHS, ROUNDS = 300, 16, 32, 16, 5, 2
# (column, rnnlab backend, KERAS_BACKEND, jit_compile): rnnlab's defaults, plus TensorFlow with XLA
FRAMEWORKS = [("torch", "torch", None, False), ("keras-tensorflow", "keras", "tensorflow", False),
              ("keras-tensorflow + XLA", "keras", "tensorflow", True), ("keras-jax", "keras", "jax", True)]


def worker(name):
    """Print one JSON line per (cell, device): the milliseconds of every measured step-epoch."""
    _, backend, keras_backend, jit = next(f for f in FRAMEWORKS if f[0] == name)
    if keras_backend == "tensorflow":
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    import rnnlab

    if backend == "torch":
        import torch

        torch.set_num_threads(1)
        gpu = torch.cuda.is_available()
    else:
        rnnlab.backends.load_adapter("keras")
        gpu = rnnlab.keras_backend.has_gpu()
    X, y = rnnlab.first_token_task(BATCH * STEPS, T, encoding="signed", seed=0)
    for device in ("cpu", "gpu"):
        for cell in CELLS:
            if device == "gpu" and not gpu:
                print(json.dumps({"cell": cell, "device": device, "ms": None}), flush=True)
                continue
            model = rnnlab.build_model(cell, backend, hidden_size=HIDDEN, seq_len=T, seed=0)
            h = rnnlab.train(model, X, y, epochs=EPOCHS, batch_size=BATCH, lr=1e-2, clip_norm=1.0,
                             progress=False, device=device, jit_compile=jit)
            ends = [0.0] + h["seconds"]
            ms = [1000 * (b - a) / STEPS for a, b in zip(ends[1:-1], ends[2:])]  # epoch 1 dropped
            print(json.dumps({"cell": cell, "device": device, "ms": ms}), flush=True)


def main():
    times = {}  # (framework, cell, device) -> list of ms
    for round_ in range(ROUNDS):
        for name, _, keras_backend, _ in FRAMEWORKS:
            env = {**os.environ, **ONE_THREAD}
            env.pop("KERAS_BACKEND", None)
            if keras_backend:
                env["KERAS_BACKEND"] = keras_backend
            done = subprocess.run([sys.executable, __file__, "--worker", name], env=env, capture_output=True,
                                  text=True)
            if done.returncode:
                sys.exit(f"{name} failed:\n{done.stderr[-3000:]}")
            for line in done.stdout.splitlines():
                row = json.loads(line)
                ms = times.setdefault((name, row["cell"], row["device"]), [])
                ms.extend(row["ms"] or [])
            print(f"round {round_ + 1}: {name} done", flush=True)
    names = [f[0] for f in FRAMEWORKS]
    lines = ["# Milliseconds per training step", "",
             provenance("torch", "keras", "tensorflow-cpu", "tensorflow", "jax", "jaxlib"), "",
             f"`rnnlab.train` with Adam and clipping, T={T}, H={HIDDEN}, batch {BATCH}, one thread "
             f"(OMP_NUM_THREADS=1; TensorFlow's thread pools at 1; XLA_FLAGS single-threaded for JAX). "
             f"Median over {ROUNDS} interleaved rounds × {EPOCHS - 1} epochs of {STEPS} steps, after a warm-up "
             "epoch (which holds compilation). Each framework runs in its own interpreter. rnnlab's defaults: "
             "Keras-on-JAX always compiles the step with XLA, Keras-on-TensorFlow does not unless "
             "`jit_compile=True` (the XLA column). Measured while other jobs may share the machine.", "",
             "| cell | device | " + " | ".join(names) + " | JAX vs TF (no XLA) | JAX vs TF + XLA |",
             "|---|---|" + "---|" * (len(names) + 2)]
    for device in ("cpu", "gpu"):
        for cell in CELLS:
            med = {n: statistics.median(times[n, cell, device]) if times.get((n, cell, device)) else None
                   for n in names}
            if all(v is None for v in med.values()):
                lines.append(f"| {cell} | {device} | " + " | ".join("no GPU" for _ in names) + " | – | – |")
                continue
            cells = [f"{med[n]:.1f}" if med[n] is not None else "no GPU" for n in names]
            ratios = [f"{med['keras-jax'] / med[tf]:.2f}×" if med["keras-jax"] and med[tf] else "–"
                      for tf in ("keras-tensorflow", "keras-tensorflow + XLA")]
            lines.append(f"| {cell} | {device} | " + " | ".join(cells + ratios) + " |")
    lines += ["", "Ratios below 1 mean Keras-on-JAX takes less time per step. `jax_floor.md` compares Keras-on-JAX's "
              "LSTM with a hand-written JAX LSTM."]
    write_report("step_times", lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", choices=[f[0] for f in FRAMEWORKS], help=argparse.SUPPRESS)
    args = parser.parse_args()
    worker(args.worker) if args.worker else main()
