"""The package's shape (docs/architecture.md): no import cycle, small modules, a light results layer, adapters
that provide the declared interface and nothing more, the framework asked once per call, old names that warn.
The layering itself is import-linter's contract in pyproject.toml, run by `make test`."""
import inspect
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import rnnlab
from rnnlab import backends

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "rnnlab"
MAX_LINES = 400


def test_no_import_cycle():
    grimp = pytest.importorskip("grimp")
    graph = grimp.build_graph("rnnlab")
    modules = sorted(graph.modules)
    cycles = [(a, b) for i, a in enumerate(modules) for b in modules[i + 1:]
              if graph.find_shortest_chain(a, b) and graph.find_shortest_chain(b, a)]
    assert not cycles, f"modules that import each other, directly or through others: {cycles}"


def test_no_module_imports_its_own_package():
    """``from . import name`` in a submodule reads, to a static import graph, as importing the package itself,
    whose ``__init__`` imports the submodule back: a cycle. grimp resolves it to the submodule, so it is checked
    here from the source: module-level imports name the module they want."""
    import ast
    found = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "__init__.py":
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:  # module level only
            if isinstance(node, ast.ImportFrom) and node.level and not node.module:
                found.append(f"{path.relative_to(ROOT).as_posix()}:{node.lineno}")
    assert not found, f"module-level `from . import name` (import the submodule by its name instead): {found}"


def test_no_module_is_long():
    long = {p.relative_to(ROOT).as_posix(): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines (split them by what they do): {long}"


def _imported_after(code):
    """The heavy modules a fresh interpreter has loaded after running ``code``."""
    watched = ("torch", "keras", "jax", "tensorflow", "rnnlab.training", "rnnlab.models", "rnnlab.experiments")
    probe = f"import sys\n{code}\nprint(sorted(m for m in {watched!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    return out.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize("code", [
    "import rnnlab.tables\nassert len(rnnlab.tables.load('maps')) > 0",
    "from rnnlab.results import ResultStore, summarize",
])
def test_stored_results_load_without_the_training_stack(code):
    assert _imported_after(code) == "[]"


def _protocol_parameters(name):
    params = list(inspect.signature(getattr(backends.Adapter, name)).parameters.values())[1:]  # without self
    return [p.name for p in params if p.kind is not p.VAR_KEYWORD]


@pytest.mark.parametrize("name", ["torch", "keras"])
def test_adapters_provide_exactly_the_declared_interface(name):
    if not rnnlab.is_available(name):
        pytest.skip(f"{name} not installed")
    adapter = backends.load_adapter(name)
    for member in backends.ADAPTER_MEMBERS:
        assert hasattr(adapter, member), f"{adapter.__name__} lacks {member}"
    for member in backends.ADAPTER_MEMBERS:
        if member == "OPTIONS":
            continue
        declared = _protocol_parameters(member)
        found = [p for p in inspect.signature(getattr(adapter, member)).parameters if p != "options"]
        extra = set(found) - set(declared)
        # A framework-only option may appear only where the adapter declares it in OPTIONS.
        allowed = set(adapter.OPTIONS.get(member, ()))
        assert extra <= allowed, f"{adapter.__name__}.{member} takes undeclared parameters {sorted(extra - allowed)}"
        assert [p for p in found if p in declared] == declared, f"{adapter.__name__}.{member}: {found} vs {declared}"


def test_a_module_missing_part_of_the_interface_is_refused(monkeypatch):
    import types

    fake = types.ModuleType("rnnlab.torch_backend")
    fake.OPTIONS = {}
    monkeypatch.setitem(sys.modules, "rnnlab.torch_backend", fake)
    monkeypatch.setattr(backends, "require", lambda backend: None)
    with pytest.raises(TypeError, match="Adapter interface: missing .*'build'"):
        backends.load_adapter("torch")


def test_train_asks_the_framework_once(backend, monkeypatch):
    """From build_model through train, which framework a model belongs to is decided once per call."""
    from rnnlab import training, weights

    calls = {"backend_of": 0, "layer lookups without a framework": 0}
    real_backend_of, real_layer = backends.backend_of, weights._recurrent_layer

    def counting_backend_of(model):
        calls["backend_of"] += 1
        return real_backend_of(model)

    def counting_layer(obj, name="model_or_layer", framework=None):
        if framework is None:
            calls["layer lookups without a framework"] += 1
        return real_layer(obj, name, framework)

    for module in (training, weights):
        monkeypatch.setattr(module, "backend_of", counting_backend_of)
    monkeypatch.setattr(training, "_recurrent_layer", counting_layer)
    monkeypatch.setattr(weights, "_recurrent_layer", counting_layer)
    X, y = rnnlab.first_token_task(16, 5, seed=0)
    model = rnnlab.build_model("rnn", backend, hidden_size=4)
    assert calls == {"backend_of": 0, "layer lookups without a framework": 0}
    rnnlab.train(model, X, y, epochs=1, progress=False)
    assert calls == {"backend_of": 1, "layer lookups without a framework": 0}


def test_framework_only_options_reach_only_their_framework(backend, monkeypatch):
    """``jit_compile`` is Keras's: the torch adapter's fit is never handed it."""
    adapter = backends.load_adapter(backend)
    seen = {}
    real_fit = adapter.fit

    def spying_fit(*args, **kwargs):
        seen.update(kwargs)
        return real_fit(*args, **kwargs)

    monkeypatch.setattr(adapter, "fit", spying_fit)
    X, y = rnnlab.first_token_task(16, 5, seed=0)
    rnnlab.train(rnnlab.build_model("rnn", backend, hidden_size=4), X, y, epochs=1, progress=False, jit_compile=False)
    assert ("jit_compile" in seen) == (backend == "keras")


def test_moved_names_warn_and_still_work():
    from rnnlab import results, sweep

    with pytest.warns(DeprecationWarning, match="rnnlab.results.RESULTS"):
        assert sweep.RESULTS == results.RESULTS
    with pytest.warns(DeprecationWarning, match="choose_keras_backend"):
        backends.quiet_tensorflow()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert sweep.ResultStore is results.ResultStore   # still importable from the sweep module, silently
        from rnnlab.experiments import COLUMNS, KEY, ExperimentResult, summarize  # the notebooks' imports
    assert (COLUMNS, KEY, ExperimentResult, summarize) == (results.COLUMNS, results.KEY, results.ExperimentResult,
                                                           results.summarize)


def test_settings_are_read_not_repeated():
    """The defaults the command line prints and the widgets start from are the experiments' own."""
    from rnnlab import cli, experiments, settings, widgets

    help_text = cli.build_parser()._subparsers._group_actions[0].choices["run"].format_help()
    for name, spec in experiments.EXPERIMENTS.items():
        assert spec["seq_len"] == settings.EXPERIMENT_DEFAULTS[name].seq_len
        assert widgets.SLIDERS[name][1][2] == spec["hidden_size"]
    assert "default: 300; next-number 3" in " ".join(help_text.split())
    assert "default: 16; next-number 10" in " ".join(help_text.split())
    row = {"experiment": "next_number", "cell": "rnn", "backend": "torch", "seq_len": 3, "hidden_size": 10,
           "recipe": "rnnlab", "solved": True, "prediction": 13.01, "error": 0.01, "seconds": 1.0}
    assert f"within {settings.SOLVE_ERROR:g}" in widgets.describe(row)


def test_one_thread_setting_is_shared(monkeypatch):
    from rnnlab import settings

    for name in settings.ONE_THREAD_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MKL_NUM_THREADS", "3")   # a value the user set is kept
    settings.use_one_thread()
    import os

    assert os.environ["OMP_NUM_THREADS"] == "1" and os.environ["MKL_NUM_THREADS"] == "3"
