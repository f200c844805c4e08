"""What the gates of a trained LSTM do on the adding problem (notebook 02, section 6), torch, one thread, many seeds.

Each seed trains a small `nn.LSTM` (forget-gate bias 1) with a linear head on the adding problem in the plain loop
that notebook 02 writes out, line for line: 2,048 training sequences of length 30, minibatches of 32, Adam with
learning rate 0.01, gradient norms clipped at 1, until the validation MSE is at most 0.01 (at most 30 epochs).
Then the gates are recomputed from the trained weights by a hand-written float64 loop over the 512 validation
sequences (checked against torch's own h_t and c_t), and a few statistics are kept per seed: the same ones on the
untrained LSTM (the control), and again after training the same seed in float64 (whether rounding decides a
seed's facts).

The columns epochs, val_mse, solved and train_seconds describe the seed's training run, on the rows of both stages.
The *keeper* of a network is its unit with the largest mean forget gate over the steps that must be held: after
the first marked step, the marked steps themselves left out.

    python benchmarks/lstm_gates.py    # rnnlab/tables/gates.{csv,json} and benchmarks/results/gates.md
"""
import copy
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

import rnnlab  # noqa: E402
from rnnlab.tables import GATES_COLUMNS, fingerprint  # noqa: E402

ROOT = Path(__file__).resolve().parent
TABLES = ROOT.parent / "rnnlab" / "tables"
SEEDS = tuple(range(20))
SETTINGS = {"seq_len": 30, "hidden_size": 8, "n_train": 2048, "n_val": 512, "val_seed_offset": 10_000,
            "forget_bias": 1.0, "batch_size": 32, "lr": 0.01, "clip_norm": 1.0, "target_mse": 0.01,
            "max_epochs": 30}


def train(seed, dtype):
    """The loop of notebook 02, section 6: (trained lstm, untrained copy, epochs, validation MSE, X_val)."""
    s = SETTINGS
    hid = s["hidden_size"]
    X_a, y_a = map(torch.from_numpy, rnnlab.adding_task(s["n_train"], s["seq_len"], seed=seed))
    X_aval, y_aval = map(torch.from_numpy, rnnlab.adding_task(s["n_val"], s["seq_len"],
                                                              seed=s["val_seed_offset"] + seed))
    X_a, y_a, X_aval, y_aval = (a.to(dtype) for a in (X_a, y_a, X_aval, y_aval))
    torch.manual_seed(seed)
    lstm, regression = nn.LSTM(input_size=2, hidden_size=hid, batch_first=True), nn.Linear(hid, 1)
    with torch.no_grad():
        lstm.bias_hh_l0[hid:2 * hid] += s["forget_bias"]
    lstm.to(dtype)
    regression.to(dtype)
    untrained = copy.deepcopy(lstm)
    params = [*lstm.parameters(), *regression.parameters()]
    optimizer = torch.optim.Adam(params, lr=s["lr"])
    order = torch.Generator().manual_seed(seed)
    for epoch in range(1, s["max_epochs"] + 1):
        for batch in torch.randperm(len(X_a), generator=order).split(s["batch_size"]):
            outputs, _ = lstm(X_a[batch])
            loss = nn.functional.mse_loss(regression(outputs[:, -1]), y_a[batch])
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(params, s["clip_norm"])
            optimizer.step()
        with torch.no_grad():
            mse = nn.functional.mse_loss(regression(lstm(X_aval)[0][:, -1]), y_aval).item()
        if mse <= s["target_mse"]:
            break
    return lstm, untrained, epoch, mse, X_aval


def gate_traces(layer, x):
    """i, f, g, o, c, h of every step (batch, time, hidden), float64, from an nn.LSTM's weights."""
    hid = layer.hidden_size
    W, U = (p.detach().double().numpy() for p in (layer.weight_ih_l0, layer.weight_hh_l0))
    b = (layer.bias_ih_l0 + layer.bias_hh_l0).detach().double().numpy()
    x = x.double().numpy()
    h = c = np.zeros((len(x), hid))
    kept = {k: [] for k in "ifgoch"}
    for t in range(x.shape[1]):
        a = x[:, t] @ W.T + h @ U.T + b
        i, f, o = (1 / (1 + np.exp(-a[:, k * hid:(k + 1) * hid])) for k in (0, 1, 3))
        g = np.tanh(a[:, 2 * hid:3 * hid])
        c = f * c + i * g
        h = o * np.tanh(c)
        for k, v in zip("ifgoch", (i, f, g, o, c, h)):
            kept[k].append(v)
    traces = {k: np.stack(v, axis=1) for k, v in kept.items()}
    with torch.no_grad():
        H, (_, C) = layer(torch.from_numpy(x).to(layer.weight_ih_l0.dtype))
    error = max(np.abs(traces["h"] - H.double().numpy()).max(), np.abs(traces["c"][:, -1] - C[0].double().numpy()).max())
    return traces, error


def statistics(traces, x):
    """The per-network numbers of the table (the keeper: the unit with the largest mean forget gate while holding)."""
    marked = x[:, :, 1].double().numpy() > 0.5
    first = marked.argmax(axis=1)
    holding = (np.arange(marked.shape[1])[None] > first[:, None]) & ~marked
    i, f, c = traces["i"], traces["f"], traces["c"]
    f_hold = f[holding].mean(axis=0)            # per unit
    keeper = int(np.argmax(f_hold))
    step = np.abs(np.diff(c[:, :, keeper], axis=1, prepend=0.0))
    # the keeper's jump at each of the two marks against the marked value: |correlation|, the smaller of the two
    rows = np.arange(len(marked))
    second = marked.shape[1] - 1 - marked[:, ::-1].argmax(axis=1)
    jump_corr = min(abs(np.corrcoef(np.diff(c[:, :, keeper], axis=1, prepend=0.0)[rows, t],
                                    x[:, :, 0].double().numpy()[rows, t])[0, 1]) for t in (first, second))
    return {"i_marked": i[marked].mean(), "i_other": i[~marked].mean(), "f_holding": f[holding].mean(),
            "units_f_above_0_9": int((f_hold > 0.9).sum()), "keeper": keeper, "keeper_f_holding": f_hold[keeper],
            "keeper_f_holding_min": f[holding][:, keeper].min(),
            "keeper_i_marked": i[marked][:, keeper].mean(), "keeper_i_other": i[~marked][:, keeper].mean(),
            "keeper_c_step_marked": step[marked].mean(), "keeper_c_step_other": step[~marked].mean(),
            "keeper_jump_corr": jump_corr}


def run():
    rows = []
    for dtype, name in ((torch.float32, "float32"), (torch.float64, "float64")):
        for seed in SEEDS:
            start = time.perf_counter()
            lstm, untrained, epochs, mse, X_aval = train(seed, dtype)
            seconds = time.perf_counter() - start
            for stage, layer in (("trained", lstm), ("untrained", untrained)):
                traces, error = gate_traces(layer, X_aval)
                assert error < (1e-5 if dtype == torch.float32 else 1e-12), (seed, name, stage, error)
                rows.append({"dtype": name, "seed": seed, "stage": stage, "epochs": epochs, "val_mse": mse,
                             "solved": mse <= SETTINGS["target_mse"], "train_seconds": round(seconds, 1),
                             "check_error": error, **statistics(traces, X_aval)})
            last = rows[-2]
            print(f"{name} seed {seed:2d}: {epochs:2d} epochs, MSE {mse:.4f}, {seconds:4.1f} s | keeper {last['keeper']} "
                  f"f {last['keeper_f_holding']:.3f}, i {last['keeper_i_marked']:.3f} at marks / "
                  f"{last['keeper_i_other']:.3f} elsewhere", flush=True)
    export(rows)


def _fmt(value):
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.6g}"
    return str(value)


def export(rows):
    import pandas as pd

    table = pd.DataFrame([{k: _fmt(r[k]) for k in GATES_COLUMNS} for r in rows], columns=GATES_COLUMNS)
    TABLES.mkdir(exist_ok=True)
    table.to_csv(TABLES / "gates.csv", index=False)
    meta = {
        "format": 1, "name": "gates",
        "description": "gates of a small torch LSTM trained on the adding problem (T=30, 8 units, forget bias 1), "
                       f"seeds {SEEDS[0]}-{SEEDS[-1]}, float32 and float64, trained and untrained",
        "machine": machine(), "versions": versions("torch", "numpy", "rnnlab"), "commit": commit(),
        "date": datetime.date.today().isoformat(), "threads": 1, "settings": SETTINGS, "seeds": list(SEEDS),
        "keeper": "the unit with the largest mean forget gate over the holding steps (after the first marked step, "
                  "marked steps left out), on the validation sequences",
        "regenerate": "python benchmarks/lstm_gates.py",
        "files": {"gates.csv": fingerprint((TABLES / "gates.csv").read_bytes(), "gates.csv")},
    }
    (TABLES / "gates.json").write_text(json.dumps(meta, indent=1) + "\n")

    frame = pd.DataFrame(rows)
    lines = ["# The gates of a trained LSTM on the adding problem (torch)", "",
             f"Machine: {meta['machine']}; {', '.join(f'{k} {v}' for k, v in meta['versions'].items())}; "
             f"commit {meta['commit']}; one thread; other jobs shared the machine. Settings: {SETTINGS}. "
             f"Keeper: {meta['keeper']}.", "",
             "| dtype | stage | seeds solved | keeper f (min over seeds) | keeper i at marks / elsewhere (median; "
             "smallest ratio) | keeper c step at marks / elsewhere (smallest ratio) | layer i at marks > elsewhere "
             "| units with f > 0.9 (range) | keeper's jump against the marked value, smallest abs. correlation |",
             "|---|---|---|---|---|---|---|---|---|"]
    for (dtype, stage), g in frame.groupby(["dtype", "stage"], sort=False):
        ratio = g.keeper_i_marked / g.keeper_i_other
        step = g.keeper_c_step_marked / g.keeper_c_step_other
        solved = f"{int(g.solved.astype(bool).sum())}/{len(g)}" if stage == "trained" else "-"
        lines.append(f"| {dtype} | {stage} | {solved} | {g.keeper_f_holding.median():.3f} "
                     f"({g.keeper_f_holding.min():.3f}) | {g.keeper_i_marked.median():.3f} / "
                     f"{g.keeper_i_other.median():.3f} ({ratio.min():.2f}) | {step.min():.2f} | "
                     f"{int((g.i_marked > g.i_other).sum())}/{len(g)} | {g.units_f_above_0_9.min()}-"
                     f"{g.units_f_above_0_9.max()} | {g.keeper_jump_corr.min():.3f} |")
    trained = frame[frame.stage == "trained"]
    lines += ["", f"Training time per seed (float32): median {trained[trained.dtype == 'float32'].train_seconds.median():.1f} s, "
              f"epochs median {int(trained[trained.dtype == 'float32'].epochs.median())}."]
    write_report("gates", lines)


if __name__ == "__main__":
    torch.set_num_threads(1)
    run()
