"""Grading a coding exercise outside the student's kernel: the submission's function run in a fresh process, its
answers judged in the grading process.

Both graders run a submission in the student's own kernel, after the student's code: a cell there can rewrite
every later cell, patch numpy or the grader, read the test from the caller's frame or kill the kernel. So the
hidden tests never run there. For each coding exercise, :func:`grade_exercise`

1. builds the submission's program from the notebook's code cells as submitted (:func:`submission_statements`:
   every statement of the cells that define the function, and the imports, definitions and literal constants of
   the other cells that it needs; a demo line reading a variable of the narrative is skipped when it fails);
2. draws the test's inputs in the grading process (``inputs(rng)`` of the test file, which also returns what
   only the grading process keeps: the reference answers; a slow reference can be left to an optional
   ``reference(inputs, private)``, which runs here while the child runs);
3. runs the program and the test's ``drive(fn, inputs, grading)`` in a fresh interpreter
   (:mod:`rnnlab.instructor.fresh_child`) with a time limit: ``drive`` calls the function and converts what
   comes back to plain numbers with exact types (an int subclass that equals anything is refused, a numpy
   array subclass becomes a plain array); the results come back as JSON and ``.npz``, never pickled;
4. judges the results in the grading process (``judge(inputs, private, results)``), where no submission code
   has run: patched numpy or rnnlab in the child changes nothing here, and no expected value or rule is in any
   frame the submission's function can reach.

A submission that exits, raises SystemExit or loops past the time limit scores 0 for that exercise; the other
exercises are graded in their own processes. The verdict names what failed, never the test's code.

nbgrader runs this through :mod:`rnnlab.instructor.nbgrader_grading` (a preprocessor in place of nbgrader's
kernel execution), otter-grader through :mod:`rnnlab.instructor.otter_grading` (a plugin). Both still guard only
the grading process: the child runs as the grading user and can read or write what that user can (run the
graders in a container or as a user without access to the instructor folder; docs/instructor_guide.md).
"""
from __future__ import annotations

import ast
import json
import os
import pickle
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..checks.watchers import _LIBRARY_NAMES
from .code_analysis import bound_names

__all__ = ["TEST_FUNCTIONS", "Verdict", "grade_exercise", "library_names_in", "submission_statements", "test_parts"]

TEST_FUNCTIONS = ("inputs", "drive", "judge")
_DEFINITIONS = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass(frozen=True)
class Verdict:
    """The grade of one coding exercise: passed or not, and one line saying what failed (or what passed)."""

    name: str
    passed: bool
    message: str
    seconds: float


def _python_source(cell_source):
    """A cell's Python: IPython magics and shell lines turned into calls (they fail in the child and are skipped)."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:
        return "\n".join(re.sub(r"^(\s*)[%!].*$", r"\1pass", line) for line in cell_source.split("\n"))
    try:
        return TransformerManager().transform_cell(cell_source)
    except Exception:  # noqa: BLE001 - an untransformable cell is parsed as it is (and skipped if it is not Python)
        return cell_source


def _literal_assignment(node):
    """``NAME = <a literal>`` (numbers, strings, tuples, lists, dicts of them): carried over without running
    anything else of its cell."""
    if not isinstance(node, ast.Assign) or not all(isinstance(t, ast.Name) for t in node.targets):
        return False
    try:
        ast.literal_eval(node.value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return False
    return True


def _loaded(node):
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def submission_statements(cells, name):
    """The statements that define ``name`` in a notebook whose code cells are ``cells`` (their sources, in order):
    every statement of each cell that binds ``name`` at its top level, and the imports, functions, classes and
    literal constants (``N = 3``) of the other cells that those need (transitively), in notebook order. Cells
    that are not valid Python are skipped."""
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name must be a Python identifier, got {name!r}")
    trees = []
    for source in cells:
        if not isinstance(source, str):
            raise TypeError(f"cells must be strings (cell sources), got {type(source).__name__}")
        try:
            trees.append(ast.parse(_python_source(source)))
        except (SyntaxError, ValueError):
            trees.append(None)
    defining = {i for i, tree in enumerate(trees) if tree is not None
                and any(name in bound_names(node) for node in tree.body)}
    needed = set().union(*(_loaded(trees[i]) for i in defining)) if defining else set()
    kept = set()
    changed = True
    while changed:
        changed = False
        for i, tree in enumerate(trees):
            if tree is None or i in defining:
                continue
            for node in tree.body:
                if id(node) not in kept and (isinstance(node, _DEFINITIONS) or _literal_assignment(node)) \
                        and bound_names(node) & needed:
                    kept.add(id(node))
                    needed |= _loaded(node)
                    changed = True
    return [ast.unparse(node) for i, tree in enumerate(trees) if tree is not None
            for node in tree.body if i in defining or id(node) in kept]


def library_names_in(statements, name):
    """The library cells (rnnlab.reference, the frameworks' RNN cells, rnnlab models) that the function ``name``
    and the functions and classes of ``statements`` it uses (transitively) name: as a name, an attribute or a
    string. Read from the source, in the grading process; the child also blocks them while the function runs."""
    definitions = {}
    for statement in statements:
        for node in ast.parse(statement).body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                definitions.setdefault(node.name, []).append(node)
    found, todo, seen = set(), [name], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for node in definitions.get(current, []):
            for n in ast.walk(node):
                word = n.id if isinstance(n, ast.Name) else n.attr if isinstance(n, ast.Attribute) else \
                    n.value if isinstance(n, ast.Constant) and isinstance(n.value, str) else None
                if word in _LIBRARY_NAMES:
                    found.add(word)
                if isinstance(n, ast.Name) and n.id in definitions:
                    todo.append(n.id)
    return sorted(found)


def test_parts(text, where="hidden test"):
    """The hidden test file's ``(namespace, drive_source)``: the file run in a namespace of its own (in this, the
    grading process) and the source of its ``drive`` function alone (what the child process gets)."""
    tree = ast.parse(text, filename=where)
    found = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    missing = [f for f in TEST_FUNCTIONS if f not in found]
    if missing:
        raise ValueError(f"{where}: defines no {', '.join(missing)}; a hidden test defines inputs(rng), "
                         "drive(fn, inputs, grading) and judge(inputs, private, results)")
    namespace = {"__name__": f"hidden_test_{Path(where).stem}"}
    exec(compile(text, where, "exec"), namespace)   # noqa: S102 - the instructor's own test file
    return namespace, ast.unparse(found["drive"])


_MAX_RESULT_BYTES = 256 * 2**20    # result.json and arrays.npz each: answers are small, a flood is refused
_MAX_FILE_BYTES = 2**30            # any file the child writes (RLIMIT_FSIZE), its log included


def _decode(workdir):
    for name in ("result.json", "arrays.npz"):
        if (workdir / name).exists() and (workdir / name).stat().st_size > _MAX_RESULT_BYTES:
            raise ValueError(f"{name} is larger than {_MAX_RESULT_BYTES} bytes")
    payload = json.loads((workdir / "result.json").read_text(encoding="utf-8"))
    arrays = {}
    if (workdir / "arrays.npz").exists():
        with np.load(workdir / "arrays.npz", allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}

    def decode(value):
        if isinstance(value, list):
            return [decode(v) for v in value]
        if isinstance(value, dict):
            if set(value) == {"__array__"} and value["__array__"] in arrays:
                return arrays[value["__array__"]]
            return {k: decode(v) for k, v in value.items()}
        return value

    if not isinstance(payload, dict) or len(payload) != 1 or not set(payload) <= {"ok", "refused"}:
        raise ValueError("the grading child wrote no result")
    return {k: decode(v) for k, v in payload.items()}


def _child_env():
    env = dict(os.environ)
    package_parent = str(Path(__file__).resolve().parents[2])   # the rnnlab this process imported, in the child too
    env["PYTHONPATH"] = os.pathsep.join([package_parent, *filter(None, [env.get("PYTHONPATH")])])
    env.setdefault("MPLBACKEND", "Agg")
    if not env.get("KERAS_BACKEND"):   # the backend rnnlab would pick (jax if installed), also for `import keras`
        from ..backends import keras_backend_name

        try:
            env["KERAS_BACKEND"] = keras_backend_name()
        except ValueError:
            pass
    return env


def _limit_child():
    """In the child before it starts: no core dumps, no file larger than _MAX_FILE_BYTES (a print loop cannot fill
    the disk)."""
    import resource

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (_MAX_FILE_BYTES, _MAX_FILE_BYTES))


def _start_child(workdir):
    log = open(workdir / "child.log", "wb")   # noqa: SIM115 - closed by _wait_child
    process = subprocess.Popen([sys.executable, "-s", "-m", "rnnlab.instructor.fresh_child", str(workdir)],
                               cwd=workdir, env=_child_env(), stdin=subprocess.DEVNULL, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True,
                               preexec_fn=_limit_child if os.name == "posix" else None)   # noqa: PLW1509
    return process, log


def _wait_child(process, log, deadline):
    """Wait for the child until ``deadline`` (time.monotonic()); kill its process group; return its exit status or
    'timeout'."""
    try:
        code = process.wait(timeout=max(deadline - time.monotonic(), 0.001))
    except subprocess.TimeoutExpired:
        code = "timeout"
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)   # the child and anything it started
        except (ProcessLookupError, PermissionError):
            pass
        process.wait()
        log.close()
    return code


def grade_exercise(name, tests, cells, *, timeout, rng=None, where=None):
    """Grade the function ``name`` of a notebook whose code cells are ``cells`` with the hidden test file text
    ``tests``; return a :class:`Verdict`. ``timeout`` bounds the child process in seconds; ``rng`` (a numpy
    Generator) draws the test's inputs, fresh from the operating system by default."""
    started = time.monotonic()
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= 86400:
        raise ValueError(f"timeout must be a number of seconds in (0, 86400], got {timeout!r}")
    namespace, drive_source = test_parts(tests, where or f"{name}.py")
    rng = np.random.default_rng() if rng is None else rng

    def verdict(passed, message):
        return Verdict(name, passed, message, time.monotonic() - started)

    statements = submission_statements(cells, name)
    if namespace.get("NO_LIBRARY_CELLS"):
        used = library_names_in(statements, name)
        if used:
            return verdict(False, f"{name} calls {', '.join(used)} instead of computing the step itself")
    public, private = namespace["inputs"](rng)
    with tempfile.TemporaryDirectory(prefix=f"rnnlab-grade-{name}-") as folder:
        workdir = Path(folder)
        (workdir / "inputs.pkl").write_bytes(pickle.dumps(public))
        (workdir / "drive.py").write_text(drive_source, encoding="utf-8")
        (workdir / "program.json").write_text(
            json.dumps({"name": name, "statements": statements}), encoding="utf-8")
        deadline = time.monotonic() + timeout
        process, log = _start_child(workdir)
        try:
            if "reference" in namespace:   # slow reference answers, computed here while the child runs
                namespace["reference"](public, private)
        finally:
            status = _wait_child(process, log, deadline)
        if status == "timeout":
            return verdict(False, f"{name} did not finish within {timeout:g} s")
        try:
            result = _decode(workdir)
        except (OSError, ValueError, TypeError, KeyError):
            return verdict(False, f"{name}'s code ended the grading process (exit status {status}) before it "
                                  "answered: an exit, a crash or sys.exit in the submission")
    if "refused" in result:
        return verdict(False, str(result["refused"])[:300])
    try:
        namespace["judge"](public, private, result["ok"])
    except AssertionError as exc:
        return verdict(False, (str(exc).splitlines() or [f"{name} gives wrong answers"])[0][:300])
    except Exception as exc:  # noqa: BLE001 - malformed answers (the child's output is data the submission shaped)
        return verdict(False, f"{name}'s answers could not be read ({type(exc).__name__})")
    return verdict(True, f"{name} passes the hidden tests")
