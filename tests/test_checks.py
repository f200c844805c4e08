"""rnnlab.checks: a correct function passes, a wrong one fails with a first nudge and a stronger hint on request,
inputs are fresh on every call, step functions are tested from random non-zero states in random order, library
cells are refused, functions that must train are watched, and no check prints an expected value."""
import inspect
import math
import re

import numpy as np
import pytest

import rnnlab
from rnnlab import checks
from rnnlab.checks import engine, notebook03, notebook04, registry, step_functions


TRAINING_CHECKS = {"make_forecaster"}   # it says first that it trains


def run_check(capsys, name, fn):
    passed = getattr(checks, name)(fn)
    out = capsys.readouterr().out
    if name in TRAINING_CHECKS:
        announce, _, out = out.partition("\n")
        assert announce.startswith(f"Checking {name}: it ") and "(about " in announce, announce
    assert out.count("\n") == 1, f"a check prints exactly one line (after the training checks' first), got {out!r}"
    assert isinstance(passed, bool)
    assert out.startswith("✅ Well done:" if passed else "❌ Not yet:"), out
    return passed, out


def relu_step(x_t, h_prev, W, U, b):
    return np.maximum(x_t @ W.T + h_prev @ U.T + b, 0.0)


def gru_cho(x_t, h, w):
    def pre(gate, state):
        return x_t @ w[f"W_{gate}"].T + state @ w[f"U_{gate}"].T + w[f"b_{gate}"]

    r, z = 1 / (1 + np.exp(-pre("r", h))), 1 / (1 + np.exp(-pre("z", h)))
    return (1 - z) * np.tanh(pre("n", r * h)) + z * h


def bias_for(steps, keep=0.5):
    """sigmoid(b) ** steps == keep, solved for b by bisection (a route of its own, not the exercise's formula)."""
    if isinstance(steps, bool) or not isinstance(steps, int):
        raise TypeError(f"steps must be an int, got {steps!r}")
    if steps < 1 or not 0 < keep < 1:
        raise ValueError(f"need steps >= 1 and 0 < keep < 1, got steps={steps}, keep={keep}")
    low, high = -50.0, 50.0
    for _ in range(200):
        middle = (low + high) / 2
        low, high = (middle, high) if (1 / (1 + math.exp(-middle))) ** steps < keep else (low, middle)
    return (low + high) / 2


def readout(states, bits, fit=None, scored=None, tie=0):
    """The nearer-mean readout, one example and step at a time; fit and scored (row ranges) and tie change it."""
    states, bits = np.asarray(states, dtype=np.float64), np.asarray(bits).astype(int)
    B, T, _ = states.shape
    fit = range(B // 2) if fit is None else fit
    scored = range(B // 2, B) if scored is None else scored
    if len({int(bits[i]) for i in fit}) < 2:
        raise ValueError("bits: the first half holds one bit value")
    accuracy = np.zeros(T)
    for t in range(T):
        means = [np.mean([states[i, t] for i in fit if bits[i] == v], axis=0) for v in (0, 1)]
        for i in scored:
            d0, d1 = (float(np.sum((states[i, t] - m) ** 2)) for m in means)
            accuracy[t] += (1 if d1 < d0 or (d1 == d0 and tie) else 0) == bits[i]
    return accuracy / len(scored)


def stub(*args, **kwargs):
    raise NotImplementedError("hint: write it")


def one_torch_step():
    """A real (tiny) optimiser step: what a function that trains does, at no cost."""
    torch = pytest.importorskip("torch")
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=0.1)
    (p - 1).pow(2).sum().backward()
    opt.step()


# ----------------------------------------------------------------------------------------- step functions

def test_relu_rnn_step_right_and_wrong(capsys):
    assert run_check(capsys, "relu_rnn_step", relu_step)[0]
    wrong = {
        "negative values": lambda x, h, W, U, b: np.tanh(x @ W.T + h @ U.T + b) - 0.5,
        "wrong way round": lambda x, h, W, U, b: np.maximum(x @ W.T + h @ U + b, 0),
        "leave out a term": lambda x, h, W, U, b: np.maximum(x @ W.T + h @ U.T, 0),
        "returned shape": lambda x, h, W, U, b: relu_step(x, h, W, U, b)[0],
        "raised ValueError": lambda x, h, W, U, b: np.maximum(x @ W + h @ U.T + b, 0),
        "forget the `return`": lambda x, h, W, U, b: None,
        "different values": lambda x, h, W, U, b: relu_step(x, h, W, U, b) * 1.01,
    }
    for nudge, fn in wrong.items():
        passed, out = run_check(capsys, "relu_rnn_step", fn)
        assert not passed and nudge in out and "rnnlab.checks.hint('relu_rnn_step')" in out, out
        stronger = checks.hint("relu_rnn_step")
        assert capsys.readouterr().out.startswith("💡") and stronger and stronger not in out


def test_gru_step_cho_right_and_wrong(capsys):
    assert run_check(capsys, "gru_step_cho", gru_cho)[0]

    def torch_form(x_t, h, w):
        def pre(gate, state):
            return x_t @ w[f"W_{gate}"].T + state @ w[f"U_{gate}"].T + w[f"b_{gate}"]
        r, z = 1 / (1 + np.exp(-pre("r", h))), 1 / (1 + np.exp(-pre("z", h)))
        return (1 - z) * np.tanh(x_t @ w["W_n"].T + w["b_n"] + r * (h @ w["U_n"].T)) + z * h

    def swapped(x_t, h, w):
        def pre(gate, state):
            return x_t @ w[f"W_{gate}"].T + state @ w[f"U_{gate}"].T + w[f"b_{gate}"]
        r, z = 1 / (1 + np.exp(-pre("r", h))), 1 / (1 + np.exp(-pre("z", h)))
        return z * np.tanh(pre("n", r * h)) + (1 - z) * h

    for nudge, fn in (("after U_n", torch_form), ("swaps", swapped),
                      ("different values", lambda x, h, w: gru_cho(x, h, w) + 1e-3)):
        passed, out = run_check(capsys, "gru_step_cho", fn)
        assert not passed and nudge in out, out


@pytest.mark.parametrize("name, right", [("relu_rnn_step", relu_step), ("gru_step_cho", gru_cho)])
def test_step_checks_use_fresh_random_states_in_random_order(capsys, name, right):
    calls = []

    def spy(x_t, h, *rest):
        calls.append((x_t.copy(), h.copy()))
        return right(x_t, h, *rest)

    assert run_check(capsys, name, spy)[0]
    first = list(calls)
    calls.clear()
    assert run_check(capsys, name, spy)[0]
    assert all(np.abs(h).max() > 0 for _, h in first + calls), "every call starts from a non-zero state"
    assert len({h.shape for _, h in first}) > 1, "batches of several sizes"
    assert not any(np.array_equal(a, b) for (a, _), (b, _) in zip(first, calls)), "new inputs on every call"


@pytest.mark.parametrize("name, right", [("relu_rnn_step", relu_step), ("gru_step_cho", gru_cho)])
def test_a_step_that_remembers_earlier_calls_fails(capsys, name, right):
    memory = []

    def remembers(x_t, h, *rest):   # computes right, but adds a trace of the previous call
        out = right(x_t, h, *rest) + (1e-3 * len(memory) if memory else 0.0)
        memory.append(x_t)
        return out

    passed, out = run_check(capsys, name, remembers)
    assert not passed, out


def test_library_cells_are_refused_and_restored(capsys):
    torch = pytest.importorskip("torch")
    from rnnlab.weights import CellWeights, random_weights

    def via_reference(x_t, h_prev, W, U, b):   # the state folded into the input: correct values
        forward = getattr(getattr(rnnlab, "".join(["refer", "ence"])), "".join(["rnn_for", "ward"]))
        weights = CellWeights("rnn", "relu", {"W": np.concatenate([W, U], axis=1), "U": np.zeros_like(U), "b": b})
        return forward(np.concatenate([x_t, h_prev], axis=1)[:, None], weights)[:, 0]

    fused = getattr(torch, "rnn_relu_cell")

    def via_alias(x_t, h_prev, W, U, b):
        t = torch.from_numpy
        return fused(t(x_t), t(h_prev), t(W), t(U), t(b), t(np.zeros_like(b))).numpy()

    def via_cell(x_t, h_prev, W, U, b):
        cell = torch.nn.RNNCell(W.shape[1], W.shape[0], nonlinearity="relu").double()
        return cell(torch.from_numpy(x_t), torch.from_numpy(h_prev)).detach().numpy()

    for fn in (via_reference, via_alias, via_cell):
        passed, out = run_check(capsys, "relu_rnn_step", fn)
        assert not passed and "instead of computing the step itself" in out, out
    def gru_via_cell(x_t, h, w):
        cell = torch.nn.GRUCell(x_t.shape[1], h.shape[1]).double()
        return cell(torch.from_numpy(x_t), torch.from_numpy(h)).detach().numpy()

    passed, out = run_check(capsys, "gru_step_cho", gru_via_cell)
    assert not passed and "calls GRUCell instead of computing the step itself" in out, out
    assert checks.library_cell_names(via_alias) == ["rnn_relu_cell"]
    assert checks.library_cell_names(relu_step) == []
    # everything works again after the checks
    w = random_weights("rnn", 2, 3, activation="relu", seed=1)
    assert rnnlab.reference.rnn_forward(np.ones((1, 2, 2)), w).shape == (1, 2, 3)
    assert torch.nn.RNNCell(2, 3)(torch.ones(1, 2)).shape == (1, 3)
    with checks.without_library_cells(), pytest.raises(BaseException, match="rnnlab.reference"):
        rnnlab.reference.forward(np.ones((1, 2, 2)), w)


# ------------------------------------------------------------------------------------------------ notebook 03

def test_forget_bias_for_right_and_wrong(capsys):
    assert run_check(capsys, "forget_bias_for", bias_for)[0]

    def checked(rule):
        def fn(steps, keep=0.5):
            bias_for(steps, keep)   # refuses what the exercise refuses
            return rule(steps, keep)
        return fn

    def rename(exc_type, text):
        def fn(steps, keep=0.5):
            try:
                return bias_for(steps, keep)
            except (TypeError, ValueError):
                raise exc_type(text) from None
        return fn

    def accepts_fractional_steps(steps, keep=0.5):
        return bias_for(int(steps) if steps > 0 else steps, keep)

    wrong = {
        "as one number (a float), got ndarray": checked(lambda steps, keep: np.array([bias_for(steps, keep)])),
        "as one number (a float), got str": checked(lambda steps, keep: "3.7"),
        "after one step, whatever the steps": checked(lambda steps, keep: math.log(keep / (1 - keep))),
        "the logarithm of the gate value": checked(lambda steps, keep: math.log(keep) / steps),
        "ignores its keep argument": checked(lambda steps, keep: bias_for(steps)),
        "gives a wrong bias for steps=": checked(lambda steps, keep: bias_for(steps, keep) + 0.05),
        "NaN or infinite": checked(lambda steps, keep: math.inf),
        "raised TypeError": lambda steps: bias_for(steps),
        "accepts steps=2.5": accepts_fractional_steps,
        "raises ZeroDivisionError for a bad argument": lambda steps, keep=0.5: bias_for(steps, keep) if steps else 1 / 0,
        "its message does not name the argument": rename(ValueError, "bad argument"),
        "raises RuntimeError for a bad argument": rename(RuntimeError, "steps or keep"),
    }
    for nudge, fn in wrong.items():
        passed, out = run_check(capsys, "forget_bias_for", fn)
        assert not passed and nudge in out, (nudge, out)
        assert not re.search(r"\d\.\d\d", out), f"a check must not print a bias: {out}"
    # a numpy float, a 0-d float array and an int-valued answer at the right place are numbers
    assert run_check(capsys, "forget_bias_for", lambda steps, keep=0.5: np.float32(bias_for(steps, keep)))[0]
    assert run_check(capsys, "forget_bias_for", lambda steps, keep=0.5: np.array(bias_for(steps, keep)))[0]


def test_forget_bias_for_check_covers_the_validation(capsys):
    for bad in ({"steps": 0}, {"steps": -3}, {"steps": 2.5}, {"steps": 10, "keep": 0.0}, {"steps": 10, "keep": 1.0},
                {"steps": 10, "keep": 1.5}):
        def lets_one_through(steps, keep=0.5, bad=bad):
            if {"steps": steps, **({"keep": keep} if "keep" in bad else {})} == bad:
                return 1.0
            return bias_for(steps, keep)
        passed, out = run_check(capsys, "forget_bias_for", lets_one_through)
        label = ", ".join(f"{k}={v:g}" for k, v in bad.items() if k in ("keep",) or len(bad) == 1)
        assert not passed and f"accepts {label}" in out, (bad, out)


@pytest.mark.parametrize("seed", range(25))
def test_first_bit_readout_right_and_wrong(capsys, monkeypatch, seed):
    # The check draws new batches on every call: each seed is one such call, replayed. The wrong answers below are
    # each named only on some draws if the check's diagnosis is loose (an odd split once passed for a tie rule).
    monkeypatch.setattr(notebook03, "_rng", lambda: np.random.default_rng(seed))
    assert run_check(capsys, "first_bit_readout", readout)[0]

    def odd_split(states, bits):
        B = len(states)
        return readout(states, bits, fit=range((B + 1) // 2), scored=range((B + 1) // 2, B))

    def per_sequence(states, bits):
        B, T = np.shape(states)[:2]
        right = np.array([readout(states, bits)[t] for t in range(T)])
        return np.full(B - B // 2, right.mean())

    def modifies(states, bits):
        answer = readout(states, bits)
        states *= 2
        return answer

    def unchecked(states, bits):
        bits = np.asarray(bits).astype(int)
        if len(set(bits[: len(bits) // 2].tolist())) < 2:
            return np.full(np.shape(states)[1], 0.5)
        return readout(states, bits)

    def unnamed(states, bits):
        try:
            return readout(states, bits)
        except ValueError:
            raise ValueError("only one class") from None

    wrong = {
        "takes the class means over the whole batch":
            lambda states, bits: readout(states, bits, fit=range(len(states))),
        "on the half the means were computed from":
            lambda states, bits: readout(states, bits, scored=range(len(states) // 2)),
        "on the whole batch, not on its second half":
            lambda states, bits: readout(states, bits, scored=range(len(states))),
        "splits the batch in another place": odd_split,
        "breaks an exact tie towards bit 1": lambda states, bits: readout(states, bits, tie=1),
        "one value per sequence": per_sequence,
        "one accuracy per step, shape": lambda states, bits: float(readout(states, bits).mean()),
        "changes the arrays it is given": modifies,
        "differ from the nearer-mean readout": lambda states, bits: 1 - readout(states, bits),
        "does not raise ValueError when the first half holds only one bit value": unchecked,
        "its message does not name the argument": unnamed,
        "NaN or infinite": lambda states, bits: readout(states, bits) * np.nan,
        "raised TypeError": lambda states: readout(states, None),
    }
    for nudge, fn in wrong.items():
        with np.errstate(all="ignore"):
            passed, out = run_check(capsys, "first_bit_readout", fn)
        assert not passed and nudge in out, (nudge, out)


def test_first_bit_readout_check_draws_no_near_ties():
    # Every scored example is clear of a tie (or exactly on one, in the tie batch), so a float32 readout answers
    # like the float64 reference on every call.
    for seed in range(30):
        rng = np.random.default_rng(seed)
        states, bits = notebook03._readout_batch(rng)
        half, b = len(states) // 2, np.asarray(bits).astype(int)
        m0, m1 = (states[:half][b[:half] == v].mean(axis=0) for v in (0, 1))
        d0, d1 = (((states[half:] - m) ** 2).sum(-1) for m in (m0, m1))
        assert np.all(np.abs(d0 - d1) > 1e-3 * (d0 + d1))
        assert np.array_equal(readout(states.astype(np.float32), bits), readout(states, bits))
        states, bits = notebook03._tie_batch(rng)
        assert readout(states, bits)[0] != readout(states, bits, tie=1)[0]


def test_first_bit_readout_check_drops_a_batch_it_cannot_clear():
    # When the two class means coincide at a step, almost every example there is a near tie: redrawing examples
    # cannot clear them, so the batch is given up (and _readout_batch draws another) instead of failing the check.
    bits = np.array([0, 1, 0, 1, 0, 1, 1, 0])
    rng = np.random.default_rng(0)

    def draw(rows):
        return rng.normal(size=(len(rows), 2, 1)) + 5.0

    states = np.full((8, 2, 1), 5.0)
    states[:4, 1, 0] = [1.0, 1.0, 3.0, 3.0]          # step 1: class means 2 and 2
    states[:4, 0, 0] = [0.0, 4.0, 0.0, 4.0]          # step 0: class means 0 and 4
    assert notebook03._clear_near_ties(states.copy(), bits, draw) is None
    states[:4, 1, 0] = [0.0, 4.0, 0.0, 4.0]
    states[4:] = 2.0                                  # the second half on the midpoint: exact ties at both steps
    cleared = notebook03._clear_near_ties(states.copy(), bits, draw)
    assert cleared is not None and not np.array_equal(cleared[4:], states[4:])   # the midpoint examples redrawn

    tries = iter([None, None, "the third batch"])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(notebook03, "_readout_batch_once", lambda rng: next(tries))
        assert notebook03._readout_batch(rng) == "the third batch"
        patch.setattr(notebook03, "_readout_batch_once", lambda rng: None)
        with pytest.raises(RuntimeError, match="near ties"):
            notebook03._readout_batch(rng)


def test_make_forecaster_logic(capsys):
    # A forecaster that learns the rule by least squares passes the accuracy tests; only the training it skips
    # separates it from a network. With one real optimiser step it passes: the accuracy part is what is tested.
    def least_squares(X, y, seed=0, train=True):
        if train:
            one_torch_step()
        D = np.diff(np.asarray(X, dtype=np.float64)[:, :, 0], axis=1)
        coef = np.linalg.lstsq(D, np.asarray(y, dtype=np.float64)[:, 0] - X[:, -1, 0], rcond=None)[0]
        return lambda runs: runs[:, -1, 0] + np.diff(runs[:, :, 0], axis=1) @ coef

    def linear(X, y, seed=0, train=True):
        if train:
            one_torch_step()
        return lambda runs: 2 * runs[:, -1, 0] - runs[:, -2, 0]

    def clipped(X, y, seed=0):
        forecast = least_squares(X, y)
        return lambda runs: np.clip(forecast(runs), -200, 200)

    def small_steps_only(X, y, seed=0):
        forecast = least_squares(X, y)
        return lambda runs: np.where(np.abs(np.diff(runs[:, :, 0], axis=1)).max(axis=1) < 4, forecast(runs), 0.0)

    def fixed_offset(X, y, seed=0):   # off by 0.01: harmless at the training steps' scale, not at tiny steps
        forecast = least_squares(X, y)
        return lambda runs: forecast(runs) + 0.01

    assert run_check(capsys, "make_forecaster", least_squares)[0]
    wrong = {
        "without training": lambda X, y, seed=0: least_squares(X, y, train=False),
        "even on runs like the training runs": linear,
        "far from the training range": clipped,
        "larger than any it was trained on": small_steps_only,
        "much smaller than any it was trained on": fixed_offset,
        "should return a function": lambda X, y, seed=0: one_torch_step() or 3,
        "one number per run": lambda X, y, seed=0: one_torch_step() or (lambda runs: runs[:, :2, 0]),
        "raised TypeError": lambda X, y: None,
    }
    for nudge, fn in wrong.items():
        passed, out = run_check(capsys, "make_forecaster", fn)
        assert not passed and nudge in out, out
        if nudge not in ("one number per run", "raised TypeError"):   # these name shapes and types
            assert set(re.findall(r"\d+(?:\.\d+)?", out)) <= {"10"}, f"no number but the tolerance: {out}"


# ----------------------------------------------------------------------------------------- common behaviour

@pytest.mark.parametrize("name", sorted(checks.CHECKS))
def test_stub_and_bad_arguments(capsys, name):
    passed, out = run_check(capsys, name, stub)
    assert not passed and "not implemented yet" in out and "(hint: write it)" in out
    assert checks.check(name, stub) is False
    capsys.readouterr()
    with pytest.raises(TypeError, match="fn must be the function you wrote"):
        getattr(checks, name)(42)


def test_hints_in_two_stages(capsys):
    engine._last_failure.clear()
    general = checks.hint("forget_bias_for")
    assert "sigmoid" in general and capsys.readouterr().out.startswith("💡")
    run_check(capsys, "forget_bias_for", lambda steps, keep=0.5: [bias_for(steps, keep)])
    assert "plain float" in checks.hint("forget_bias_for")
    capsys.readouterr()
    run_check(capsys, "forget_bias_for", bias_for)
    assert checks.hint("forget_bias_for") == general, "a pass resets the hint to the general one"
    with pytest.raises(ValueError, match="name must be one of"):
        checks.hint("no_such_exercise")
    with pytest.raises(TypeError, match="name must be a string"):
        checks.hint(3)


def test_an_error_in_the_students_code_is_reported_at_the_students_line(capsys):
    def relu_with_max(x_t, h_prev, W, U, b):
        z = x_t @ W.T + h_prev @ U.T + b
        # np.maximum was meant: numpy reads z as the axis of the maximum
        return np.max(0, z)

    passed, out = run_check(capsys, "relu_rnn_step", relu_with_max)
    line = inspect.getsourcelines(relu_with_max)[1] + 3
    assert not passed and f"raised TypeError at line {line} of your code (`return np.max(0, z)`)" in out, out
    assert "help() on it" in checks.hint("relu_rnn_step")
    capsys.readouterr()
    # an error raised by the student's own statement (no library frame below it) is found just the same
    passed, out = run_check(capsys, "relu_rnn_step", lambda x_t, h_prev, W, U, b: 1 / 0)
    assert not passed and "ZeroDivisionError at line" in out and "1 / 0" in out, out


def test_a_hint_is_shown_once_in_a_notebook():
    # hint() prints the text and returns it for code that wants it; IPython's display hook must not show the
    # returned value again as the cell's result (an object with _ipython_display_ displays itself: as nothing).
    IPython = pytest.importorskip("IPython")
    from IPython.core.formatters import DisplayFormatter

    text = checks.hint("forget_bias_for")
    assert isinstance(text, str) and text == registry.GENERAL["forget_bias_for"]
    assert DisplayFormatter().format(text) == ({}, {}), IPython.__version__
    assert DisplayFormatter().format(str(text))[0], "a plain string would be shown"


NOTEBOOK_01_04 = ("relu_rnn_step", "gru_step_cho", "forget_bias_for", "first_bit_readout", "make_forecaster")


def test_hints_name_no_code():
    # Neither stage of the hints of notebooks 01-04 gives an equation or a call: no " = ", no "name(args)".
    code = "".join(inspect.getsource(f) for f in (step_functions._check_step, engine._call, engine._as_array,
                                                  notebook03, *(getattr(checks, name) for name in NOTEBOOK_01_04)))
    keys = [key for key in registry.HINTS if f'"{key}"' in code] + ["relu_values", "gru_values"]
    keys += [key for key, _ in notebook04._FORECAST_TESTS]   # make_forecaster's keys live in that table
    assert len(keys) > 30
    texts = [t for key in keys for t in registry.HINTS[key]] + [registry.GENERAL[name] for name in NOTEBOOK_01_04]
    for text in texts:
        assert not re.search(r"\w\(\w", text.replace("int()", "").replace("hint(", "")), text
        assert " = " not in text and "np." not in text, text


def test_one_module_per_notebook_declares_its_checks():
    # Each notebook's module declares its checks, descriptions and hints; the package combines them read-only, in
    # the notebooks' order, and every hint key a module can raise has its two stages somewhere the check looks.
    names = []
    for module in registry.NOTEBOOKS:
        assert list(module.GENERAL) == list(module.CHECKS), module.__name__
        for name in module.CHECKS:
            assert getattr(checks, name) is getattr(module, name) is registry.FUNCTIONS[name]
            assert name in checks.__all__
        raised = set(re.findall(r'_NotYet\("(\w+)"', inspect.getsource(module)))
        raised |= {key for key, _ in getattr(module, "_FORECAST_TESTS", ())}
        assert raised <= {*module.HINTS, *engine.HINTS}, module.__name__   # the tables its check looks in
        names += list(module.CHECKS)
    assert list(checks.CHECKS) == names == ["relu_rnn_step", "gru_step_cho", "forget_bias_for",
                                            "first_bit_readout", "make_forecaster", "sample_with_temperature",
                                            "dot_attention"]
    assert list(registry.GENERAL) == names
    with pytest.raises(TypeError):
        checks.CHECKS["another"] = "what it tests"
    with pytest.raises(ValueError, match="declared twice"):
        registry._combined({"shape": ("a", "b")}, {"shape": ("c", "d")})


def test_check_by_name(capsys):
    assert checks.check("relu_rnn_step", relu_step) is True
    with pytest.raises(ValueError, match="name must be one of"):
        checks.check("no_such_exercise", relu_step)
    with pytest.raises(TypeError, match="name must be a string"):
        checks.check(3, relu_step)


def test_training_steps_counts_rnnlab_train_on_keras(keras):
    model = rnnlab.build_model("rnn", "keras", hidden_size=2, head="regression", seed=0)
    X, y = np.zeros((10, 3, 1), np.float32), np.zeros((10, 1), np.float32)
    with checks.training_steps() as counted:
        rnnlab.train(model, X, y, epochs=2, batch_size=4, progress=False)
    assert counted[0] == 2 * 3   # 3 batches (4 + 4 + 2) per epoch
