"""rnnlab.checks: a correct function passes, a wrong one fails with a hint, a stub fails gracefully, and no
check ever prints the expected values. The functions under test come from the notebooks themselves where that
is cheap (the stub cell and the solution cell of each coding exercise)."""
import ast
import math
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

import rnnlab
from rnnlab import checks

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9]*.ipynb"))
CHECK_CALL = re.compile(r"checks\.(\w+)\((\w+)\)")
CHEAP = {"relu_rnn_step", "gru_step_cho", "optimizer_steps"}   # checks that need no training


def run_check(capsys, name, fn):
    passed = getattr(checks, name)(fn)
    out = capsys.readouterr().out
    assert out.count("\n") == 1, f"a check prints exactly one line, got {out!r}"
    assert isinstance(passed, bool)
    assert out.startswith("✅ Well done:" if passed else "❌ Not yet:"), out
    return passed, out


# ----------------------------------------------------------------------------- the exercises of the notebooks

def _python(source):
    """A notebook cell's source as plain Python (IPython's `!pip ...` lines become function calls)."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source)


def _is_solution(cell):
    return "solution" in cell.metadata.get("tags", [])


def exercises():
    """(notebook, check name, function name, stub cell index, solution cell index) for every self-check cell."""
    found = []
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for i, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or _is_solution(cell):
                continue
            for name, arg in CHECK_CALL.findall(cell.source):
                defining = [j for j in range(i) if nb.cells[j].cell_type == "code"
                            and re.search(rf"^def {arg}\(", nb.cells[j].source, re.M)]
                stub = next(j for j in defining if not _is_solution(nb.cells[j]))
                solution = next(j for j in reversed(defining) if _is_solution(nb.cells[j]))
                found.append(pytest.param(path, name, arg, stub, solution, id=f"{path.stem}-{name}"))
    return found


EXERCISES = exercises()


def test_every_notebook_has_self_checks():
    assert {p.values[0] for p in EXERCISES} == set(NOTEBOOKS)
    assert {p.values[1] for p in EXERCISES} == set(checks.CHECKS), "one check per coding exercise, all used"


def load_function(path, cell_index, name):
    """Define the function ``name`` of cell ``cell_index`` the way the notebook would: the imports and function
    definitions of the cells above it first (no top-level computation: that would train models)."""
    nb = nbformat.read(path, as_version=4)
    namespace = {"np": np, "math": math, "rnnlab": rnnlab}
    for cell in nb.cells[:cell_index + 1]:
        if cell.cell_type != "code" or (_is_solution(cell) and cell is not nb.cells[cell_index]):
            continue
        tree = ast.parse(_python(cell.source))
        keep = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef))]
        exec(compile(ast.Module(body=keep, type_ignores=[]), str(path), "exec"), namespace)
    return namespace[name]


@pytest.mark.parametrize("path, name, fn_name, stub, solution", EXERCISES)
def test_stub_fails_gracefully(capsys, path, name, fn_name, stub, solution):
    assert solution == stub + 1, "the solution cell comes right after the stub"
    passed, out = run_check(capsys, name, load_function(path, stub, fn_name))
    assert not passed
    assert "not implemented yet" in out


@pytest.mark.parametrize("path, name, fn_name, stub, solution", [p for p in EXERCISES if p.values[1] in CHEAP])
def test_notebook_solution_passes(capsys, path, name, fn_name, stub, solution):
    passed, out = run_check(capsys, name, load_function(path, solution, fn_name))
    assert passed, out


# ----------------------------------------------------------------------------- each check, right and wrong

def sigmoid(a):
    return 1 / (1 + np.exp(-a))


def affine(w, gate, x_t, h):
    return x_t @ w[f"W_{gate}"].T + h @ w[f"U_{gate}"].T + w[f"b_{gate}"]


def relu_step(x_t, h_prev, W, U, b):
    return np.maximum(x_t @ W.T + h_prev @ U.T + b, 0.0)


def gru_cho(x_t, h, w, *, reset_after=False, swap=False):
    r, z = sigmoid(affine(w, "r", x_t, h)), sigmoid(affine(w, "z", x_t, h))
    if reset_after:
        n = np.tanh(x_t @ w["W_n"].T + w["b_n"] + r * (h @ w["U_n"].T))
    else:
        n = np.tanh(x_t @ w["W_n"].T + (r * h) @ w["U_n"].T + w["b_n"])
    return z * n + (1 - z) * h if swap else (1 - z) * n + z * h


def steps(recipe, epochs=None):
    return (recipe.epochs if epochs is None else epochs) * math.ceil(recipe.n_train / recipe.batch_size)


def stub(*args, **kwargs):
    raise NotImplementedError("hint: write it")


def test_relu_rnn_step(capsys):
    assert run_check(capsys, "relu_rnn_step", relu_step)[0]
    wrong = {
        "negative": lambda x, h, W, U, b: np.tanh(x @ W.T + h @ U.T + b),
        "wrong way round": lambda x, h, W, U, b: np.maximum(x @ W.T + h @ U + b, 0),
        "bias": lambda x, h, W, U, b: np.maximum(x @ W.T + h @ U.T, 0),
        "shape": lambda x, h, W, U, b: relu_step(x, h, W, U, b)[0],
        "raised ValueError": lambda x, h, W, U, b: np.maximum(x @ W + h @ U.T + b, 0),
        "forget the `return`": lambda x, h, W, U, b: None,
    }
    for hint, fn in wrong.items():
        passed, out = run_check(capsys, "relu_rnn_step", fn)
        assert not passed and hint in out, out


def test_gru_step_cho(capsys):
    assert run_check(capsys, "gru_step_cho", gru_cho)[0]
    for hint, kwargs in (("after U_n", {"reset_after": True}), ("swaps", {"swap": True})):
        passed, out = run_check(capsys, "gru_step_cho", lambda x, h, w: gru_cho(x, h, w, **kwargs))
        assert not passed and hint in out, out
    passed, out = run_check(capsys, "gru_step_cho", lambda x, h, w: gru_cho(x, h, w) + 1e-3)
    assert not passed and "different values" in out


def test_optimizer_steps(capsys):
    from rnnlab.recipes import LONG_DEPENDENCY, NEXT_NUMBER

    assert run_check(capsys, "optimizer_steps", steps)[0]
    wrong = {
        "round up": lambda r, epochs=None: (r.epochs if epochs is None else epochs) * (r.n_train // r.batch_size),
        "ignores its epochs": lambda r, epochs=None: r.epochs * math.ceil(r.n_train / r.batch_size),
        "one epoch": lambda r, epochs=None: math.ceil(r.n_train / r.batch_size),
        "whole number": lambda r, epochs=None: "20",
        "raised TypeError": lambda r: steps(r),
    }
    answers = {str(steps(r, e)) for r in (*LONG_DEPENDENCY.values(), *NEXT_NUMBER.values()) for e in (None, 1)}
    for hint, fn in wrong.items():
        passed, out = run_check(capsys, "optimizer_steps", fn)
        assert not passed and hint in out, out
        assert not answers & set(re.findall(r"\d+", out)), f"a check must not print the answer: {out}"


def test_shortest_failing_length_logic(capsys, monkeypatch):
    # The real check trains (about 10 s, see the slow test); here the training is replaced by a rule.
    def fake_solves(seq_len, seed):
        return seq_len < 30

    monkeypatch.setattr(checks, "_simple_rnn_solves", fake_solves)

    def right(lengths, seed=0):
        return next((T for T in sorted(lengths) if not fake_solves(T, seed)), None)

    assert run_check(capsys, "shortest_failing_length", right)[0]
    wrong = {
        "returned None": lambda lengths, seed=0: None,
        "succeeds": lambda lengths, seed=0: min(lengths),
        "not in the list": lambda lengths, seed=0: 1000,
        "an int": lambda lengths, seed=0: "50",
        "raised TypeError": lambda lengths: None,
    }
    for hint, fn in wrong.items():
        passed, out = run_check(capsys, "shortest_failing_length", fn)
        assert not passed and hint in out, out
        assert "50" not in out, f"a check must not print the answer: {out}"


def test_make_forecaster(capsys):
    # An exact forecaster (no training) passes; one that only works inside the training range fails.
    def exact(X, y, seed=0):
        return lambda runs: 2 * runs[:, -1, 0] - runs[:, -2, 0]

    def in_range_only(X, y, seed=0):
        return lambda runs: np.clip(2 * runs[:, -1, 0] - runs[:, -2, 0], -10, 110)

    assert run_check(capsys, "make_forecaster", exact)[0]
    wrong = {
        "far outside": in_range_only,
        "should return a function": lambda X, y, seed=0: 3,
        "one number per run": lambda X, y, seed=0: (lambda runs: runs[:, :2, 0]),
        "even on runs like the training runs": lambda X, y, seed=0: (lambda runs: runs[:, -1, 0]),
        "raised TypeError": lambda X, y: None,
    }
    for hint, fn in wrong.items():
        passed, out = run_check(capsys, "make_forecaster", fn)
        assert not passed and hint in out, out


@pytest.mark.parametrize("name", sorted(checks.CHECKS))
def test_stub_and_bad_arguments(capsys, name):
    passed, out = run_check(capsys, name, stub)
    assert not passed and "not implemented yet" in out and "(hint: write it)" in out
    assert checks.check(name, stub) is False
    capsys.readouterr()
    with pytest.raises(TypeError, match="fn must be the function you wrote"):
        getattr(checks, name)(42)


def test_check_by_name(capsys):
    assert checks.check("relu_rnn_step", relu_step) is True
    with pytest.raises(ValueError, match="name must be one of"):
        checks.check("no_such_exercise", relu_step)
    with pytest.raises(TypeError, match="name must be a string"):
        checks.check(3, relu_step)


def test_failing_checks_do_not_print_expected_values(capsys):
    from rnnlab.reference import rnn_forward
    from rnnlab.weights import random_weights

    w = random_weights("rnn", 3, 5, activation="relu", scale=0.8, seed=2024)
    expected = rnn_forward(np.random.default_rng(2024).normal(size=(4, 6, 3)), w)
    _, out = run_check(capsys, "relu_rnn_step", lambda x, h, W, U, b: np.maximum(x @ W.T + h @ U.T + b, 0) + 0.5)
    numbers = set(re.findall(r"\d+\.\d+", out))
    assert not {f"{v:.2f}" for v in expected.ravel()} & numbers, out
    def zero(X, y, seed=0):
        return lambda runs: 0 * runs[:, -1, 0]

    def exact_inside_zero_outside(X, y, seed=0):
        return lambda runs: np.where(np.abs(runs[:, -1, 0]) < 200, 2 * runs[:, -1, 0] - runs[:, -2, 0], 0.0)

    for fn in (zero, exact_inside_zero_outside):   # an error of |truth|: still no number but the tolerance
        _, out = run_check(capsys, "make_forecaster", fn)
        assert set(re.findall(r"\d+(?:\.\d+)?", out)) <= {"0.05", "1"}, out   # 1 as in np.diff(X, axis=1)


@pytest.mark.slow
def test_expensive_checks_with_real_training(capsys):
    pytest.importorskip("torch")
    from rnnlab.experiments import run_experiment

    def shortest_failing_length(lengths, seed=0):
        for T in sorted(lengths):
            if not run_experiment("long_dependency", cells="rnn", seeds=[seed], seq_len=T, epochs=10,
                                  progress=False).rows[0]["solved"]:
                return T
        return None

    assert run_check(capsys, "shortest_failing_length", shortest_failing_length)[0]

    def make_forecaster(X, y, seed=0):
        D, d = np.diff(X, axis=1), y - X[:, -1]
        sc = rnnlab.Scaler("standard").fit(np.concatenate([D.ravel(), d.ravel()]))
        model = rnnlab.build_model("rnn", "torch", hidden_size=10, head="regression", activation="relu", seed=seed)
        rnnlab.train(model, sc.transform(D), sc.transform(d), epochs=25, batch_size=64, lr=0.1,
                     lr_schedule="cosine", seed=seed, progress=False)
        return lambda runs: runs[:, -1, 0] + sc.inverse_transform(
            rnnlab.predict(model, sc.transform(np.diff(runs, axis=1))))[:, 0]

    assert run_check(capsys, "make_forecaster", make_forecaster)[0]
