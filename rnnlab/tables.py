"""Tables measured by the benchmarks and shipped inside the package, so a notebook (also on Colab) can load
10-seed results that it could not recompute within its time budget. Each ``NAME.csv`` has the columns of
:data:`rnnlab.experiments.COLUMNS`; ``NAME.json`` records how, where and when it was measured."""
from __future__ import annotations

import json
from importlib import resources

from ._validation import check_choice
from .experiments import COLUMNS

FORMAT = 1
TABLES = {
    "maps": "solve rate against sequence length: first-token and adding tasks, RNN/LSTM/GRU, 10 seeds",
    "ablations": "one change at a time between each classic demo and the rnnlab recipe, 5 seeds",
}
REGENERATE = "python benchmarks/solve_rate_maps.py run {name} && python benchmarks/solve_rate_maps.py export {name}"


def _files(name):
    folder = resources.files("rnnlab") / "tables"
    return folder / f"{name}.csv", folder / f"{name}.json"


def about(name):
    """How the stored table ``name`` was measured: machine, versions, commit, date, specs."""
    check_choice(name, "name", TABLES)
    _, meta = _files(name)
    hint = f"regenerate it with: {REGENERATE.format(name=name)}"
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
    empty_is_missing = {c: [""] for c in COLUMNS if c != "failure"}  # an empty failure means none
    table = pd.read_csv(csv_file, dtype={"failure": str}, keep_default_na=False, na_values=empty_is_missing)
    if list(table.columns) != COLUMNS:
        raise ValueError(f"the stored table {name!r} has other columns than this rnnlab writes; regenerate it "
                         f"with: {REGENERATE.format(name=name)}")
    return table
