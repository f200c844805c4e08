"""Shipped tables checked before they are parsed (issue 20): each file's sha256 and row count (an .npz: its array
count) is in the table's sidecar, and a table that is cut, changed, empty, missing or unreadable is refused with
one ValueError that names the table and the command that rebuilds it, never half its rows or a parser's error."""
import json
import zipfile
from importlib import resources

import pytest

from rnnlab import tables

SHIPPED = resources.files("rnnlab") / "tables"
COMMAND = {"maps": "solve_rate_maps.py run maps && python benchmarks/solve_rate_maps.py export maps",
           "ablations": "solve_rate_maps.py run ablations",
           "char_lm": "char_lm.py run && python benchmarks/char_lm.py export",
           "seq2seq": "seq2seq_attention.py run && python benchmarks/seq2seq_attention.py export",
           "gates": "python benchmarks/lstm_gates.py"}


def _shipped_files(name):
    info = json.loads((SHIPPED / f"{name}.json").read_text())
    return [f"{name}.csv", *info.get("saved_models", {}).values()]


@pytest.fixture
def copy(tmp_path, monkeypatch):
    """The shipped tables copied to a folder that rnnlab.tables reads instead of its own."""
    for name in tables.TABLES:
        for filename in [f"{name}.json", *_shipped_files(name)]:
            (tmp_path / filename).write_bytes((SHIPPED / filename).read_bytes())
    monkeypatch.setattr(tables, "_folder", lambda: tmp_path)
    return tmp_path


def _refused(call, name, reason):
    """``call`` raises exactly one ValueError naming the table, why, the command that rebuilds it and reinstalling."""
    with pytest.raises(ValueError) as raised:
        call()
    message = str(raised.value)
    assert type(raised.value) is ValueError and raised.value.__cause__ is None, message
    assert f"stored table {name!r}" in message and reason in message, message
    assert COMMAND[name] in message and "reinstall" in message, message
    return message


def _cut(path, keep):
    path.write_bytes(path.read_bytes()[:keep(path.stat().st_size)])


def test_the_copies_load_like_the_shipped_tables(copy):   # the seam itself: undamaged copies load
    assert len(tables.load("maps")) == tables.about("maps")["runs"]
    assert tables.char_lm_weights("lstm_long")


@pytest.mark.parametrize("name", list(tables.TABLES))
def test_a_table_cut_mid_row_is_refused_with_its_row_count(copy, name):
    path = copy / f"{name}.csv"
    text = path.read_bytes()
    middle = text.index(b"\n", len(text) // 2) + 5                      # a few bytes into a row
    path.write_bytes(text[:middle])
    message = _refused(lambda: tables.load(name), name, "checksum")
    assert "rows where" in message


@pytest.mark.parametrize("position", [0, 0.3, 0.5, 0.99])
def test_a_flipped_byte_is_refused(copy, position):
    path = copy / "maps.csv"
    data = bytearray(path.read_bytes())
    index = int(position * (len(data) - 1))
    data[index] ^= 0x01
    path.write_bytes(bytes(data))
    _refused(lambda: tables.load("maps"), "maps", "checksum of maps.csv does not match")
    _refused(lambda: tables.about("maps"), "maps", "checksum of maps.csv does not match")


def test_an_empty_csv_is_refused(copy):
    (copy / "ablations.csv").write_bytes(b"")
    _refused(lambda: tables.load("ablations"), "ablations", "ablations.csv is empty")


@pytest.mark.parametrize("text", ['{"format": 1,', "", "[1, 2]", "\xff\xfe", "null"])
def test_a_sidecar_that_is_not_a_json_object_is_refused(copy, text):
    (copy / "maps.json").write_bytes(text.encode("latin-1"))
    _refused(lambda: tables.load("maps"), "maps", "maps.json")
    _refused(lambda: tables.about("maps"), "maps", "maps.json")


def test_a_missing_sidecar_is_refused(copy):
    (copy / "char_lm.json").unlink()
    _refused(lambda: tables.load("char_lm"), "char_lm", "missing")
    _refused(lambda: tables.char_lm_weights("lstm_long"), "char_lm", "missing")


def test_a_missing_csv_is_refused(copy):
    (copy / "maps.csv").unlink()
    _refused(lambda: tables.load("maps"), "maps", "no maps.csv")


def test_a_sidecar_without_checksums_is_refused(copy):
    info = json.loads((copy / "maps.json").read_text())
    del info["files"]
    (copy / "maps.json").write_text(json.dumps(info))
    _refused(lambda: tables.load("maps"), "maps", "records no checksum of maps.csv")


def test_a_sidecar_with_another_row_count_is_refused(copy):   # the sidecar disagrees with its own checksum
    info = json.loads((copy / "maps.json").read_text())
    info["files"]["maps.csv"]["rows"] += 1
    (copy / "maps.json").write_text(json.dumps(info))
    _refused(lambda: tables.load("maps"), "maps", "rows where")


@pytest.mark.parametrize("keep", [lambda n: n // 2, lambda n: n - 1, lambda n: 10])
def test_a_truncated_npz_is_refused(copy, keep):
    _cut(copy / "char_lm_lstm_long.npz", keep)
    _refused(lambda: tables.char_lm_weights("lstm_long"), "char_lm", "char_lm_lstm_long.npz")
    assert tables.char_lm_weights("lstm_2layer_dropout_long")           # the other weights still load


def test_a_missing_npz_is_refused(copy):
    (copy / "char_lm_lstm_2layer_dropout_xl.npz").unlink()
    _refused(lambda: tables.char_lm_weights("lstm_2layer_dropout_xl"), "char_lm", "no char_lm_lstm_2layer_dropout_xl")


def test_an_unparseable_csv_whose_checksum_was_recorded_is_refused(copy):
    """A file that matches its sidecar but cannot be parsed (a broken export) is refused the same way."""
    data = b'"' + (copy / "maps.csv").read_bytes()                      # an opening quote that never closes
    (copy / "maps.csv").write_bytes(data)
    info = json.loads((copy / "maps.json").read_text())
    info["files"]["maps.csv"] = {**tables.fingerprint(data, "maps.csv")}
    (copy / "maps.json").write_text(json.dumps(info))
    message = _refused(lambda: tables.load("maps"), "maps", "maps.csv")
    assert "checksum" not in message


@pytest.mark.parametrize("name", list(tables.TABLES))
def test_committed_sidecars_record_the_committed_files(name):
    """A re-export that rewrites a table but not its sidecar (or the other way round) fails here."""
    info = json.loads((SHIPPED / f"{name}.json").read_text())
    assert info["format"] == tables.FORMAT
    expected = {f: tables.fingerprint((SHIPPED / f).read_bytes(), f) for f in _shipped_files(name)}
    assert info["files"] == expected
    assert set(info["files"]) == {f"{name}.csv", *info.get("saved_models", {}).values()}
    if "runs" in info:
        assert info["files"][f"{name}.csv"]["rows"] == info["runs"]
    for filename in info["files"]:
        if filename.endswith(".npz"):
            with zipfile.ZipFile(SHIPPED / filename) as archive:
                assert archive.testzip() is None


def test_tables_are_read_from_one_folder():
    assert tables._folder() == SHIPPED      # the seam the tests above replace is the real lookup


def test_any_flipped_bit_in_any_shipped_file_is_refused(copy):
    """40 seeded draws: one bit of one shipped file (csv or npz) flipped, the read of that file refuses it."""
    import random

    files = [(name, filename) for name in tables.TABLES for filename in _shipped_files(name)]
    for seed in range(40):
        draw = random.Random(seed)
        name, filename = draw.choice(files)
        original = (copy / filename).read_bytes()
        data = bytearray(original)
        data[draw.randrange(len(data))] ^= 1 << draw.randrange(8)
        (copy / filename).write_bytes(bytes(data))
        model = next((m for m, f in tables.about("char_lm")["saved_models"].items() if f == filename), None) \
            if filename.endswith(".npz") else None
        read = (lambda: tables.char_lm_weights(model)) if model else (lambda: tables.load(name))
        _refused(read, name, f"the checksum of {filename} does not match")
        (copy / filename).write_bytes(original)


def test_git_keeps_the_tables_byte_for_byte():
    """A checkout with core.autocrlf would otherwise turn maps.csv's line endings into CRLF and fail its checksum."""
    import pathlib

    attributes = pathlib.Path(__file__).resolve().parents[1] / ".gitattributes"
    if not attributes.is_file():
        pytest.skip("not a git checkout")
    lines = attributes.read_text().splitlines()
    assert "rnnlab/tables/*.csv -text" in lines and "rnnlab/tables/*.npz binary" in lines
