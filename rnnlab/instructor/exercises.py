"""The instructor folder's exercises: ``exercises.toml`` (points, test files, answer keys), read and checked.

``instructor/`` (never installed) holds ``exercises.toml``, the hidden tests ``tests/NAME.py`` and the answer keys
of the discussion exercises. A hidden test defines ``inputs(rng)``, ``drive(fn, inputs, grading)`` and
``judge(inputs, private, results)``: it never runs in the student's kernel, but through
:func:`rnnlab.instructor.fresh.grade_exercise` (the submission's function in a fresh process, judged outside it).
An exercise may set ``timeout`` (seconds one submission's run of it may take; rnnlab.settings.GRADING_TIMEOUT
by default).
"""
from __future__ import annotations

import ast
import os
from dataclasses import dataclass
from pathlib import Path

from ..settings import GRADING_TIMEOUT, MAX_GRADING_TIMEOUT
from .fresh import TEST_FUNCTIONS

__all__ = ["MAX_POINTS", "CodingExercise", "DiscussionExercise", "load_exercises"]

MAX_POINTS = 1e6   # points of one exercise; inf (or a 1e400 that TOML reads as inf) would be written as invalid JSON


@dataclass(frozen=True)
class CodingExercise:
    id: str
    notebook: str
    name: str
    points: float
    tests: str         # the text of instructor/tests/NAME.py
    tests_path: Path
    timeout: float = GRADING_TIMEOUT   # seconds one submission's run of the hidden tests may take


@dataclass(frozen=True)
class DiscussionExercise:
    id: str
    notebook: str
    points: float
    answer: str        # the answer key (markdown)


def load_exercises(instructor):
    """The exercises of ``instructor/exercises.toml`` with their test files and answer keys read:
    ``(coding, discussion)``, two lists. Raises ValueError naming the entry and what to add or fix."""
    if isinstance(instructor, bool) or not isinstance(instructor, (str, os.PathLike)):
        raise TypeError(f"instructor must be a folder path (str or os.PathLike), got {type(instructor).__name__} "
                        f"{instructor!r}")
    folder = Path(instructor)
    if not folder.is_dir():
        raise ValueError(f"{folder}: no such instructor folder; pass --instructor with the folder that holds "
                         "exercises.toml, tests/ and answers/")
    toml_path = folder / "exercises.toml"
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib
    try:
        spec = tomllib.loads(toml_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"{toml_path}: missing; the instructor folder needs exercises.toml listing the "
                         "[[coding]] and [[discussion]] exercises") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{toml_path}: not readable TOML: {exc}") from None
    unknown = sorted(set(spec) - {"coding", "discussion"})
    if unknown:
        raise ValueError(f"{toml_path}: unknown table(s) {unknown}; only [[coding]] and [[discussion]] are read")
    coding = [_coding(entry, i, folder, toml_path) for i, entry in enumerate(_entries(spec, "coding", toml_path))]
    discussion = [_discussion(entry, i, folder, toml_path)
                  for i, entry in enumerate(_entries(spec, "discussion", toml_path))]
    for kind, items, key in (("coding", coding, "name"), ("coding", coding, "id"), ("discussion", discussion, "id")):
        seen = set()
        for item in items:
            if getattr(item, key) in seen:
                raise ValueError(f"{toml_path}: two [[{kind}]] entries have {key} = {getattr(item, key)!r}")
            seen.add(getattr(item, key))
    return coding, discussion


def _entries(spec, kind, toml_path):
    entries = spec.get(kind, [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ValueError(f"{toml_path}: {kind} must be an array of tables, written [[{kind}]]")
    return entries


def _field(entry, key, where, toml_path, kind=str):
    if key not in entry:
        what = "points = N (a positive number)" if key == "points" else f"{key} = ..."
        raise ValueError(f"{toml_path}: {where} has no {key}; add `{what}`")
    value = entry[key]
    if kind is str and (not isinstance(value, str) or not value.strip()):
        raise ValueError(f"{toml_path}: {where}: {key} must be a non-empty string, got {value!r}")
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= MAX_POINTS:
            raise ValueError(f"{toml_path}: {where}: points must be a positive finite number up to {MAX_POINTS:g}, "
                             f"got {value!r}")
        value = float(value)
    return value


def _instructor_file(folder, relative, where, toml_path, what):
    path = folder / relative
    try:
        return path, path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(f"{toml_path}: {where}: the {what} {path} is missing; write it or fix the path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot read the {what}: {exc}") from None


def _coding(entry, i, folder, toml_path):
    where = f"[[coding]] #{i + 1} ({entry.get('id', '?')}, {entry.get('name', '?')})"
    ex_id, notebook, name = (_field(entry, k, where, toml_path) for k in ("id", "notebook", "name"))
    if not name.isidentifier():
        raise ValueError(f"{toml_path}: {where}: name must be a Python function name, got {name!r}")
    points = _field(entry, "points", where, toml_path, float)
    tests_path, tests = _instructor_file(folder, _field(entry, "tests", where, toml_path), where, toml_path,
                                         "hidden-test file")
    try:
        tree = ast.parse(tests, filename=str(tests_path))
    except SyntaxError as exc:
        raise ValueError(f"{tests_path}: not valid Python (line {exc.lineno}: {exc.msg})") from None
    defined = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    missing = [f for f in TEST_FUNCTIONS if f not in defined]
    if missing:
        raise ValueError(f"{tests_path}: defines no {', '.join(missing)}; a hidden test defines inputs(rng), "
                         "drive(fn, inputs, grading) and judge(inputs, private, results)")
    timeout = entry.get("timeout", GRADING_TIMEOUT)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= MAX_GRADING_TIMEOUT:
        raise ValueError(f"{toml_path}: {where}: timeout must be a number of seconds in (0, {MAX_GRADING_TIMEOUT}], "
                         f"got {timeout!r}")
    return CodingExercise(ex_id, notebook, name, points, tests, tests_path, float(timeout))


def _discussion(entry, i, folder, toml_path):
    where = f"[[discussion]] #{i + 1} ({entry.get('id', '?')})"
    ex_id, notebook = (_field(entry, k, where, toml_path) for k in ("id", "notebook"))
    points = _field(entry, "points", where, toml_path, float)
    _, answer = _instructor_file(folder, _field(entry, "answer", where, toml_path), where, toml_path, "answer key")
    return DiscussionExercise(ex_id, notebook, points, answer.strip())
