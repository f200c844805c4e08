"""How close Keras-on-JAX's LSTM step is to a hand-written JAX LSTM, and what unrolling JAX's scan does.

    python benchmarks/jax_floor.py        # writes benchmarks/results/jax_floor.md

The issue asked for a Keras-on-JAX LSTM step of at most 1/3 of Keras-on-TensorFlow's; against TensorFlow with
XLA (step_times.md) it is about 1/2. This asks where the JAX step's time goes: the same training step (LSTM
H=16, T=300, batch 32, Adam with global clipping at 1, logistic loss) written directly in JAX with `lax.scan`,
against rnnlab.train on Keras-on-JAX; both with `unroll` = time steps per loop iteration (Keras runs 1 and
offers no setting for it; here it is reached by patching Keras's JAX backend, which rnnlab does not do).
One thread, one interpreter, interleaved rounds, median ms per step after compilation.
"""
import contextlib
import importlib
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from report import ONE_THREAD, provenance, write_report  # noqa: E402

os.environ.update(ONE_THREAD)
os.environ["KERAS_BACKEND"] = "jax"

T, H, BATCH, STEPS, EPOCHS, ROUNDS = 300, 16, 32, 16, 5, 5
UNROLLS = (1, 2, 4, 8)


def hand_written(X, y, unroll):
    """ms per step of every timed epoch: the LSTM training step in plain JAX."""
    import jax
    import jax.numpy as jnp

    key = iter(jax.random.split(jax.random.PRNGKey(0), 4))
    params = {"W": jax.random.normal(next(key), (1, 4 * H)) * 0.5, "U": jax.random.normal(next(key), (H, 4 * H)) / 4,
              "b": jnp.zeros(4 * H), "v": jax.random.normal(next(key), (H, 1)) / 4, "c": jnp.zeros(1)}

    def loss(p, x, t):
        def step(carry, x_t):
            h, c = carry
            i, f, g, o = jnp.split(x_t @ p["W"] + h @ p["U"] + p["b"], 4, axis=-1)  # Keras's gate order
            c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
            h = jax.nn.sigmoid(o) * jnp.tanh(c)
            return (h, c), None

        zeros = jnp.zeros((x.shape[0], H))
        (h, _), _ = jax.lax.scan(step, (zeros, zeros), jnp.swapaxes(x, 0, 1), unroll=unroll)
        logit = h @ p["v"] + p["c"]
        return jnp.mean(jnp.logaddexp(0.0, logit) - t * logit)

    @jax.jit
    def train_step(p, m, v, n, x, t):
        g = jax.grad(loss)(p, x, t)
        norm = jnp.sqrt(sum(jnp.sum(a * a) for a in jax.tree.leaves(g)))
        g = jax.tree.map(lambda a: a * jnp.minimum(1.0, 1.0 / norm), g)
        m = jax.tree.map(lambda m, a: 0.9 * m + 0.1 * a, m, g)
        v = jax.tree.map(lambda v, a: 0.999 * v + 0.001 * a * a, v, g)
        lr = 1e-2 * jnp.sqrt(1 - 0.999 ** n) / (1 - 0.9 ** n)
        return jax.tree.map(lambda p, m, v: p - lr * m / (jnp.sqrt(v) + 1e-7), p, m, v), m, v

    m, v = jax.tree.map(jnp.zeros_like, params), jax.tree.map(jnp.zeros_like, params)
    batches = [(jnp.asarray(X[i:i + BATCH]), jnp.asarray(y[i:i + BATCH])) for i in range(0, len(X), BATCH)]
    ms, n = [], 0
    for epoch in range(EPOCHS):
        start = time.perf_counter()
        for x, t in batches:
            n += 1
            params, m, v = train_step(params, m, v, n, x, t)
        jax.block_until_ready(params)
        if epoch:  # the first epoch holds compilation
            ms.append(1000 * (time.perf_counter() - start) / len(batches))
    return ms


@contextlib.contextmanager
def keras_scan_unroll(k):
    """Keras's JAX backend runs its recurrent loop as lax.scan(..., unroll=k) inside this block."""
    from jax import lax

    # the module itself: keras.src.backend.jax's attribute 'rnn' is the function that package re-exports
    rnn = importlib.import_module("keras.src.backend.jax.rnn")

    class Lax:
        def __getattr__(self, name):
            return getattr(lax, name)

        @staticmethod
        def scan(*args, **kwargs):
            return lax.scan(*args, **{**kwargs, "unroll": k})

    rnn.lax = Lax()
    try:
        yield
    finally:
        rnn.lax = lax


def with_keras(X, y, unroll):
    """ms per step of every timed epoch: rnnlab.train on Keras-on-JAX, as step_times.py measures it."""
    import rnnlab

    with keras_scan_unroll(unroll):
        model = rnnlab.build_model("lstm", "keras", hidden_size=H, seq_len=T, seed=0)
        h = rnnlab.train(model, X, y, epochs=EPOCHS, batch_size=BATCH, lr=1e-2, clip_norm=1.0, progress=False)
    ends = [0.0] + h["seconds"]
    return [1000 * (b - a) / STEPS for a, b in zip(ends[1:-1], ends[2:])]


def main():
    import rnnlab

    X, y = rnnlab.first_token_task(BATCH * STEPS, T, encoding="signed", seed=0)
    runs = {}
    for round_ in range(ROUNDS):
        for unroll in UNROLLS:
            for name, measure in (("Keras-on-JAX (rnnlab.train)", with_keras), ("hand-written JAX", hand_written)):
                runs.setdefault((name, unroll), []).extend(measure(X, y, unroll))
        print(f"round {round_ + 1} done", flush=True)
    med = {key: statistics.median(ms) for key, ms in runs.items()}
    lines = ["# Keras-on-JAX's LSTM step against a hand-written JAX LSTM", "",
             provenance("keras", "jax", "jaxlib"), "",
             f"LSTM H={H}, T={T}, batch {BATCH}, Adam with global clipping, logistic loss, one thread; median ms per "
             f"step over {ROUNDS} interleaved rounds × {EPOCHS - 1} epochs of {STEPS} steps, after a warm-up epoch. "
             "`unroll` is the number of time steps per iteration of `lax.scan`: Keras always runs 1 (its layers "
             "offer only all-or-nothing unrolling); the other Keras rows patch Keras's JAX backend, which rnnlab "
             "does not do.", "",
             "| scan unroll | Keras-on-JAX (rnnlab.train) | hand-written JAX | Keras / hand-written |", "|---|---|---|---|"]
    for unroll in UNROLLS:
        k, j = med["Keras-on-JAX (rnnlab.train)", unroll], med["hand-written JAX", unroll]
        lines.append(f"| {unroll} | {k:.1f} | {j:.1f} | {k / j:.2f}× |")
    write_report("jax_floor", lines)


if __name__ == "__main__":
    main()
