"""Encoder-decoder GRUs with and without additive attention on string reversal (notebook 06), torch, one thread.

The task: read a string of 4-20 symbols (alphabet of 10), write it backwards. Both models embed the symbols, read
the source with a GRU (packed, so padding never enters the state) and write the target with a GRU cell under
teacher forcing (Sutskever et al. 2014; Cho et al. 2014). Without attention, the decoder sees the encoder's final
state at every step (Cho et al. 2014); with attention, a weighted mean of all encoder states whose weights come
from additive scores (Bahdanau et al. 2015). The model without attention is made wider so that the two have
(near-)equal parameter counts; both train for the same number of steps on the same batches. Test: exact match
of the greedy output (and of a beam search) on fresh strings of each length, per seed.

    python benchmarks/seq2seq_attention.py pilot   # one seed, a few budgets: time per step and accuracy
    python benchmarks/seq2seq_attention.py run     # the missing runs (resumable: one row per run when it ends)
    python benchmarks/seq2seq_attention.py export  # rnnlab/tables/seq2seq.{csv,json} and results/seq2seq.md

The model, training loop and decoders below are the ones notebook 06 writes out, line for line.
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

import torch  # noqa: E402
from torch import nn  # noqa: E402

from rnnlab import seq2seq_data as sd  # noqa: E402
from rnnlab.tables import SEQ2SEQ_COLUMNS, fingerprint  # noqa: E402

ROOT = Path(__file__).resolve().parent
OUT = ROOT / "results" / "seq2seq"
TABLES = ROOT.parent / "rnnlab" / "tables"
SEEDS = (0, 1, 2, 3, 4, 5)
REPLAY_STEPS = 300          # seed 0 of both models also trained this short budget: the run notebook 06 repeats live
PAD_SEEDS = tuple(range(1, 11))  # the pads ablation: the attention model at REPLAY_STEPS, loss over real positions
                                 # ("attention") or averaged over the pads too ("attention_pads"), same seeds,
                                 # paired; seeds 1-10, all measured on one machine (seed 0 is the replayed run)
TASK = {"task": "reverse", "min_len": 4, "max_len": 20, "n_symbols": 10}
SETTINGS = {"batch_size": 64, "lr": 3e-3, "clip_norm": 1.0, "embedding": 16, "steps": 1500}
ATTENTION_HIDDEN = 64
TEST_LENGTHS = (4, 8, 12, 16, 20)
TEST_PER_LENGTH = 200
TEST_SEED = 10_000          # test strings are drawn from their own seeds, never from a training seed
BEAM_WIDTH = 4
VOCAB = sd.FIRST_SYMBOL + TASK["n_symbols"]


class Additive(nn.Module):
    """Additive attention (Bahdanau et al. 2015): score_j = v . tanh(W s + U h_j), weights = softmax over j."""

    def __init__(self, query_size, key_size, size):
        super().__init__()
        self.W = nn.Linear(query_size, size, bias=False)
        self.U = nn.Linear(key_size, size, bias=False)
        self.v = nn.Linear(size, 1, bias=False)

    def forward(self, query, values, keys, mask):
        # query (B, Q); values (B, T, K) the encoder states; keys = U(values), computed once per source;
        # mask (B, T) True at real positions
        scores = self.v(torch.tanh(self.W(query)[:, None, :] + keys))[..., 0]
        scores = scores.masked_fill(~mask, float("-inf"))
        weights = torch.softmax(scores, dim=1)
        return (weights[:, :, None] * values).sum(dim=1), weights


class Seq2Seq(nn.Module):
    def __init__(self, vocab, embedding, hidden, attention):
        super().__init__()
        self.src_embed = nn.Embedding(vocab, embedding, padding_idx=sd.PAD)
        self.tgt_embed = nn.Embedding(vocab, embedding, padding_idx=sd.PAD)
        self.encoder = nn.GRU(embedding, hidden, batch_first=True)
        self.decoder = nn.GRUCell(embedding + hidden, hidden)
        self.attention = Additive(hidden, hidden, hidden) if attention else None
        self.out = nn.Linear(2 * hidden, vocab)

    def encode(self, src, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(self.src_embed(src), lengths, batch_first=True,
                                                   enforce_sorted=False)
        states, last = self.encoder(packed)
        states, _ = nn.utils.rnn.pad_packed_sequence(states, batch_first=True, total_length=src.shape[1])
        keys = None if self.attention is None else self.attention.U(states)
        return states, keys, last[0], src != sd.PAD

    def step(self, token, s, states, keys, last, mask):
        """One decoder step from the previous token and state: (logits, new state, attention weights or None)."""
        if self.attention is None:
            context, weights = last, None
        else:
            context, weights = self.attention(s, states, keys, mask)
        s = self.decoder(torch.cat([self.tgt_embed(token), context], dim=1), s)
        return self.out(torch.cat([s, context], dim=1)), s, weights

    def forward(self, src, lengths, dec_in):
        states, keys, last, mask = self.encode(src, lengths)
        s, logits = last, []
        for t in range(dec_in.shape[1]):
            step_logits, s, _ = self.step(dec_in[:, t], s, states, keys, last, mask)
            logits.append(step_logits)
        return torch.stack(logits, dim=1)


def count(hidden, attention):
    return sum(p.numel() for p in Seq2Seq(VOCAB, SETTINGS["embedding"], hidden, attention).parameters())


def matching_hidden():
    """The hidden size of the model without attention whose parameter count is nearest the attention model's."""
    target = count(ATTENTION_HIDDEN, True)
    return min(range(ATTENTION_HIDDEN, 2 * ATTENTION_HIDDEN), key=lambda h: abs(count(h, False) - target))


def batch(sources, targets):
    src, lengths = sd.pad_sequences(sources)
    dec_in, dec_out = sd.decoder_pairs(targets)
    dec_in, _ = sd.pad_sequences(dec_in)
    dec_out, _ = sd.pad_sequences(dec_out)
    return torch.from_numpy(src), torch.from_numpy(lengths), torch.from_numpy(dec_in), torch.from_numpy(dec_out)


def train(model, steps, seed, on_step=None, ignore_pads=True):
    """Adam, clipped gradients, a masked cross-entropy: the pads of the targets carry no loss (with
    ``ignore_pads=False``, the mistake of notebook 06's section 11: the mean runs over the pads too)."""
    torch.manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=SETTINGS["lr"])
    model.train()
    for step in range(steps):
        sources, targets = sd.transduction_task(SETTINGS["batch_size"], seed=seed * 1_000_003 + step, **TASK)
        src, lengths, dec_in, dec_out = batch(sources, targets)
        logits = model(src, lengths, dec_in)
        loss = nn.functional.cross_entropy(logits.reshape(-1, VOCAB), dec_out.reshape(-1),
                                           ignore_index=sd.PAD if ignore_pads else -100)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), SETTINGS["clip_norm"])
        optimizer.step()
        if on_step is not None:
            on_step(step, loss.item())
    return model


@torch.no_grad()
def greedy(model, sources, max_len):
    """The most likely token at each step, fed back, until every row has written EOS (or max_len tokens)."""
    max_len = sd.check_max_decode_len(max_len)
    model.eval()
    src, lengths = (torch.from_numpy(a) for a in sd.pad_sequences(sources))
    states, keys, last, mask = model.encode(src, lengths)
    s, token = last, torch.full((len(sources),), sd.BOS)
    out, done = [], torch.zeros(len(sources), dtype=torch.bool)
    for _ in range(max_len):
        logits, s, _ = model.step(token, s, states, keys, last, mask)
        token = logits.argmax(dim=1)
        out.append(token)
        done |= token == sd.EOS
        if done.all():
            break
    return list(torch.stack(out, dim=1).numpy())


@torch.no_grad()
def beam(model, source, beam_width, max_len):
    """Beam search for one source: keep the beam_width best partial outputs by total log-probability; a
    hypothesis that writes EOS is finished; stop when the best finished one beats every open one."""
    beam_width, max_len = sd.check_beam_width(beam_width), sd.check_max_decode_len(max_len)
    model.eval()
    src, lengths = (torch.from_numpy(a) for a in sd.pad_sequences([source]))
    states, keys, last, mask = model.encode(src, lengths)
    keys = None if keys is None else keys.expand(beam_width, -1, -1)
    open_ = [(0.0, [sd.BOS], last)]                     # (log-probability, tokens, decoder state)
    finished = []
    for _ in range(max_len):
        scores, tokens, s = zip(*open_)
        k = len(open_)
        logits, s, _ = model.step(torch.tensor([t[-1] for t in tokens]), torch.cat(s), states.expand(k, -1, -1),
                                  None if keys is None else keys[:k], last.expand(k, -1), mask.expand(k, -1))
        logp = torch.log_softmax(logits, dim=1) + torch.tensor(scores)[:, None]
        best = torch.topk(logp.reshape(-1), min(beam_width, logp.numel()))   # a beam wider than the candidates keeps all
        open_ = []
        for score, flat in zip(best.values.tolist(), best.indices.tolist()):
            row, token = divmod(flat, logp.shape[1])
            if token == sd.EOS:
                finished.append((score, tokens[row][1:]))
            else:
                open_.append((score, tokens[row] + [token], s[row:row + 1]))
        if not open_ or (finished and max(f[0] for f in finished) >= open_[0][0]):
            break
    if not finished:                                     # max_len reached: the best open hypothesis, unfinished
        return np.array(open_[0][1][1:], dtype=np.int64)
    return np.array(max(finished, key=lambda f: f[0])[1], dtype=np.int64)


def test_set(length):
    return sd.transduction_task(TEST_PER_LENGTH, **{**TASK, "min_len": length, "max_len": length},
                                seed=TEST_SEED + length)


def evaluate(model, beam_width=BEAM_WIDTH):
    """{length: (greedy exact-match count, beam exact-match count)} over the test strings of each length."""
    scores = {}
    for length in TEST_LENGTHS:
        sources, targets = test_set(length)
        greedy_hits = sd.exact_match(greedy(model, sources, max_len=length + 5), targets)
        beam_hits = greedy_hits if beam_width == 1 else sd.exact_match(
            [beam(model, s, beam_width, max_len=length + 5) for s in sources], targets)   # width 1 is greedy
        scores[length] = (int(greedy_hits.sum()), int(beam_hits.sum()))
    return scores


def build(attention, seed):
    hidden = ATTENTION_HIDDEN if attention else matching_hidden()   # builds models: before the seed, not after
    torch.manual_seed(seed)
    return Seq2Seq(VOCAB, SETTINGS["embedding"], hidden, attention)


def pilot():
    torch.set_num_threads(1)
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 600
    for attention in (True, False):
        model = build(attention, 0)
        start = time.perf_counter()
        train(model, steps, 0, on_step=lambda i, loss: print(f"  step {i}: loss {loss:.3f}", flush=True)
              if i % 200 == 0 else None)
        seconds = time.perf_counter() - start
        start = time.perf_counter()
        scores = evaluate(model)
        print(f"attention={attention} hidden={model.out.in_features // 2} params="
              f"{sum(p.numel() for p in model.parameters())}: {steps} steps in {seconds:.0f} s "
              f"({1000 * seconds / steps:.1f} ms/step); test {time.perf_counter() - start:.0f} s; {scores}", flush=True)


def finished_runs():
    path = OUT / "runs.jsonl"
    runs = {}
    if path.exists():
        for line in path.read_text().splitlines():
            try:
                r = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut short by a crash
            runs[(r["model"], r["seed"], r["steps"])] = r
    return runs


MODELS = {"attention": True, "no_attention": False}
PADS = "attention_pads"     # the attention model trained with the loss averaged over the pads


def planned():
    """Every run of the table: (model, seed, steps)."""
    plan = [(name, 0, REPLAY_STEPS) for name in MODELS] + [(n, s, SETTINGS["steps"]) for n in MODELS for s in SEEDS]
    return plan + [(n, s, REPLAY_STEPS) for s in PAD_SEEDS for n in ("attention", PADS)]


def run():
    torch.set_num_threads(1)
    OUT.mkdir(parents=True, exist_ok=True)
    done = finished_runs()
    for name, seed, steps in planned():
        if (name, seed, steps) in done:
            continue
        model = build(MODELS.get(name, True), seed)
        start = time.perf_counter()
        train(model, steps, seed, ignore_pads=name != PADS)
        train_seconds = time.perf_counter() - start
        # the ablation compares greedy decoding only: its "beam" column repeats greedy (beam width 1)
        scores = evaluate(model, beam_width=1 if (name, seed, steps) in _ablation_keys() else BEAM_WIDTH)
        row = {"model": name, "hidden_size": model.out.in_features // 2,
               "parameters": sum(p.numel() for p in model.parameters()), "steps": steps,
               "seed": seed, "train_seconds": train_seconds, "scores": {str(k): v for k, v in scores.items()},
               "machine": machine()}
        with open(OUT / "runs.jsonl", "a") as fh:
            fh.write(json.dumps(row) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        print(f"{name} seed {seed}, {steps} steps: {scores} ({train_seconds:.0f} s)", flush=True)


COLUMNS = SEQ2SEQ_COLUMNS


def export():
    import pandas as pd
    from scipy import stats

    runs = finished_runs()
    keys = planned()
    missing = [k for k in keys if k not in runs]
    if missing:
        raise SystemExit(f"runs missing: {missing}; run `python benchmarks/seq2seq_attention.py run` first")
    rows = [{"model": n, "hidden_size": runs[n, s, st]["hidden_size"], "parameters": runs[n, s, st]["parameters"],
             "steps": st, "seed": s, "length": length, "n_test": TEST_PER_LENGTH,
             "greedy_correct": runs[n, s, st]["scores"][str(length)][0],
             "beam_correct": runs[n, s, st]["scores"][str(length)][1],
             "train_seconds": round(runs[n, s, st]["train_seconds"], 1)}
            for n, s, st in keys for length in TEST_LENGTHS]
    table = pd.DataFrame(rows, columns=COLUMNS)
    # Runs recorded before rows carried their machine were measured where the previous sidecar says: keep its
    # provenance for them (rnnlab.tables.measured_here compares that machine), and give the ablation its own.
    previous = json.loads((TABLES / "seq2seq.json").read_text()) if (TABLES / "seq2seq.json").exists() else {}
    main_keys = [k for k in keys if k[0] in MODELS and k not in _ablation_keys()]
    main_machines = {runs[k].get("machine", previous.get("machine")) for k in main_keys}
    if len(main_machines) != 1 or None in main_machines:
        raise SystemExit(f"the main runs come from several machines or an unknown one: {main_machines}")
    pad_machines = {runs[k].get("machine") for k in _ablation_keys()}
    if len(pad_machines) != 1 or None in pad_machines:
        raise SystemExit(f"the pads ablation's runs come from several machines or an unknown one: {pad_machines}")
    same_as_before = previous.get("machine") == next(iter(main_machines))
    TABLES.mkdir(exist_ok=True)
    table.to_csv(TABLES / "seq2seq.csv", index=False)
    meta = {
        "format": 1, "name": "seq2seq",
        "description": "GRU encoder-decoders with and without additive attention on string reversal, torch, "
                       f"seeds {SEEDS[0]}-{SEEDS[-1]}, exact match per test length, greedy and beam search",
        "machine": next(iter(main_machines)),
        "versions": previous["versions"] if same_as_before else versions("torch", "numpy", "rnnlab"),
        "commit": previous["commit"] if same_as_before else commit(),
        "date": previous["date"] if same_as_before else datetime.date.today().isoformat(),
        "threads": 1, "task": TASK, "settings": SETTINGS,
        "seeds": list(SEEDS), "test_lengths": list(TEST_LENGTHS), "test_per_length": TEST_PER_LENGTH,
        "test_seed": TEST_SEED, "beam_width": BEAM_WIDTH, "replay_steps": REPLAY_STEPS,
        "models": {n: {"attention": a, "hidden_size": ATTENTION_HIDDEN if a else matching_hidden(),
                       "parameters": count(ATTENTION_HIDDEN if a else matching_hidden(), a)}
                   for n, a in MODELS.items()},
        "pads": {"description": "the attention model at replay_steps, trained with the loss over real target "
                                "positions (model 'attention') or averaged over the pads too ('attention_pads'); "
                                "the same seeds and batches, paired",
                 "models": ["attention", PADS], "seeds": list(PAD_SEEDS), "steps": REPLAY_STEPS,
                 "machine": next(iter(pad_machines)), "versions": versions("torch", "numpy", "rnnlab"),
                 "commit": commit(), "date": datetime.date.today().isoformat()},
        "regenerate": "python benchmarks/seq2seq_attention.py run && python benchmarks/seq2seq_attention.py export",
        "files": {"seq2seq.csv": fingerprint((TABLES / "seq2seq.csv").read_bytes(), "seq2seq.csv")},
    }
    (TABLES / "seq2seq.json").write_text(json.dumps(meta, indent=1) + "\n")

    table["greedy"] = table.greedy_correct / table.n_test
    lines = [
        "# Encoder-decoder with and without additive attention: string reversal (torch)", "",
        f"Machine: {meta['machine']}; {', '.join(f'{k} {v}' for k, v in meta['versions'].items())}; "
        f"commit {meta['commit']}; one thread; other jobs shared the machine. Task: {TASK}. Training: "
        f"{SETTINGS['steps']} steps of {SETTINGS['batch_size']} fresh strings, Adam lr {SETTINGS['lr']}, gradient "
        f"clipping {SETTINGS['clip_norm']}, embedding {SETTINGS['embedding']}. Models: "
        + ", ".join(f"{n} hidden {m['hidden_size']}, {m['parameters']:,} parameters" for n, m in meta["models"].items())
        + f". Test: {TEST_PER_LENGTH} fresh strings per length, exact match; beam width {BEAM_WIDTH}.", "",
        "| length | attention: greedy mean (min-max) | no attention: greedy mean (min-max) | Welch t p | "
        "Mann-Whitney p | attention beam | no attention beam |", "|---|---|---|---|---|---|---|",
    ]
    for length, g in table[table.steps == SETTINGS["steps"]].groupby("length"):
        a = g[g.model == "attention"].greedy.to_numpy()
        b = g[g.model == "no_attention"].greedy.to_numpy()
        beams = {n: (g[g.model == n].beam_correct / g[g.model == n].n_test).mean() for n in MODELS}
        t = stats.ttest_ind(a, b, equal_var=False).pvalue if np.ptp(np.r_[a, b]) > 0 else 1.0
        u = stats.mannwhitneyu(a, b, alternative="two-sided").pvalue
        lines.append(f"| {length} | {a.mean():.3f} ({a.min():.3f}-{a.max():.3f}) | {b.mean():.3f} "
                     f"({b.min():.3f}-{b.max():.3f}) | {t:.2g} | {u:.2g} | {beams['attention']:.3f} | "
                     f"{beams['no_attention']:.3f} |")
    pairs = table[(table.steps == REPLAY_STEPS) & table.seed.isin(PAD_SEEDS)]
    totals = pairs.groupby(["model", "seed"]).greedy_correct.sum().unstack("model")
    diff = totals["attention"] - totals[PADS]
    w = stats.wilcoxon(totals["attention"], totals[PADS]).pvalue if diff.any() else 1.0
    lines += ["", f"## The loss averaged over the pads (attention model, {REPLAY_STEPS} steps, seeds "
              f"{PAD_SEEDS[0]}-{PAD_SEEDS[-1]}, {meta['pads']['machine']})", "",
              f"Greedy exact matches over all {len(TEST_LENGTHS) * TEST_PER_LENGTH} test strings, per seed "
              "(loss over real positions / averaged over pads too): "
              + ", ".join(f"{s}: {a}/{b}" for s, a, b in zip(totals.index, totals["attention"], totals[PADS])),
              "", f"Mean difference {diff.mean():.1f} strings (real positions minus pads); the pads arm ahead in "
              f"{int((diff < 0).sum())} of {len(diff)} seeds; Wilcoxon signed-rank p = {w:.2g}."]
    write_report("seq2seq", lines)


def _ablation_keys():
    return [(n, s, REPLAY_STEPS) for s in PAD_SEEDS for n in ("attention", PADS)]


if __name__ == "__main__":
    commands = {"pilot": pilot, "run": run, "export": export}
    if len(sys.argv) not in (2, 3) or sys.argv[1] not in commands:
        raise SystemExit(f"usage: python benchmarks/seq2seq_attention.py {{{'|'.join(commands)}}}")
    commands[sys.argv[1]]()
