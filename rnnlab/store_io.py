"""The file handling under :class:`rnnlab.results.ResultStore`: reading ``results.csv`` and ``histories.jsonl``
record by record (a torn last record found, a damaged one named by file and line), reading typed values tolerantly
(a spreadsheet's ``TRUE``/``FALSE``), JSON without invalid ``NaN``/``Infinity`` tokens, and appending with fsync
that leaves nothing half-written behind when the disk is full.

Framework-free, stdlib only (``csv``, ``json``).
"""
from __future__ import annotations

import csv
import errno
import json
import math
import os
import warnings

TRUE, FALSE = {"true", "1", "1.0"}, {"false", "0", "0.0", ""}
_NONFINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


class Scan:
    """What a read of one file found: ``records`` (line number, value) of the whole records, ``end`` the byte
    offset after the last whole record, ``tail`` the bytes of a torn last record (b"" when none) and its line,
    and ``damaged`` the (line, reason) of whole lines that could not be read."""

    def __init__(self):
        self.records, self.end, self.tail, self.tail_line, self.damaged = [], 0, b"", 0, []


def read_bytes(path):
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except FileNotFoundError:
        return b""


def scan_csv(path):
    """The csv records of ``path`` (lists of strings), through the stdlib csv reader in strict mode. A last record
    without its line end, or cut inside a quoted field, is the torn tail of an interrupted write."""
    data, scan = read_bytes(path), Scan()
    lines = data.splitlines(keepends=True)
    pos = [0]

    def feed():
        for line in lines:
            pos[0] += len(line)
            yield line.decode("utf-8", errors="surrogateescape")

    reader, start = csv.reader(feed(), strict=True), 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if pos[0] >= len(data):  # the data ended inside the record: torn
                break
            scan.damaged.append((start, str(exc)))
            scan.end, start = pos[0], reader.line_num + 1
            continue
        whole = data[:pos[0]].endswith((b"\n", b"\r"))
        if not whole:
            break
        if fields:
            scan.records.append((start, fields))
        scan.end, start = pos[0], reader.line_num + 1
    scan.tail, scan.tail_line = data[scan.end:], start
    return scan


def scan_jsonl(path):
    """The JSON objects of a JSON-lines file; a last line without its line end is a torn tail."""
    data, scan = read_bytes(path), Scan()
    lines = data.split(b"\n")
    for number, line in enumerate(lines[:-1], 1):
        if line.strip():
            try:
                item = json.loads(line.decode("utf-8"))
                if not isinstance(item, dict):
                    raise ValueError("not a JSON object")
                scan.records.append((number, item))
            except ValueError as exc:
                scan.damaged.append((number, str(exc)))
        scan.end += len(line) + 1
    scan.tail, scan.tail_line = lines[-1], len(lines)
    return scan


def cut_torn_tail(path, scan):
    """Truncate ``path`` after its last whole record; the dropped bytes are appended to ``path + '.torn'`` and a
    warning names the file and line. Only called by the writer holding the store's lock."""
    if not scan.tail:
        return
    kept = path + ".torn"
    with open(kept, "ab") as fh:
        fh.write(scan.tail + b"\n")
    with open(path, "r+b") as fh:
        fh.truncate(scan.end)
        fh.flush()
        os.fsync(fh.fileno())
    shown = scan.tail[:80].decode("utf-8", errors="replace")
    warnings.warn(f"{path}: line {scan.tail_line} was cut short by an interrupted write ({shown!r}); it is removed "
                  f"from the file (its {len(scan.tail)} bytes are kept in {kept}) and its run is not counted as "
                  "done: it runs again", RuntimeWarning, stacklevel=4)


def report_damaged(path, scan):
    if scan.damaged:
        line, reason = scan.damaged[0]
        warnings.warn(f"{path}: {len(scan.damaged)} damaged line(s) skipped, the first line {line} ({reason}); "
                      "their runs are not counted as done and run again", RuntimeWarning, stacklevel=4)


def parse_bool(text, where):
    value = text.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ValueError(f"{where}: {text!r} is not a boolean (True/False, TRUE/FALSE, true/false, 1/0)")


def parse_int(text, where):
    if text.strip() == "":
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not value.is_integer():
        raise ValueError(f"{where}: {text!r} is not a whole number")
    return int(value)


def parse_float(text, where, empty=math.nan):
    if text.strip() == "":
        return empty
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{where}: {text!r} is not a number") from None


def _finite(value):
    """``value`` with every inf/NaN float replaced by the string JSON spells it with, so that the line is valid JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def dumps(item):
    """One JSON line; inf/NaN stored as the strings ``"Infinity"``, ``"-Infinity"``, ``"NaN"`` (read back by
    :func:`numbers`), never as the invalid tokens."""
    return json.dumps(_finite(item), allow_nan=False)


def numbers(record):
    """A history record with the strings of :func:`dumps` turned back into inf/NaN floats."""
    return {k: _NONFINITE.get(v, v) if isinstance(v, str) else v for k, v in record.items()}


def append_synced(path, text, kept):
    """Append ``text`` to ``path`` and fsync it. On an OSError (a full disk, a quota) the file is cut back to its
    size before, so that no half-written record stays behind, and the error is raised again naming the path and
    what was kept (``kept()``, called only then)."""
    try:
        size = os.path.getsize(path)
    except OSError:
        size = 0
    try:
        with open(path, "a", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        cut_back(path, size)
        reason = exc.strerror or os.strerror(exc.errno or errno.EIO)
        raise OSError(exc.errno, f"{reason}: could not write {path}; {kept()}", path) from exc


def cut_back(path, size):
    """Truncate ``path`` to ``size`` bytes if it is longer (undoing a failed append); errors are ignored: the
    next writer repairs a torn tail anyway."""
    try:
        if os.path.getsize(path) > size:
            with open(path, "r+b") as fh:
                fh.truncate(size)
    except OSError:
        pass
