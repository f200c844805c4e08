"""Character-level language models on tiny Shakespeare (notebook 05), torch, one thread.

RNN vs LSTM vs GRU at equal parameter count (the RNN and GRU hidden sizes that match a 256-unit LSTM) and
equal training time, plus a 2-layer LSTM with dropout 0.25 between its layers of the same size; seeds 0-2;
and two longer runs (seed 0, twelve times the budget), the 1-layer LSTM and the 2-layer LSTM with dropout, whose
weights ship with rnnlab for notebook 05's samples and hidden-unit search. Equal time is a fixed number of steps
per model: its budget in seconds divided by the step time measured on this machine before the sweep (STEP_MS
below, by the `time` command). Every run uses rnnlab.char_models.train_torch, the loop notebook 05 writes out,
with the learning rate decaying along a cosine to 0 over the run's steps, and records the validation bits per
character every EVAL_EVERY steps, then the test bpc of the final model.

    python benchmarks/char_lm.py time     # measure the step times (to set STEP_MS)
    python benchmarks/char_lm.py run      # train the missing runs (the three cells first, then the 2-layer LSTM);
                                          # resumable: one row per run when it ends
    python benchmarks/char_lm.py export   # write rnnlab/tables/char_lm.{csv,json,npz} and results/char_lm.md
"""
import datetime
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import commit, machine, versions, write_report  # noqa: E402

os.environ.setdefault("OMP_NUM_THREADS", "1")

from rnnlab import char_models, text  # noqa: E402
from rnnlab.tables import fingerprint  # noqa: E402

ROOT = Path(__file__).resolve().parent
OUT = ROOT / "results" / "char_lm"
TABLES = ROOT.parent / "rnnlab" / "tables"
SEEDS = (0, 1, 2)
SETTINGS = {"batch_size": 32, "seq_len": 50, "lr": 3e-3, "clip_norm": 5.0}
EMBEDDING = char_models.EMBEDDING_SIZE
REFERENCE_HIDDEN = 256  # the LSTM whose parameter count the other models match
MODELS = {  # name: (cell, num_layers, dropout, budget in seconds, eval_every, seeds)
    "lstm": ("lstm", 1, 0.0, 30, 100, SEEDS),
    "rnn": ("rnn", 1, 0.0, 30, 100, SEEDS),
    "gru": ("gru", 1, 0.0, 30, 100, SEEDS),
    "lstm_2layer_dropout": ("lstm", 2, 0.25, 30, 100, SEEDS),
    "lstm_long": ("lstm", 1, 0.0, 360, 500, (0,)),
    "lstm_2layer_dropout_long": ("lstm", 2, 0.25, 360, 500, (0,)),
    "lstm_2layer_dropout_xl": ("lstm", 2, 0.25, 720, 1000, (0,)),
}
# ms per training step, medians of `python benchmarks/char_lm.py time` on the machine of the table (one thread,
# batch 32 x 50 characters, interleaved rounds), measured before the sweep at commit 39d2a73.
STEP_MS = {"lstm": 37.5, "rnn": 48.1, "gru": 79.6, "lstm_2layer_dropout": 43.3, "lstm_long": 37.5,
           "lstm_2layer_dropout_long": 43.3, "lstm_2layer_dropout_xl": 43.3}
# Final weights ship as rnnlab/tables/char_lm_NAME.npz.
SAVED_MODELS = ("lstm_long", "lstm_2layer_dropout_long", "lstm_2layer_dropout_xl")


def data():
    corpus = text.load_text("tinyshakespeare")
    vocab = text.Vocabulary.from_text(corpus)
    return vocab, text.split_text(vocab.encode(corpus))


def spec(name, vocab_size):
    cell, layers, dropout, budget, eval_every, _ = MODELS[name]
    reference = char_models.count_char_parameters("lstm", vocab_size=vocab_size, hidden_size=REFERENCE_HIDDEN)
    hidden = char_models.matching_hidden_size(cell, reference, vocab_size=vocab_size, num_layers=layers)
    steps = int(round(budget * 1000 / STEP_MS[name]))
    return {"model": name, "cell": cell, "num_layers": layers, "dropout": dropout, "hidden_size": hidden,
            "parameters": char_models.count_char_parameters(cell, vocab_size=vocab_size, hidden_size=hidden,
                                                            num_layers=layers),
            "budget_seconds": budget, "steps_budget": steps, "eval_every": eval_every}


def build(s, vocab_size, seed):
    return char_models.build_char_model(s["cell"], "torch", vocab_size=vocab_size, hidden_size=s["hidden_size"],
                                        num_layers=s["num_layers"], dropout=s["dropout"], seed=seed)


def time_steps(rounds=15):
    import torch

    torch.set_num_threads(1)
    vocab, (train, _, _) = data()
    x, y = next(iter(text.StreamBatches(train, batch_size=SETTINGS["batch_size"], seq_len=SETTINGS["seq_len"])))
    x, y = torch.from_numpy(x), torch.from_numpy(y)
    models = {}
    for name in MODELS:
        if name == "lstm_long":
            continue  # the same model and step as "lstm"
        model = build(spec(name, len(vocab)), len(vocab), 0)
        models[name] = (model, torch.optim.Adam(model.parameters(), lr=SETTINGS["lr"]), [])
    for _ in range(rounds):
        for model, optimizer, times in models.values():
            start = time.perf_counter()
            optimizer.zero_grad()
            logits, _ = model(x)
            loss = torch.nn.functional.cross_entropy(logits.reshape(-1, len(vocab)), y.reshape(-1))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), SETTINGS["clip_norm"])
            optimizer.step()
            times.append(time.perf_counter() - start)
    for name, (_, _, times) in models.items():
        print(f"{name}: {1000 * np.median(times[3:]):.1f} ms per step")


def finished():
    path = OUT / "runs.jsonl"
    if not path.exists():
        return {}
    runs = {}
    for line in path.read_text().splitlines():
        try:
            run = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut short by a crash
        runs[(run["model"], run["seed"])] = run
    return runs


def run():
    import torch

    torch.set_num_threads(1)
    OUT.mkdir(parents=True, exist_ok=True)
    vocab, (train, val, test) = data()
    done = finished()
    order = [(n, s) for group in (("lstm", "rnn", "gru"), ("lstm_2layer_dropout",), SAVED_MODELS)
             for s in SEEDS for n in group if s in MODELS[n][-1]]
    for name, seed in order:
        if (name, seed) in done:
            continue
        s = spec(name, len(vocab))
        model = build(s, len(vocab), seed)
        start = time.perf_counter()
        records = char_models.train_torch(
            model, train, val, steps=s["steps_budget"], decay_steps=s["steps_budget"], eval_every=s["eval_every"],
            seed=seed, on_eval=lambda r, n=name, sd=seed: print(f"{n} seed {sd}: {r}", flush=True), **SETTINGS)
        test_bpc = char_models.bits_per_char(model, test, batch_size=SETTINGS["batch_size"],
                                             seq_len=SETTINGS["seq_len"])
        row = {**s, "seed": seed, "test_bpc": test_bpc, "wall_seconds": time.perf_counter() - start,
               "records": records}
        if name in SAVED_MODELS:
            np.savez_compressed(OUT / f"char_lm_{name}.npz",
                                **{k: v.numpy() for k, v in model.state_dict().items()})
        with open(OUT / "runs.jsonl", "a") as fh:
            fh.write(json.dumps(row) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        print(f"{name} seed {seed}: test bpc {test_bpc:.4f}", flush=True)


COLUMNS = ["model", "cell", "num_layers", "dropout", "hidden_size", "parameters", "budget_seconds", "steps_budget",
           "seed", "steps", "seconds", "train_bpc", "val_bpc", "test_bpc"]


def export():
    import pandas as pd

    runs = finished()
    missing = [(n, s) for n in MODELS for s in MODELS[n][-1] if (n, s) not in runs]
    if missing:
        raise SystemExit(f"runs missing: {missing}; run `python benchmarks/char_lm.py run` first")
    rows = []
    for (name, seed), r in sorted(runs.items(), key=lambda kv: (list(MODELS).index(kv[0][0]), kv[0][1])):
        for i, rec in enumerate(r["records"]):
            rows.append({**{c: r[c] for c in COLUMNS[:8]}, "seed": seed, **rec,
                         "test_bpc": r["test_bpc"] if i == len(r["records"]) - 1 else np.nan})
    table = pd.DataFrame(rows, columns=COLUMNS)
    table.to_csv(TABLES / "char_lm.csv", index=False, float_format="%.6f")
    for name in SAVED_MODELS:  # results/char_lm/*.npz are not committed: an export from a fresh clone keeps the shipped ones
        if (OUT / f"char_lm_{name}.npz").exists():
            (TABLES / f"char_lm_{name}.npz").write_bytes((OUT / f"char_lm_{name}.npz").read_bytes())

    vocab, (train, val, test) = data()
    ngram = text.best_ngram(train, val, test, max_n=10)
    baselines = {"unigram": text.unigram_bpc(train, test), "bigram": text.bigram_bpc(train, test),
                 "best_ngram": {"n": ngram.n, "val_bpc": ngram.val_bpc, "test_bpc": ngram.test_bpc}}
    final = table.dropna(subset=["test_bpc"])
    meta = {
        "format": 1, "name": "char_lm",
        "description": "character-level language models on tiny Shakespeare, torch: RNN/LSTM/GRU at equal "
                       "parameters and equal training time, and a 2-layer LSTM with dropout, seeds 0-2",
        "machine": machine(), "versions": versions("torch", "numpy", "rnnlab"), "commit": commit(),
        "date": datetime.date.today().isoformat(), "threads": 1, "settings": SETTINGS,
        "lr_schedule": "cosine from lr to 0 over each run's steps (torch CosineAnnealingLR, T_max = steps)",
        "embedding_size": EMBEDDING, "reference_lstm_hidden": REFERENCE_HIDDEN,
        "step_ms": STEP_MS, "models": {n: {**spec(n, len(vocab)), "seeds": list(MODELS[n][-1])} for n in MODELS},
        "split": {"train": len(train), "val": len(val), "test": len(test)}, "baselines": baselines,
        "saved_models": {name: f"char_lm_{name}.npz" for name in SAVED_MODELS},
        "regenerate": "python benchmarks/char_lm.py run && python benchmarks/char_lm.py export",
        # what rnnlab.tables checks before it reads a shipped file: written last, from the files as they now are
        "files": {f: fingerprint((TABLES / f).read_bytes(), f)
                  for f in ["char_lm.csv", *(f"char_lm_{name}.npz" for name in SAVED_MODELS)]},
    }
    (TABLES / "char_lm.json").write_text(json.dumps(meta, indent=1) + "\n")

    lines = [
        "# Character-level language models on tiny Shakespeare (torch)", "",
        f"Machine: {meta['machine']}; {', '.join(f'{k} {v}' for k, v in meta['versions'].items())}; "
        f"commit {meta['commit']}; one thread; other jobs shared the machine. "
        f"Text split by position: {len(train):,} training, {len(val):,} validation, {len(test):,} test characters. "
        f"Batch {SETTINGS['batch_size']} streams x {SETTINGS['seq_len']} characters, Adam lr {SETTINGS['lr']} "
        "decaying along a cosine to 0 over each run's steps, "
        f"gradient-norm clipping {SETTINGS['clip_norm']}, embedding {EMBEDDING}; state carried across batches "
        f"(truncated BPTT). Equal parameters: hidden sizes matched to a {REFERENCE_HIDDEN}-unit LSTM. Equal time: "
        "each model's steps are its budget (30 s; the two *_long runs 360 s) divided by the step time measured before the sweep "
        "(ms per step: " + ", ".join(f"{n} {ms}" for n, ms in STEP_MS.items()) + "). The `train seconds` column is "
        "what the runs took while other jobs loaded the machine, so it is longer and uneven.", "",
        f"Count baselines on the test text: unigram {baselines['unigram']:.3f} bpc, bigram {baselines['bigram']:.3f} "
        f"bpc, best Kneser-Ney n-gram (n = {ngram.n}, chosen on validation) {ngram.test_bpc:.3f} bpc.", "",
        "| model | hidden | parameters | steps | seed | train seconds | val bpc | test bpc |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in final.itertuples():
        lines.append(f"| {r.model} | {r.hidden_size} | {r.parameters:,} | {r.steps} | {r.seed} | {r.seconds:.0f} | "
                     f"{r.val_bpc:.3f} | {r.test_bpc:.3f} |")
    lines += ["", "Test bpc over seeds (mean, min-max):", ""]
    for name, g in final.groupby("model", sort=False):
        lines.append(f"- {name}: {g.test_bpc.mean():.3f} ({g.test_bpc.min():.3f}-{g.test_bpc.max():.3f})")
    longs = final[final.model.isin(SAVED_MODELS)].set_index("model")
    chosen = longs.val_bpc.idxmin()
    lines += ["", f"Best model against the counts: of the long runs, validation chooses {chosen} "
              f"({longs.val_bpc[chosen]:.3f} validation bpc against the n-gram's {ngram.val_bpc:.3f}); on the test text "
              f"it has {longs.test_bpc[chosen]:.3f} bpc against the n-gram's {ngram.test_bpc:.3f}, so it "
              + ("beats" if longs.test_bpc[chosen] < ngram.test_bpc else "does not beat")
              + " the best count baseline on held-out test text. Per long run (validation / test bpc): "
              + ", ".join(f"{n} {r.val_bpc:.3f} / {r.test_bpc:.3f}" for n, r in longs.iterrows()) + "."]
    write_report("char_lm", lines)


if __name__ == "__main__":
    commands = {"time": time_steps, "run": run, "export": export}
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        raise SystemExit(f"usage: python benchmarks/char_lm.py {{{'|'.join(commands)}}}")
    commands[sys.argv[1]]()
