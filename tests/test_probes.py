"""Issue 20: the bad cases a QA probe of every public function found, one row each.

Each row is a call that used to let a raw error escape (AttributeError, KeyError, numpy's MemoryError), to run
silently with a wrong argument, or to write invalid JSON; it must now raise the named exception with a message
that names the parameter (or the file and the key) and what is allowed.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from rnnlab import diagrams, experiments, params, plotting, weights, widgets
from rnnlab.cli import main
from rnnlab.gradients import plot_gradient_norms
from rnnlab.instructor.assign import build_assignment
from rnnlab.instructor.student import build_student_notebooks
from rnnlab.instructor.tags import WIDGET_STATE, WIDGET_VIEW
from rnnlab.settings import MAX_HIDDEN, MAX_VOCAB
from rnnlab.sweep import load_spec
from rnnlab.text import Vocabulary, bigram_bpc, ngram_bpc, unigram_bpc

IDS = np.arange(40) % 4
ADDING_ROW = {"experiment": "adding", "cell": "lstm", "backend": "torch", "seq_len": 5, "hidden_size": 3,
              "recipe": "rnnlab"}
ONE_RUN = {"cell": "lstm", "backend": "torch", "seq_len": 5, "hidden_size": 2, "epochs": 1}

CASES = [
    # ------------------------------------------------------------ sizes that allocated without bound
    (lambda: unigram_bpc(IDS, IDS, vocab_size=2**40), ValueError, rf"vocab_size must be <= {MAX_VOCAB}"),
    (lambda: bigram_bpc(IDS, IDS, vocab_size=2**40), ValueError, rf"vocab_size must be <= {MAX_VOCAB}"),
    (lambda: ngram_bpc(IDS, IDS, 3, vocab_size=MAX_VOCAB + 1), ValueError, r"vocab_size must be <="),
    (lambda: weights.random_weights("lstm", 2, 10**9), ValueError, rf"hidden_size must be <= {MAX_HIDDEN}"),
    (lambda: weights.random_weights("lstm", 10**9, 2), ValueError, rf"input_size must be <= {MAX_VOCAB}"),
    # ------------------------------------------------------------ an Axes that is not one
    (lambda: diagrams.draw_lstm_cell(5), TypeError, r"ax must be a matplotlib Axes or None, got int"),
    (lambda: diagrams.draw_gru_cell("ax"), TypeError, r"ax must be a matplotlib Axes or None, got str"),
    (lambda: diagrams.draw_unrolled_rnn(3, ax=object()), TypeError, r"ax must be a matplotlib Axes"),
    (lambda: plotting.save_figure(None, "x.png"), TypeError, r"ax must be a matplotlib Axes, got NoneType"),
    (lambda: plot_gradient_norms({"a": np.ones(3)}, ax=5), TypeError, r"ax must be a matplotlib Axes"),
    # ------------------------------------------------------------ a row without its outcome
    (lambda: widgets.describe(ADDING_ROW), ValueError, r"row must be a row of an experiment table.*'solved'"),
    (lambda: widgets.describe({**ADDING_ROW, "experiment": "next_number"}), ValueError, r"row .*'prediction'"),
    # ------------------------------------------------------------ one run's arguments, checked before training
    (lambda: widgets.train_and_plot("adding", **{**ONE_RUN, "cell": ["lstm", "rnn"]}), TypeError,
     r"cell must be a string"),
    (lambda: widgets.train_and_plot("adding", **{**ONE_RUN, "backend": ("torch",)}), TypeError,
     r"backend must be a string"),
    (lambda: widgets.train_and_plot("adding", **{**ONE_RUN, "seq_len": [5, 6]}), TypeError,
     r"seq_len must be one integer"),
    (lambda: widgets.train_and_plot("adding", **{**ONE_RUN, "hidden_size": np.array([2, 3])}), TypeError,
     r"hidden_size must be one integer"),
    (lambda: widgets.train_and_plot("adding", **ONE_RUN, seed=[0, 1]), TypeError, r"seed must be an integer"),
    (lambda: widgets.train_and_plot("adding", **ONE_RUN, progress="no"), TypeError, r"progress must be True or False"),
    (lambda: widgets.train_and_plot("nope", **ONE_RUN), ValueError, r"experiment must be one of"),
    (lambda: experiments.run_experiment("adding", cells="lstm", seq_len=3, hidden_size=2, epochs=1, seeds=1,
                                        progress="x"), TypeError, r"progress must be True or False"),
    # ------------------------------------------------------------ raw Python errors that named nothing
    (lambda: Vocabulary(None), TypeError, r"chars must be a string or a sequence of single characters, got NoneType"),
    (lambda: Vocabulary(5), TypeError, r"chars must be a string or a sequence .*got int"),
    (lambda: load_spec(None), TypeError, r"path must be a TOML file path"),
    (lambda: load_spec(5), TypeError, r"path must be a TOML file path"),
]


@pytest.mark.parametrize("raw, pattern", [
    (b"\xff\xfe\x00a = 1", r"spec.toml: not valid TOML"),               # not UTF-8: UnicodeDecodeError, no file named
    (b"sweep = [1, 2]", r"spec.toml: 'sweep' must be a non-empty list of tables"),   # raw "'int' is not iterable"
    (b'sweep = ["adding"]', r"spec.toml: 'sweep' must be a non-empty list of tables"),
])
def test_damaged_sweep_spec_names_the_file(tmp_path, raw, pattern):
    (tmp_path / "spec.toml").write_bytes(raw)
    with pytest.raises(ValueError, match=pattern):
        load_spec(tmp_path / "spec.toml")


@pytest.mark.parametrize("call, exc, pattern", CASES, ids=[f"case{i}" for i in range(len(CASES))])
def test_bad_argument_is_named(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()


def test_numpy_bool_is_a_bool_for_count_parameters():
    assert params.count_parameters("gru", 1, 4, "keras", reset_after=np.bool_(False)) == \
        params.count_parameters("gru", 1, 4, "keras", reset_after=False)


def test_train_and_plot_refuses_before_any_training(monkeypatch):
    monkeypatch.setattr(widgets, "run_experiment", lambda *a, **k: pytest.fail("trained despite a bad argument"))
    with pytest.raises(TypeError, match="cell must be a string"):
        widgets.train_and_plot("adding", **{**ONE_RUN, "cell": ["lstm"]})


# ---------------------------------------------------------------- instructor: odd notebooks and exercises.toml

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "assign"


@pytest.fixture
def course(tmp_path):
    """A copy of the assignment fixture: (notebooks folder, notebook path, instructor folder)."""
    shutil.copytree(FIXTURE, tmp_path / "course")
    src = tmp_path / "course" / "notebooks"
    return src, src / "01_tiny.ipynb", tmp_path / "course" / "instructor"


def _edit_notebook(path, change):
    nb = json.loads(path.read_text(encoding="utf-8"))
    change(nb)
    path.write_text(json.dumps(nb), encoding="utf-8")


def _answer_cell(nb):
    return next(c for c in nb["cells"] if "answer" in c["metadata"].get("tags", []))


@pytest.mark.parametrize("value", ["01-3", ["01-3"], 7])
@pytest.mark.parametrize("to", ["nbgrader", "otter"])
def test_answer_cell_whose_rnnlab_metadata_is_not_a_table(course, tmp_path, value, to):
    src, nb_path, instructor = course
    _edit_notebook(nb_path, lambda nb: _answer_cell(nb)["metadata"].__setitem__("rnnlab", value))
    with pytest.raises(ValueError, match=r"01_tiny.ipynb, cell \d+: an answer cell must be markdown with metadata "
                                         r"rnnlab.exercise"):
        build_assignment(src, tmp_path / "out", to=to, instructor=instructor)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("points", ["inf", "-inf", "nan", "1e400", "1e300", "-1", "0", '"2"', "true"])
@pytest.mark.parametrize("to", ["nbgrader", "otter"])
def test_points_must_be_a_positive_finite_number(course, tmp_path, points, to):
    src, _, instructor = course
    toml = instructor / "exercises.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("points = 2", f"points = {points}", 1), encoding="utf-8")
    with pytest.raises(ValueError, match=r"exercises.toml: \[\[coding\]\] #1 \(01-1, relu\): points must be a "
                                         r"positive finite number"):
        build_assignment(src, tmp_path / "out", to=to, instructor=instructor)


def test_points_inf_on_the_command_line_is_a_one_line_error(course, tmp_path, capsys):
    src, _, instructor = course
    toml = instructor / "exercises.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("points = 1\ntests", "points = inf\ntests"),
                    encoding="utf-8")
    assert main(["assign", str(src), "--to", "nbgrader", "--instructor", str(instructor),
                 "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert "points must be a positive finite number" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_largest_allowed_points_write_valid_json(course, tmp_path):
    src, _, instructor = course
    toml = instructor / "exercises.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("points = 2", "points = 1e6", 1), encoding="utf-8")
    [path] = build_assignment(src, tmp_path / "out", to="nbgrader", instructor=instructor)
    text = path.read_text(encoding="utf-8")
    json.loads(text, parse_constant=lambda c: pytest.fail(f"invalid JSON constant {c}"))
    assert '"points": 1000000' in text


@pytest.mark.parametrize("widgets_meta, key", [
    ("x", "widgets"),
    ({WIDGET_STATE: "x"}, WIDGET_STATE),
    ({WIDGET_STATE: {"state": [1]}}, "state"),
])
def test_student_notebook_with_damaged_widget_state(course, tmp_path, widgets_meta, key):
    _, nb_path, _ = course
    _edit_notebook(nb_path, lambda nb: nb["metadata"].__setitem__("widgets", widgets_meta))
    with pytest.raises(ValueError, match="01_tiny.ipynb: the saved widget state must be a mapping at " + re.escape(repr(key))):
        build_student_notebooks(nb_path, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    # clear_outputs drops the widget state instead of reading it
    [written] = build_student_notebooks(nb_path, tmp_path / "cleared", clear_outputs=True)
    assert "widgets" not in json.loads(written.read_text(encoding="utf-8"))["metadata"]


def test_widget_state_keeps_displayed_models_and_skips_a_malformed_view(course, tmp_path):
    _, nb_path, _ = course

    def add_widgets(nb):
        nb["metadata"]["widgets"] = {WIDGET_STATE: {"state": {"m1": {}, "m2": {}}, "version_major": 2}}
        cell = next(c for c in nb["cells"] if c["cell_type"] == "code" and "solution" not in c["metadata"].get(
            "tags", []))
        cell["outputs"] = [{"output_type": "display_data", "metadata": {},
                            "data": {WIDGET_VIEW: {"model_id": "m1"}, "text/plain": "w"}},
                           {"output_type": "display_data", "metadata": {}, "data": {WIDGET_VIEW: "m2", "text/plain": "v"}}]
    _edit_notebook(nb_path, add_widgets)
    [written] = build_student_notebooks(nb_path, tmp_path / "out")
    state = json.loads(written.read_text(encoding="utf-8"))["metadata"]["widgets"][WIDGET_STATE]["state"]
    assert state == {"m1": {}}
