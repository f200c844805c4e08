"""Tables measured by the benchmarks and shipped inside the package, so a notebook (also on Colab) can load
10-seed results that it could not recompute within its time budget. Each ``NAME.csv`` has the columns of
:data:`rnnlab.results.COLUMNS` (``char_lm``: :data:`CHAR_LM_COLUMNS`, one row per evaluation of a run;
``seq2seq``: :data:`SEQ2SEQ_COLUMNS`, one row per run and test length; ``gates``: :data:`GATES_COLUMNS`, one row
per seed, precision and stage);
``NAME.json`` records how, where and when it was measured, and under ``files`` the sha256 and the row count
(``.npz``: the array count) of each file shipped with the table, which every read checks before parsing."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import platform
import zipfile
from importlib import resources

from ._validation import check_choice
from .results import COLUMNS

FORMAT = 1
TABLES = {
    "maps": "solve rate against sequence length: first-token and adding tasks, RNN/LSTM/GRU, 10 seeds",
    "ablations": "one change at a time between each classic demo and the rnnlab recipe, 5 seeds",
    "char_lm": "character language models on tiny Shakespeare: RNN/LSTM/GRU at equal parameters and training "
               "time, a 2-layer LSTM with dropout, 3 seeds, and one longer LSTM run (notebook 05)",
    "seq2seq": "GRU encoder-decoders with and without additive attention on string reversal: exact match against "
               "length, greedy and beam search, 6 seeds (notebook 06)",
    "gates": "the gates of a small LSTM trained on the adding problem, measured from its weights: 20 seeds, float32 "
             "and float64, trained and untrained (notebook 02)",
}
REGENERATE = "python benchmarks/solve_rate_maps.py run {name} && python benchmarks/solve_rate_maps.py export {name}"
_REGENERATE = {"char_lm": "python benchmarks/char_lm.py run && python benchmarks/char_lm.py export",
               "seq2seq": "python benchmarks/seq2seq_attention.py run && python benchmarks/seq2seq_attention.py export",
               "gates": "python benchmarks/lstm_gates.py"}
CHAR_LM_COLUMNS = ["model", "cell", "num_layers", "dropout", "hidden_size", "parameters", "budget_seconds",
                   "steps_budget", "seed", "steps", "seconds", "train_bpc", "val_bpc", "test_bpc"]
SEQ2SEQ_COLUMNS = ["model", "hidden_size", "parameters", "steps", "seed", "length", "n_test", "greedy_correct",
                   "beam_correct", "train_seconds"]
GATES_COLUMNS = ["dtype", "seed", "stage", "epochs", "val_mse", "solved", "train_seconds", "check_error", "i_marked",
                 "i_other", "f_holding", "units_f_above_0_9", "keeper", "keeper_f_holding", "keeper_f_holding_min",
                 "keeper_i_marked", "keeper_i_other", "keeper_c_step_marked", "keeper_c_step_other", "keeper_jump_corr"]
_COLUMNS = {"char_lm": CHAR_LM_COLUMNS, "seq2seq": SEQ2SEQ_COLUMNS, "gates": GATES_COLUMNS}


def _folder():
    """Where the stored tables are (a seam for tests that damage copies of them)."""
    return resources.files("rnnlab") / "tables"


def _files(name):
    folder = _folder()
    return folder / f"{name}.csv", folder / f"{name}.json"


def _regenerate(name):
    return _REGENERATE.get(name, REGENERATE.format(name=name))


def _hint(name):
    return (f"regenerate it with: {_regenerate(name)} (or, in an installed rnnlab, reinstall it: "
            f"pip install --force-reinstall --no-deps with the spec it was installed from)")


def _damaged(name, reason):
    return ValueError(f"the stored table {name!r} is damaged ({reason}); {_hint(name)}")


def _count(data, filename):
    """The rows of a CSV file (its header not counted) or the arrays of an ``.npz`` file, from its bytes."""
    if filename.endswith(".npz"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return len([n for n in archive.namelist() if n.endswith(".npy")])
    return max(sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8"), newline=""))) - 1, 0)


def fingerprint(data, filename):
    """What a table's sidecar records of one of its files (``data``: the file's bytes, ``filename``: its name):
    ``{"sha256": ..., "rows": ...}``, for an ``.npz`` ``"arrays"`` instead of ``"rows"``. The benchmark scripts
    write it on export; every read of the table compares the file with it before parsing."""
    return {"sha256": hashlib.sha256(data).hexdigest(), _key(filename): _count(data, filename)}


def _key(filename):
    return "arrays" if filename.endswith(".npz") else "rows"


def _sidecar(name):
    _, meta = _files(name)
    if not meta.is_file():
        raise ValueError(f"the stored table {name!r} is missing from this installation (no {name}.json); "
                         f"{_hint(name)}")
    try:
        info = json.loads(meta.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise _damaged(name, f"its sidecar {name}.json cannot be read as JSON: {error}") from None
    if not isinstance(info, dict):
        raise _damaged(name, f"its sidecar {name}.json holds no JSON object")
    if info.get("format") != FORMAT:
        raise ValueError(f"the stored table {name!r} is of format {info.get('format')}, this rnnlab reads "
                         f"format {FORMAT}; {_hint(name)}")
    return info


def _verified(name, info, filename):
    """The bytes of ``filename`` of table ``name``, once they match what its sidecar ``info`` records."""
    recorded = info.get("files", {}).get(filename) if isinstance(info.get("files"), dict) else None
    if not isinstance(recorded, dict) or not {"sha256", _key(filename)} <= set(recorded):
        raise _damaged(name, f"its sidecar {name}.json records no checksum of {filename}")
    path = _folder() / filename
    if not path.is_file():
        raise ValueError(f"the stored table {name!r} is missing from this installation (no {filename}); "
                         f"{_hint(name)}")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise _damaged(name, f"{filename} cannot be read: {error}") from None
    if not data:
        raise _damaged(name, f"{filename} is empty")
    key, measured = _key(filename), recorded[_key(filename)]
    try:
        found = _count(data, filename)
    except (ValueError, zipfile.BadZipFile, csv.Error) as error:
        found = f"cannot be parsed: {error}"
    counted = f"{filename} {found}" if isinstance(found, str) else f"{filename} has {found} {key} where " \
        f"{measured} were measured"
    if hashlib.sha256(data).hexdigest() != recorded["sha256"]:
        raise _damaged(name, f"the checksum of {filename} does not match what was measured"
                             + (f"; {counted}" if found != measured else ""))
    if found != measured:  # the sidecar disagrees with itself
        raise _damaged(name, counted)
    return data


def processor():
    """This machine's processor by its model name, as the benchmarks record it first in a table's ``machine``."""
    try:
        with open("/proc/cpuinfo") as fh:
            return next(line.split(":", 1)[1].strip() for line in fh if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or platform.machine()


def measured_here(name):
    """True when this processor is the one that measured table ``name``. Only there is a stored run repeated
    exactly: another processor may round differently (other vector instructions), and a training run near the
    edge of solving can then end the other way."""
    return about(name)["machine"].split(",")[0].strip() == processor()


def about(name):
    """How the stored table ``name`` was measured: machine, versions, commit, date, specs. Checks the table's
    file against its sidecar first: a damaged or missing one raises a ValueError with the command to rebuild it."""
    check_choice(name, "name", TABLES)
    info = _sidecar(name)
    _verified(name, info, f"{name}.csv")
    return info


def load(name):
    """The stored runs of table ``name`` as a pandas DataFrame (one row per run)."""
    import pandas as pd

    check_choice(name, "name", TABLES)
    info = _sidecar(name)
    data = _verified(name, info, f"{name}.csv")
    columns = _COLUMNS.get(name, COLUMNS)
    try:
        if name in _COLUMNS:
            table = pd.read_csv(io.BytesIO(data))
        else:
            empty_is_missing = {c: [""] for c in COLUMNS if c != "failure"}  # an empty failure means none
            table = pd.read_csv(io.BytesIO(data), dtype={"failure": str}, keep_default_na=False,
                                na_values=empty_is_missing)
    except ValueError as error:
        raise _damaged(name, f"{name}.csv cannot be parsed: {error}") from None
    if list(table.columns) != columns:
        raise ValueError(f"the stored table {name!r} has other columns than this rnnlab reads; {_hint(name)}")
    if len(table) != info["files"][f"{name}.csv"]["rows"]:
        raise _damaged(name, f"{name}.csv parses to {len(table)} rows where "
                             f"{info['files'][f'{name}.csv']['rows']} were measured")
    return table


def char_lm_weights(model="lstm_long"):
    """The final weights of a stored long run of ``char_lm`` (the names in ``about('char_lm')['saved_models']``),
    as a dict of numpy arrays with the names of the torch model's ``state_dict``."""
    import numpy as np

    info = about("char_lm")
    saved = info.get("saved_models")
    if not isinstance(saved, dict):
        raise _damaged("char_lm", "its sidecar char_lm.json lists no saved_models")
    check_choice(model, "model", saved)
    data = _verified("char_lm", info, saved[model])
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            return {key: arrays[key] for key in arrays.files}
    except (ValueError, OSError, EOFError, KeyError, zipfile.BadZipFile) as error:
        raise _damaged("char_lm", f"{saved[model]} cannot be parsed: {error}") from None
