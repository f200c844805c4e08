"""The child process of rnnlab's grading: runs a submission's code and a hidden test's calls, and nothing else.

Started by :mod:`rnnlab.instructor.fresh` as ``python -s -m rnnlab.instructor.fresh_child WORKDIR``, one process
per exercise and submission, in a fresh interpreter: nothing the submission does here (patching numpy, builtins,
rnnlab or a grader, exiting, looping) reaches the grading process or another exercise. WORKDIR holds:

- ``inputs.pkl``: the test's inputs, written by the grading process (never the expected answers);
- ``drive.py``: the test file's ``drive(fn, inputs, grading)`` function alone (it calls the submission's function
  and turns what comes back into plain numbers; the reference and the rules stay in the grading process);
- ``program.json``: ``{"name": NAME, "statements": [...]}``, the submission's statements, run one by one (a
  statement that raises an ``Exception`` is skipped: a demo line reading a variable of the narrative).

It writes ``result.json`` (and ``arrays.npz`` for arrays): ``{"ok": results}`` or ``{"refused": message}``, plain
JSON values and float64 / int64 arrays, read back without pickle. Everything this module uses from Python and numpy
is bound here, before the submission runs, so that patching ``builtins`` or ``numpy`` cannot change the conversion
(whatever the submission writes instead is checked as data by the grading process, like any answer).
"""
from __future__ import annotations

import builtins
import json
import os
import pickle
import sys

import numpy as np

from ..checks.engine import _LibraryCellUsed
from ..checks.watchers import library_cell_names as _library_cell_names
from ..checks.watchers import training_steps as _training_steps
from ..checks.watchers import without_library_cells as _without_library_cells

_type, _int, _float, _str, _bool, _list, _tuple, _dict = type, int, float, str, bool, list, tuple, dict
_isinstance, _len, _getattr, _repr, _exec, _compile, _open = isinstance, len, getattr, repr, exec, compile, open
_BaseException, _Exception = BaseException, Exception
_ndarray, _np_array, _float64, _int64, _bool_ = np.ndarray, np.array, np.float64, np.int64, np.bool_
_np_integer_types = _tuple(_type(np.dtype(c).type(0)) for c in "bBhHiIlLqQ")
_np_float_types = (np.float16, np.float32, np.float64)
_savez, _dumps, _exit = np.savez, json.dumps, os._exit
_SAFE_MODULES = ("builtins", "numpy", "torch", "keras", "jax", "jaxlib", "tensorflow", "rnnlab")


class Refused(Exception):
    """Raised by a conversion or call: the submission's answer cannot be graded; ``args[0]`` says why."""


def describe(value):
    """A short, safe name of ``value``'s type: a library type by name, anything else as 'an object of its own
    class' (a class the submission wrote could name itself with any text)."""
    kind = _type(value)
    module = _getattr(kind, "__module__", "") or ""
    if _isinstance(module, _str) and module.split(".")[0] in _SAFE_MODULES:
        name = _getattr(kind, "__name__", "object")
        return name if _isinstance(name, _str) and name.isidentifier() and _len(name) <= 40 else "an object"
    return "an object of the submission's own class"


def call(name, fn, *args, **kwargs):
    """``fn(*args, **kwargs)``; any exception (SystemExit included) becomes a Refused naming only its type."""
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        raise Refused(f"{name} is not implemented yet (it raises NotImplementedError)") from None
    except _LibraryCellUsed:
        raise Refused(f"{name} calls rnnlab.reference, a framework's RNN cell or an rnnlab model instead of "
                      "computing the answer itself") from None
    except Refused:
        raise Refused(f"{name} raised an exception") from None
    except _BaseException as exc:  # noqa: BLE001 - any failure of the submission scores 0 for this exercise
        raise Refused(f"{name} raised {describe(exc)}") from None


def float_array(value, what):
    """``value`` as a plain float64 ndarray (not a subclass): numpy arrays, lists, torch tensors, Keras / jax
    arrays. Refused for None or anything that does not convert."""
    if value is None:
        raise Refused(f"{what} is None (a missing return?)")
    try:
        if _getattr(_type(value), "__module__", "").split(".")[0] == "torch" and _getattr(value, "detach", None):
            value = value.detach().cpu().numpy()
        array = _np_array(value, dtype=_float64, subok=False, copy=True)
    except _Exception:
        raise Refused(f"{what} is {describe(value)}, not an array of numbers") from None
    if _type(array) is not _ndarray:
        raise Refused(f"{what} is {describe(value)}, not an array of numbers")
    return array


def exact_int(value, what):
    """``value`` as a Python int if it is exactly an int or a numpy integer (a 0-d integer array too); a bool, a
    float or a subclass of int (which could compare equal to anything) is refused."""
    kind = _type(value)
    if kind is _ndarray and value.shape == () and value.dtype.kind in "iu":
        return _int(value.item())
    if kind is _int or kind in _np_integer_types:
        return _int(value)
    raise Refused(f"{what} is {describe(value)}, not an int")


def int_or_none(value, what):
    return None if value is None else exact_int(value, what)


def exact_float(value, what):
    kind = _type(value)
    if kind is _float or kind in _np_float_types or kind is _int or kind in _np_integer_types:
        return _float(value)
    raise Refused(f"{what} is {describe(value)}, not a number")


def training_steps():
    """Count the optimiser steps taken in the block (rnnlab.checks.training_steps, bound before the submission
    ran); yields a one-element list."""
    return _training_steps()


def trained_torch_parameters():
    """Collect the parameters of every torch optimiser that takes a step in the block; yields a list that fills
    (empty when torch is not installed)."""
    import contextlib

    @contextlib.contextmanager
    def watch():
        found, seen = [], set()
        try:
            from torch.optim.optimizer import register_optimizer_step_post_hook
        except ImportError:
            yield found
            return

        def hook(optimizer, *args, **kwargs):
            for group in optimizer.param_groups:
                for parameter in group["params"]:
                    if id(parameter) not in seen:
                        seen.add(id(parameter))
                        found.append(parameter)

        handle = register_optimizer_step_post_hook(hook)
        try:
            yield found
        finally:
            handle.remove()

    return watch()


def scramble(parameters, seed=0):
    """Replace every parameter's values by random ones of a similar scale (in place)."""
    import torch

    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for parameter in parameters:
            scale = float(parameter.detach().abs().mean()) + 1.0
            parameter.copy_(torch.randn(parameter.shape, generator=generator, dtype=parameter.dtype) * scale)


def without_library_cells():
    """Within the block, rnnlab.reference, rnnlab models and the frameworks' RNN cells raise instead of computing."""
    return _without_library_cells()


def library_cell_names(fn):
    """The library cells the code of ``fn`` mentions (rnnlab.checks.library_cell_names)."""
    return _library_cell_names(fn)


def _encode(value, arrays):
    kind = _type(value)
    if value is None or kind in (_bool, _int, _float, _str):
        return value
    if kind in (_list, _tuple):
        return [_encode(v, arrays) for v in value]
    if kind is _dict:
        return {_str(k): _encode(v, arrays) for k, v in value.items()}
    if kind is _ndarray and value.dtype in (_float64, _int64, _bool_):
        key = f"a{_len(arrays)}"
        arrays[key] = value
        return {"__array__": key}
    raise Refused(f"the test's drive returned {describe(value)}")


def _write(workdir, payload, arrays):
    with _open(os.path.join(workdir, "result.json.part"), "w", encoding="utf-8") as f:
        f.write(_dumps(payload))
    if arrays:
        _savez(os.path.join(workdir, "arrays.npz"), **arrays)
    os.replace(os.path.join(workdir, "result.json.part"), os.path.join(workdir, "result.json"))


def _self_checks_disabled():
    """Every function of the notebooks' self-check modules replaced by one that raises, before the submission runs.

    A self-check must compute what it compares with, so those modules hold a reference answer to each coding
    exercise (under private names). Nothing here needs them (this module uses only the engine and the watchers),
    so a graded function that calls one, however it was imported, fails instead of being answered by it."""
    import types

    def blocked(*args, **kwargs):
        raise Refused("the graded function calls rnnlab's self-checks instead of computing its answer")

    package = sys.modules.get("rnnlab.checks")
    for name, module in _list(sys.modules.items()):
        if not (name.startswith("rnnlab.checks.notebook") or name == "rnnlab.checks.step_functions"):
            continue
        for attr, value in _list(vars(module).items()):
            if _isinstance(value, types.FunctionType) and value.__module__ == name:
                setattr(module, attr, blocked)
                if package is not None and _getattr(package, attr, None) is value:
                    setattr(package, attr, blocked)


def main(workdir):
    with _open(os.path.join(workdir, "inputs.pkl"), "rb") as f:
        inputs = pickle.load(f)   # written by the grading process before the submission's code exists here
    with _open(os.path.join(workdir, "program.json"), encoding="utf-8") as f:
        program = json.load(f)
    with _open(os.path.join(workdir, "drive.py"), encoding="utf-8") as f:
        drive_source = f.read()
    grading = sys.modules[__name__]
    name = program["name"]
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    _self_checks_disabled()
    for statement in program["statements"]:
        try:
            _exec(_compile(statement, "<submission>", "exec"), namespace)
        except _Exception:
            pass   # e.g. a demo line reading a variable of the narrative; the definition is what is graded
    fn = namespace.get(name)
    drive_namespace = {"__name__": "hidden_drive", "__builtins__": builtins, "np": np}
    _exec(_compile(drive_source, "<drive>", "exec"), drive_namespace)
    arrays = {}
    try:
        if not callable(fn):
            raise Refused(f"{name} is not defined as a function (does its cell run?)")
        payload = {"ok": _encode(drive_namespace["drive"](fn, inputs, grading), arrays)}
    except Refused as exc:
        message = exc.args[0] if exc.args and _type(exc.args[0]) is _str else f"{name} could not be graded"
        payload, arrays = {"refused": message[:300]}, {}
    _write(workdir, payload, arrays)
    sys.stdout.flush()
    sys.stderr.flush()
    _exit(0)   # no atexit handler or thread of the submission runs after the answer is written


if __name__ == "__main__":
    main(sys.argv[1])
