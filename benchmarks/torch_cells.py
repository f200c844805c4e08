"""Why torch's simple RNN and GRU train slower than its LSTM on CPU, and what brings them closer.

One optimiser step = forward + BCE loss + backward + global grad-norm clipping + Adam, on the first-token
task (batch 32, input 1, hidden 16), one thread. Every option trains the same weights; the rows of one
T run interleaved (round-robin, after warm-up), and each cell is a median over the rounds.
Writes benchmarks/results/torch_cells.md.
"""
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import contextlib  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import torch  # noqa: E402
from report import commit, machine, write_report  # noqa: E402
from torch import nn  # noqa: E402
from torch_cells_options import SeedBatch, torchscript_loops  # noqa: E402

import rnnlab  # noqa: E402

torch.set_num_threads(1)
SEQ_LENS, BATCH, HIDDEN, ROUNDS, WARMUP = (100, 300, 1000), 32, 16, 7, 3
STEPS_PER_ROUND = {100: 12, 300: 5, 1000: 2}
NATIVE = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


def native(cell, activation="tanh"):
    """rnnlab's model with torch's own layer in place of rnnlab's (same initial weights)."""
    model = rnnlab.build_model(cell, "torch", hidden_size=HIDDEN, activation=activation, seed=0)
    kwargs = {"nonlinearity": activation} if cell == "rnn" else {}
    layer = NATIVE[cell](1, HIDDEN, batch_first=True, **kwargs)
    layer.load_state_dict(model.rnn.state_dict())
    model.rnn = layer
    return model


def adopted(cell, activation="tanh"):
    return rnnlab.build_model(cell, "torch", hidden_size=HIDDEN, activation=activation, seed=0)


# (label, cell, model factory, context the steps run in, seeds per step)
OPTIONS = [
    ("nn.LSTM (oneDNN, reference)", "lstm", native, contextlib.nullcontext, 1),
    ("nn.RNN tanh", "rnn", native, contextlib.nullcontext, 1),
    ("nn.RNN relu", "rnn", lambda c: native(c, "relu"), contextlib.nullcontext, 1),
    ("nn.GRU", "gru", native, contextlib.nullcontext, 1),
    ("rnnlab RNN tanh: explicit BPTT (adopted)", "rnn", adopted, contextlib.nullcontext, 1),
    ("rnnlab RNN relu: explicit BPTT (adopted)", "rnn", lambda c: adopted(c, "relu"), contextlib.nullcontext, 1),
    ("rnnlab GRU: explicit BPTT (adopted)", "gru", adopted, contextlib.nullcontext, 1),
    ("explicit BPTT + TorchScript loops, RNN tanh", "rnn", adopted, torchscript_loops, 1),
    ("explicit BPTT + TorchScript loops, GRU", "gru", adopted, torchscript_loops, 1),
    ("explicit BPTT, 4 seeds in one layer, RNN tanh (per seed)", "rnn", lambda c: SeedBatch(c, 4, HIDDEN),
     contextlib.nullcontext, 4),
    ("explicit BPTT, 4 seeds in one layer, GRU (per seed)", "gru", lambda c: SeedBatch(c, 4, HIDDEN),
     contextlib.nullcontext, 4),
    ("explicit BPTT, 10 seeds in one layer, GRU (per seed)", "gru", lambda c: SeedBatch(c, 10, HIDDEN),
     contextlib.nullcontext, 10),
]


def make_step(model, seeds, seq_len):
    """A closure doing one optimiser step; it adds its forward and backward seconds to ``times``."""
    gen = torch.Generator().manual_seed(0)
    x = torch.randint(0, 2, (BATCH, seq_len, seeds), generator=gen).float() * 2 - 1
    y = (x[:, :1] > 0).float().squeeze(1)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.BCEWithLogitsLoss(reduction="none")
    times = {"forward": [], "backward": []}

    def step():
        t0 = time.perf_counter()
        loss = loss_fn(model(x), y).mean(0).sum()  # seeds' losses add up: each seed gets its own gradient
        t1 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        t2 = time.perf_counter()
        if seeds == 1:
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        else:
            model.clip_per_seed_(1.0)
        opt.step()
        times["forward"].append(t1 - t0)
        times["backward"].append(t2 - t1)

    return step, times


def measure(seq_len):
    """Median ms per seed-step, and median forward / backward ms, for every option at one T."""
    runs = []
    for label, cell, factory, context, seeds in OPTIONS:
        with context():
            step, times = make_step(factory(cell), seeds, seq_len)
            for _ in range(WARMUP):
                step()
        runs.append((label, context, seeds, step, times, []))
    n = STEPS_PER_ROUND[seq_len]
    for _ in range(ROUNDS):
        for label, context, seeds, step, times, rounds in runs:
            with context():
                start = time.perf_counter()
                for _ in range(n):
                    step()
                rounds.append((time.perf_counter() - start) / n / seeds * 1e3)
    return {label: (statistics.median(rounds), statistics.median(times["forward"][WARMUP:]) * 1e3 / seeds,
                    statistics.median(times["backward"][WARMUP:]) * 1e3 / seeds)
            for label, context, seeds, step, times, rounds in runs}


NOTES = """
## What was tried, and why the GRU stays above 1.5x

- **Why the LSTM is fast.** On CPU, `nn.LSTM` runs the whole sequence as one oneDNN call forward
  (`aten::mkldnn_rnn_layer`) and one backward (`aten::mkldnn_rnn_layer_backward`); torch.profiler shows
  nothing else of note. `nn.RNN` and `nn.GRU` run aten's generic loop: per step, a few (RNN) to a dozen-odd
  (GRU) small ops that autograd records and then replays one by one backwards, each costing microseconds
  of dispatch for a (32, 16) tensor; the GRU's backward adds a `cat` per step (the gate chunk's gradient).
- **oneDNN for RNN/GRU: not available.** oneDNN itself has vanilla-RNN and GRU primitives, but torch only
  builds the LSTM one: `torch.ops.aten.mkldnn_rnn_layer` with the RNN_TANH, RNN_RELU or GRU mode fails with
  "could not create a primitive descriptor for the LSTM forward propagation primitive", and `aten::rnn_tanh`
  / `aten::gru` never dispatch to it (torch.backends.mkldnn is available and enabled here).
- **Explicit BPTT (adopted: `rnnlab.torch_bptt.RNN` / `GRU`).** A `torch.autograd.Function` per layer:
  the input projection of all steps as one matmul, the time loop without autograd (RNN: one addmm and the
  activation per step; GRU: one addmm gives both gate pre-activations and U_n h + b_hn), a hand-written
  backward loop (RNN: one multiply and one addmm per step; GRU: one multiply by precomputed coefficients
  and one addmm with an augmented recurrent matrix), and the weight gradients as one matmul each after the
  loop. Same parameters as `nn.RNN`/`nn.GRU` (they are subclasses), outputs and gradients equal up to
  float32 rounding (tests/test_torch_cells.py). Both run about 2x faster than torch's own. The RNN reaches
  the LSTM's step time at T <= 300 (1.2-1.8x at T=1000); the GRU stays 2-4x the LSTM's: each step still needs about
  ten small ops forward and five backward, and at these sizes an op costs its dispatch, not its arithmetic.
- **TorchScript loops (not adopted).** The same loops under `torch.jit.script`: a modest gain that varied
  between two runs from none to about 30% (none at T=100 in either), and the GRU stays 2x the LSTM or more.
  `torch.jit.script` is deprecated in this torch and warns, which this project's tests turn into errors.
- **torch.compile (not adopted).** Dynamo refuses `nn.RNN`/`nn.GRU`/`nn.LSTM` ("Attempted to wrap RNN, GRU,
  or LSTM", graph break gb0014), so `torch.compile(model)` runs them eagerly: no change. With the
  experimental `torch._dynamo.config.allow_rnn = True` the loop is unrolled into the graph: measured once by
  hand for `nn.RNN` at T=100, compiling took 491 s (on this shared machine) for a forward+backward of 3.4 ms
  against 5.1 ms eager; the `nn.GRU` compile had not finished after the remaining ~7 minutes. It recompiles
  for every sequence length, so it does not fit a teaching package; compiling rnnlab's own loops would unroll
  them the same way.
- **Seeds batched into one layer (not adopted).** S seeds as one layer of S*H units with block-diagonal
  (masked) weights and per-seed clipping: every op of the loop serves S models, so per seed the RNN drops
  below the LSTM and the 4-seed GRU gets closer, but the masked recurrent matmul grows as S^2, so 10 seeds
  are slower per seed than 4, and it needs a multi-seed training API (rnnlab trains one model per call).
"""


def main():
    load = os.getloadavg()[0]
    results = {}
    for seq_len in SEQ_LENS:
        results[seq_len] = measure(seq_len)
        print(f"T={seq_len}: " + ", ".join(f"{k}: {v[0]:.2f}" for k, v in results[seq_len].items()), flush=True)
    ref = "nn.LSTM (oneDNN, reference)"
    lines = ["# torch RNN and GRU step time on CPU", "",
             f"Machine: {machine()}; torch {torch.__version__}; commit {commit()}. Hidden {HIDDEN}, batch {BATCH}, "
             f"input 1, one thread; one step = forward + BCE + backward + grad-norm clipping + Adam. Median "
             f"over {ROUNDS} interleaved rounds after {WARMUP} warm-up steps; other jobs shared the machine, so "
             f"compare rows within a column (1-min load average at the start: {load:.1f}). For seed batches, ms per "
             "seed (the step time / seeds).", "",
             "ms per optimiser step (× the LSTM's in brackets):", "",
             "| option | " + " | ".join(f"T={t}" for t in SEQ_LENS) + " |",
             "|---|" + "---|" * len(SEQ_LENS)]
    for label in results[SEQ_LENS[0]]:
        cells = [f"{results[t][label][0]:.2f} ({results[t][label][0] / results[t][ref][0]:.2f}×)" for t in SEQ_LENS]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += ["", "Forward and backward alone at T=300 (ms, medians over all timed steps):", "",
              "| option | forward | backward |", "|---|---|---|"]
    lines += [f"| {label} | {fwd:.2f} | {bwd:.2f} |" for label, (_, fwd, bwd) in results[300].items()]
    lines.append(NOTES)
    write_report("torch_cells", lines)


if __name__ == "__main__":
    main()
