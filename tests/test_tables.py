"""Stored benchmark tables: loaded from the package, refused with the command that regenerates them."""
import json

import pytest

from rnnlab import tables
from rnnlab.experiments import COLUMNS


@pytest.fixture
def stored(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "_folder", lambda: tmp_path)
    return tmp_path


def _write(folder, columns=COLUMNS, fmt=tables.FORMAT):
    data = (",".join(columns) + "\n").encode()
    (folder / "maps.csv").write_bytes(data)
    files = {"maps.csv": tables.fingerprint(data, "maps.csv")}
    (folder / "maps.json").write_text(json.dumps({"format": fmt, "machine": "m", "files": files}))


def test_shipped_tables_load_with_their_provenance():
    for name in tables.TABLES:
        info = tables.about(name)
        assert {"machine", "versions", "commit"} <= set(info)
        table = tables.load(name)
        if name == "char_lm":  # one row per evaluation of a run, and the weights of the long runs
            assert list(table.columns) == tables.CHAR_LM_COLUMNS and info["saved_models"]
            assert all(tables.char_lm_weights(model) for model in info["saved_models"])
            continue
        if name == "seq2seq":  # one row per run and test length
            assert list(table.columns) == tables.SEQ2SEQ_COLUMNS
            pads = info["pads"]   # the pads ablation: both of its arms for every one of its seeds
            runs = 2 * len(info["seeds"]) + 2 + len(pads["models"]) * len(pads["seeds"])
            assert len(table) == len(info["test_lengths"]) * runs
            ablation = table[table.model.isin(pads["models"]) & (table.steps == pads["steps"])
                             & table.seed.isin(pads["seeds"])]
            assert len(ablation.groupby(["model", "seed"])) == len(pads["models"]) * len(pads["seeds"]) >= 20
            continue
        if name == "gates":  # one row per seed, precision and stage: every seed trained and untrained, twice
            assert list(table.columns) == tables.GATES_COLUMNS
            assert len(table) == 2 * 2 * len(info["seeds"]) and len(info["seeds"]) >= 10
            assert table.solved.all() and (table.check_error < 1e-5).all()
            continue
        assert {"specs", "runs"} <= set(info)
        assert list(table.columns) == COLUMNS and len(table) == info["runs"]
        assert (table.failure == "").all()


def test_missing_char_lm_table_names_its_command(stored):
    with pytest.raises(ValueError, match="missing.*benchmarks/char_lm.py run"):
        tables.load("char_lm")


def test_missing_table_names_the_command(stored):
    with pytest.raises(ValueError, match="missing.*benchmarks/solve_rate_maps.py run maps"):
        tables.load("maps")


def test_other_format_names_the_command(stored):
    _write(stored, fmt=0)
    with pytest.raises(ValueError, match="format 0.*solve_rate_maps.py export maps"):
        tables.load("maps")


def test_other_columns_name_the_command(stored):
    _write(stored, columns=["cell", "seed"])
    with pytest.raises(ValueError, match="other columns.*solve_rate_maps.py run maps"):
        tables.load("maps")


def test_unknown_table():
    with pytest.raises(ValueError, match="name must be one of"):
        tables.load("speeds")


def test_measured_here_compares_this_processor_with_the_tables(monkeypatch):
    from rnnlab import tables as real_tables

    recorded = real_tables.about("maps")["machine"].split(",")[0].strip()
    monkeypatch.setattr(real_tables, "processor", lambda: recorded)
    assert real_tables.measured_here("maps")
    monkeypatch.setattr(real_tables, "processor", lambda: recorded + " (another model)")
    assert not real_tables.measured_here("maps")
