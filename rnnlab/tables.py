"""Tables measured by the benchmarks and shipped inside the package, so a notebook (also on Colab) can load
10-seed results that it could not recompute within its time budget. Each ``NAME.csv`` has the columns of
:data:`rnnlab.results.COLUMNS` (``char_lm``: :data:`CHAR_LM_COLUMNS`, one row per evaluation of a run);
``NAME.json`` records how, where and when it was measured."""
from __future__ import annotations

import json
from importlib import resources

from ._validation import check_choice
from .results import COLUMNS

FORMAT = 1
TABLES = {
    "maps": "solve rate against sequence length: first-token and adding tasks, RNN/LSTM/GRU, 10 seeds",
    "ablations": "one change at a time between each classic demo and the rnnlab recipe, 5 seeds",
    "char_lm": "character language models on tiny Shakespeare: RNN/LSTM/GRU at equal parameters and training "
               "time, a 2-layer LSTM with dropout, 3 seeds, and one longer LSTM run (notebook 05)",
}
REGENERATE = "python benchmarks/solve_rate_maps.py run {name} && python benchmarks/solve_rate_maps.py export {name}"
_REGENERATE = {"char_lm": "python benchmarks/char_lm.py run && python benchmarks/char_lm.py export"}
CHAR_LM_COLUMNS = ["model", "cell", "num_layers", "dropout", "hidden_size", "parameters", "budget_seconds",
                   "steps_budget", "seed", "steps", "seconds", "train_bpc", "val_bpc", "test_bpc"]


def _files(name):
    folder = resources.files("rnnlab") / "tables"
    return folder / f"{name}.csv", folder / f"{name}.json"


def _regenerate(name):
    return _REGENERATE.get(name, REGENERATE.format(name=name))


def about(name):
    """How the stored table ``name`` was measured: machine, versions, commit, date, specs."""
    check_choice(name, "name", TABLES)
    _, meta = _files(name)
    hint = f"regenerate it with: {_regenerate(name)}"
    if not meta.is_file():
        raise ValueError(f"the stored table {name!r} is missing from this installation; {hint}")
    info = json.loads(meta.read_text())
    if info.get("format") != FORMAT:
        raise ValueError(f"the stored table {name!r} is of format {info.get('format')}, this rnnlab reads "
                         f"format {FORMAT}; {hint}")
    return info


def load(name):
    """The stored runs of table ``name`` as a pandas DataFrame (one row per run)."""
    import pandas as pd

    about(name)
    csv_file, _ = _files(name)
    if name == "char_lm":
        table = pd.read_csv(csv_file)
        if list(table.columns) != CHAR_LM_COLUMNS:
            raise ValueError(f"the stored table {name!r} has other columns than this rnnlab reads; regenerate it "
                             f"with: {_regenerate(name)}")
        return table
    empty_is_missing = {c: [""] for c in COLUMNS if c != "failure"}  # an empty failure means none
    table = pd.read_csv(csv_file, dtype={"failure": str}, keep_default_na=False, na_values=empty_is_missing)
    if list(table.columns) != COLUMNS:
        raise ValueError(f"the stored table {name!r} has other columns than this rnnlab writes; regenerate it "
                         f"with: {_regenerate(name)}")
    return table


def char_lm_weights(model="lstm_long"):
    """The final weights of a stored long run of ``char_lm`` (the names in ``about('char_lm')['saved_models']``),
    as a dict of numpy arrays with the names of the torch model's ``state_dict``."""
    import numpy as np

    saved = about("char_lm")["saved_models"]
    check_choice(model, "model", saved)
    path = resources.files("rnnlab") / "tables" / saved[model]
    if not path.is_file():
        raise ValueError(f"the weights of the stored table 'char_lm' are missing; regenerate them with: "
                         f"{_regenerate('char_lm')}")
    with path.open("rb") as fh, np.load(fh) as arrays:
        return {key: arrays[key] for key in arrays.files}
