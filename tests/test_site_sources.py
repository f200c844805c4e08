"""What the course site is built from (docs/_ext, docs/conf.py), without building it: how a notebook with a saved
widget is read, which modules the API page lists, and where the launch buttons point. The built site itself is
tested in a browser (tests/browser/test_site_browser.py)."""
from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path

import nbformat
import pytest

try:
    import tomllib
except ImportError:   # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
import api_pages  # noqa: E402
import widget_fallback  # noqa: E402

VIEW, STATE = widget_fallback.VIEW, widget_fallback.STATE
WIDGET_NOTEBOOKS = [p for p in sorted((ROOT / "notebooks").glob("[0-9]*.ipynb")) if VIEW in p.read_text(encoding="utf-8")]


def _widget_notebook(state, view):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("w")
    cell.outputs = [nbformat.v4.new_output("display_data", data={VIEW: view, "text/plain": "VBox(children=(…))"}),
                    nbformat.v4.new_output("stream", name="stdout", text="kept\n")]
    nb.cells = [cell]
    nb.metadata["widgets"] = {STATE: {"state": state, "version_major": 2, "version_minor": 0}}
    return nbformat.writes(nb)


def _model(name, **state):
    return {"model_name": name, "model_module": "@jupyter-widgets/controls", "state": state}


def test_the_saved_widgets_of_the_series_become_static_descriptions():
    assert WIDGET_NOTEBOOKS, "no notebook of the series saves a widget: this test reads nothing"
    described = 0
    for path in WIDGET_NOTEBOOKS:
        text = path.read_text(encoding="utf-8")
        nb = widget_fallback.read_notebook(text)
        assert "widgets" not in nb.metadata
        shown = json.dumps([o for c in nb.cells for o in c.get("outputs", [])])
        assert VIEW not in shown and "VBox(children=" not in shown, path.name
        html_outputs = [o.get("data", {}).get("text/html", "") for c in nb.cells for o in c.get("outputs", [])]
        blocks = [h for h in html_outputs if "rnnlab-widget-fallback" in h]        # widgets with controls
        bars = [h for h in html_outputs if "rnnlab-progress-fallback" in h]        # finished progress bars
        assert len(blocks) + len(bars) == text.count(f'"{VIEW}"'), path.name
        assert len(blocks) == text.count("experiment_widget("), path.name    # one per experiment widget
        described += len(blocks)
        assert all("a slider from" in b and "a button, Train" in b for b in blocks), path.name
        assert all(": a bar at " in b and "Interactive widget" not in b for b in bars), path.name
        assert nbformat.reads(text, as_version=4).metadata.get("widgets"), "the file itself keeps its widget state"
    assert described >= 2, "the experiment widgets of 03 and 04 are described"


def test_a_widget_is_described_by_its_controls_and_saved_values():
    state = {"box": _model("VBoxModel", children=["IPY_MODEL_s", "IPY_MODEL_d", "IPY_MODEL_b", "IPY_MODEL_c"]),
             "s": _model("IntSliderModel", description="hidden size", min=2, max=64, value=16),
             "d": _model("DropdownModel", description="cell", _options_labels=["rnn", "lstm"], index=1),
             "b": _model("ButtonModel", description="Train"),
             "c": _model("CheckboxModel", description="<chrono>", value=True)}
    nb = widget_fallback.read_notebook(_widget_notebook(state, {"model_id": "box", "version_major": 2}))
    outputs = nb.cells[0].outputs
    assert [o["output_type"] for o in outputs] == ["display_data", "stream"]
    html = outputs[0]["data"]["text/html"]
    assert list(outputs[0]["data"]) == ["text/html"]
    assert "<li>hidden size: a slider from 2 to 64, set to 16</li>" in html
    assert "<li>cell: one of rnn, lstm, set to lstm</li>" in html
    assert "<li>a button, Train</li>" in html
    assert "<li>&lt;chrono&gt;: on</li>" in html   # descriptions are escaped


def test_a_widget_closed_before_saving_shows_nothing():
    """A view whose model is not in the saved state (a tqdm bar with leave=False): Jupyter shows nothing either."""
    for view in ({"model_id": "gone"}, {"model_id": ["a", "list"]}, "not a mapping"):
        nb = widget_fallback.read_notebook(_widget_notebook({"other": _model("ButtonModel")}, view))
        assert [o["output_type"] for o in nb.cells[0].outputs] == ["stream"]


def test_progress_bars_and_labels_are_shown_as_text():
    state = {"bar": _model("HBoxModel", children=["IPY_MODEL_d", "IPY_MODEL_p", "IPY_MODEL_t"]),
             "d": _model("HTMLModel", value="epochs"),
             "p": _model("FloatProgressModel", value=3.0, max=10.0),
             "t": _model("HTMLModel", value=" 3/10 [00:01&lt;00:02]")}
    html = widget_fallback.read_notebook(_widget_notebook(state, {"model_id": "bar"})).cells[0].outputs[0]["data"]["text/html"]
    assert "<li>epochs</li><li>progress: a bar at 3.0 of 10.0</li><li>3/10 [00:01&lt;00:02]</li>" in html
    assert "Interactive widget" not in html and "rnnlab-progress-fallback" in html   # nothing to use in it


@pytest.mark.parametrize("state, view", [
    ({"a": _model("VBoxModel", children=["IPY_MODEL_a"])}, {"model_id": "a"}),   # a box holding itself
    ({"a": {"model_name": "VBoxModel", "state": "broken"}}, {"model_id": "a"}),
    ({"a": _model("DropdownModel", description="x", _options_labels=["p"], index=7)}, {"model_id": "a"}),
    ({"a": _model("SomethingNewModel", value=1)}, {"model_id": "a"}),
])
def test_a_damaged_widget_state_still_gives_a_description(state, view):
    nb = widget_fallback.read_notebook(_widget_notebook(state, view))
    html = nb.cells[0].outputs[0]["data"]["text/html"]
    assert "Interactive widget" in html and "launch button" in html and "VBox(children" not in html


def test_read_notebook_wants_text():
    with pytest.raises(TypeError, match="text"):
        widget_fallback.read_notebook(b"{}")


def test_the_api_page_lists_every_public_module_and_no_alias():
    names = api_pages.public_modules(ROOT / "rnnlab")
    assert names[0] == "rnnlab"
    for expected in ("rnnlab.data", "rnnlab.models", "rnnlab.text", "rnnlab.text.ngrams", "rnnlab.instructor.student",
                     "rnnlab.torch_backend", "rnnlab.keras_backend", "rnnlab.checks.notebook01"):
        assert expected in names
    for absent in ("rnnlab.__main__", "rnnlab._validation", "rnnlab.text._checks", "rnnlab.student", "rnnlab.colab"):
        assert absent not in names
    page = api_pages.module_sections(names)
    assert page.count(".. automodule::") == len(names)
    with pytest.raises(ValueError, match="package_dir"):
        api_pages.public_modules(ROOT / "docs")


def test_the_launch_buttons_point_at_the_repository_and_release_of_pyproject():
    saved = list(sys.path)
    try:
        conf = runpy.run_path(str(ROOT / "docs" / "conf.py"))
    finally:
        sys.path[:] = saved
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    options = conf["html_theme_options"]
    assert options["repository_url"] == conf["REPOSITORY_URL"] == project["urls"]["Source"]
    assert options["repository_branch"] == conf["RELEASE_REF"] == f"v{project['version']}"
    assert options["path_to_docs"] == ""   # pages sit at their paths in the repository
    assert set(options["launch_buttons"]) >= {"colab_url", "binderhub_url"}
    assert conf["nb_execution_mode"] == "off"
