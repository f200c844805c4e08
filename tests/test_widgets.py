import re

import pytest

import rnnlab
from rnnlab import backends as backends_mod
from rnnlab.widgets import describe, experiment_widget, train_and_plot

widgets = pytest.importorskip("ipywidgets")


def _find(box, kind):
    found = []
    for child in getattr(box, "children", ()):
        if isinstance(child, kind):
            found.append(child)
        found += _find(child, kind)
    return found


def test_train_and_plot_titles_the_figure_with_the_choices():
    pytest.importorskip("torch")
    result, fig = train_and_plot("long_dependency", cell="lstm", backend="torch", seq_len=12, hidden_size=6,
                                 epochs=2, progress=False)
    row = result.rows[0]
    assert (row["seq_len"], row["hidden_size"], row["cell"]) == (12, 6, "lstm")
    title = fig.axes[0].get_title()
    assert "T=12" in title and "hidden=6" in title
    assert describe(row).startswith("lstm on torch, T=12, hidden=6")


def test_describe_next_number_reports_the_prediction():
    row = {"experiment": "next_number", "cell": "rnn", "backend": "keras", "seq_len": 3, "hidden_size": 10,
           "recipe": "rnnlab", "prediction": 12.98, "error": 0.02, "solved": True, "seconds": 4.2}
    assert describe(row) == ("rnn on keras, T=3, hidden=10, recipe rnnlab: prediction 12.980, |error| 0.020 "
                             "(within 0.05), 4.2 s")


@pytest.mark.parametrize("experiment, t_default, h_default", [("long_dependency", 100, 16), ("next_number", 3, 10)])
def test_widget_has_labelled_sliders_with_defaults(experiment, t_default, h_default):
    box = experiment_widget(experiment)
    sliders = {s.description: s for s in _find(box, widgets.IntSlider)}
    assert sliders["sequence length"].value == t_default
    assert sliders["hidden size"].value == h_default
    assert [b.description for b in _find(box, widgets.Button)] == ["Train"]


def test_train_button_runs_the_chosen_settings(capsys):
    pytest.importorskip("torch")
    box = experiment_widget("long_dependency")
    sliders = {s.description: s for s in _find(box, widgets.IntSlider)}
    sliders["sequence length"].value, sliders["hidden size"].value, sliders["max epochs"].value = 20, 8, 2
    button = _find(box, widgets.Button)[0]
    button.click()
    out = capsys.readouterr().out
    assert "lstm on torch, T=20, hidden=8" in out
    assert not button.disabled


def test_errors_in_the_callback_reach_the_student_as_one_line(capsys, monkeypatch):
    box = experiment_widget("next_number")
    backend = [d for d in _find(box, widgets.Dropdown) if d.description == "backend"][0]
    backend.value = "keras"
    monkeypatch.setattr(backends_mod.importlib.util, "find_spec", lambda name: None)
    _find(box, widgets.Button)[0].click()
    # outside a kernel, Output.clear_output() writes a terminal erase sequence; the message follows it
    out = re.sub(r"\x1b\[2K\r", "", capsys.readouterr().out).strip()
    assert out.startswith("Could not train: the keras backend is not installed") and "pip install" in out
    assert len(out.splitlines()) == 1


def test_a_widget_not_drawn_reads_as_a_sentence_not_as_its_children():
    # Opened without running (or in a text viewer), a saved widget shows its text/plain: a sentence, not
    # "VBox(children=(VBox(children=(HBox(...". The live view is still there for Jupyter to draw.
    box = experiment_widget("adding")
    bundle = box._repr_mimebundle_()
    bundle = bundle[0] if isinstance(bundle, tuple) else bundle
    assert bundle["text/plain"] == rnnlab.widgets.WIDGET_TEXT and len(rnnlab.widgets.WIDGET_TEXT) <= 110
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == box.model_id
    assert isinstance(box, widgets.VBox) and _find(box, widgets.Button)


def test_widget_rejects_unknown_experiment():
    with pytest.raises(ValueError, match="experiment must be one of"):
        experiment_widget("copy_task")


def test_have_prints_a_one_line_note(monkeypatch, capsys):
    monkeypatch.setattr(backends_mod.importlib.util, "find_spec", lambda name: None)
    assert rnnlab.notebook.have("torch") is False
    assert "pip install" in capsys.readouterr().out


def test_require_stops_the_set_up_cell_with_the_pip_command_of_what_is_missing(monkeypatch):
    monkeypatch.setattr(backends_mod.importlib.util, "find_spec",
                        lambda name: None if name == "torch" else object())
    rnnlab.notebook.require("keras")   # present: nothing happens
    with pytest.raises(ImportError, match=r"needs torch, which is not installed.*pip install torch") as info:
        rnnlab.notebook.require("torch", "keras")
    assert info.value._render_traceback_() == [str(info.value)]   # shown alone, without a traceback
    with pytest.raises(ValueError, match="backend must be one of"):
        rnnlab.notebook.require("tensorflow")
    with pytest.raises(ValueError, match="at least one"):
        rnnlab.notebook.require()


def test_epoch_slider_follows_the_recipe():
    box = experiment_widget("next_number")
    epochs = [s for s in _find(box, widgets.IntSlider) if s.description == "max epochs"][0]
    recipe = [d for d in _find(box, widgets.Dropdown) if d.description == "recipe"][0]
    assert epochs.value == rnnlab.recipes.NEXT_NUMBER["rnnlab"].epochs
    recipe.value = "original"
    assert epochs.value == rnnlab.recipes.NEXT_NUMBER["original"].epochs == 10
    long_box = experiment_widget("long_dependency")
    long_epochs = [s for s in _find(long_box, widgets.IntSlider) if s.description == "max epochs"][0]
    assert long_epochs.value == 30 < rnnlab.recipes.LONG_DEPENDENCY["rnnlab"].epochs  # interactive cap


def test_several_seeds_show_their_spread_against_chance_and_the_target():
    pytest.importorskip("torch")
    result, fig = train_and_plot("long_dependency", cell="rnn", backend="torch", seq_len=8, hidden_size=4,
                                 epochs=1, seeds=2, progress=False)
    assert [row["seed"] for row in result.rows] == [0, 1]
    ax = fig.axes[0]
    assert "seeds 0–1" in ax.get_title()
    labels = ax.get_legend_handles_labels()[1]
    assert any("2 seeds" in label for label in labels)  # the median line and its band, not "(n=2)"
    assert {"chance: guessing the bit", "solved: accuracy 0.99"} <= set(labels)
    assert sorted(line.get_ydata()[0] for line in ax.get_lines() if line.get_linestyle() == ":") == [0.5, 0.99]
    assert ax.get_ylabel() == "validation accuracy"


@pytest.mark.parametrize("seeds, error, match", [(0, ValueError, "seeds must be >= 1"),
                                                 (6, ValueError, "seeds must be <= 5"),
                                                 (1.5, TypeError, "seeds must be an integer")])
def test_seeds_is_validated_before_training(seeds, error, match, monkeypatch):
    monkeypatch.setattr(rnnlab.widgets, "run_experiment", lambda *a, **k: pytest.fail("trained anyway"))
    with pytest.raises(error, match=match):
        train_and_plot("adding", cell="rnn", backend="torch", seq_len=10, hidden_size=4, seeds=seeds)


def test_the_button_reports_every_seed_and_the_count(capsys):
    pytest.importorskip("torch")
    box = experiment_widget("long_dependency")
    sliders = {s.description: s for s in _find(box, widgets.IntSlider)}
    assert sliders["seeds"].value == 2
    sliders["sequence length"].value, sliders["hidden size"].value, sliders["max epochs"].value = 10, 4, 1
    _find(box, widgets.Button)[0].click()
    out = capsys.readouterr().out
    assert "seed 0: lstm on torch, T=10" in out and "seed 1: lstm on torch, T=10" in out
    assert re.search(r"solved in [012] of 2 runs", out)


def test_the_epoch_bar_makes_no_time_estimate():
    from rnnlab.progress import epoch_bar

    bar = epoch_bar(40, progress=True)
    assert "remaining" not in bar.bar_format and "rate" not in bar.bar_format and "solved" in bar.desc
    bar.close()
