"""The experiment widgets in a real browser: JupyterLab in headless Chromium drives the sliders and the Train button.

Each test opens a small notebook made of the real notebook's set-up cell and widget cell (see ``widget_notebook``),
runs it in JupyterLab, and works the widget as a student would: reads the sliders, types new values into their
readouts, clicks Train, and reads what appears in the widget's output area. Screenshots of each state go to
test-artifacts/browser/ (ignored by git).
"""
from __future__ import annotations

import base64
import re
import urllib.parse

import pytest

pytestmark = pytest.mark.browser

EXPERIMENTS = [  # notebook, experiment, (seq-len default, hidden default), settings for a run of a few seconds
    ("03_long_dependency.ipynb", "long_dependency", (100, 16), {"sequence length": 40, "hidden size": 8,
                                                                "max epochs": 6}),
    ("04_next_number.ipynb", "next_number", (3, 10), {"sequence length": 4, "hidden size": 8, "max epochs": 5}),
]
# Figures as SVG in these notebooks only, so the test can read the plot's title out of the image it shows
# (the title is drawn into the picture; matplotlib keeps the text of each label in a comment of the SVG).
SVG_FIGURES = '%config InlineBackend.figure_formats = ["svg"]'


# Notes what the widget showed during a run, however short: whether the Train button was disabled, and whether a
# progress bar appeared in the output area while it was.
WATCH_TRAINING = """output => {
    const widget = output.parentElement, seen = {disabled: false, barWhileDisabled: false, barText: ""};
    window.rnnlabSeen = seen;
    const look = () => {
        const button = widget.querySelector("button.widget-button"), bars = output.querySelectorAll(".widget-hprogress");
        seen.disabled ||= button.disabled;
        if (bars.length && button.disabled) {  // with several seeds: a bar over the runs and one over the epochs
            seen.barWhileDisabled = true;
            const text = [...bars].map(bar => bar.parentElement.innerText).join(" | ");
            if (text.includes("epochs") || !seen.barText.includes("epochs")) seen.barText = text;
        }
    };
    new MutationObserver(look).observe(widget, {subtree: true, childList: true, attributes: true, characterData: true});
}"""


def open_and_run(page, lab, name):
    """Open notebook ``name`` alone in JupyterLab, run all its cells from the Run menu, and return its panel."""
    page.goto(lab.url(f"lab/tree/{name}", reset=True))
    notebook = page.locator(".jp-NotebookPanel:visible")
    notebook.locator(".jp-Cell").first.wait_for()
    # Running before the kernel is up would ask which kernel to start: wait for the status bar's "| Idle".
    page.locator(".jp-StatusBar-Widget").get_by_text(re.compile(r"\| Idle$")).wait_for()
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    return notebook


def labelled(notebook, kind, label):
    label = notebook.page.locator(".widget-label", has_text=re.compile(f"^{label}$"))
    return notebook.locator(kind, has=label)


def readout(notebook, label):
    return labelled(notebook, ".widget-slider", label).locator(".widget-readout")


def set_slider(notebook, label, value):
    """Type ``value`` into the slider's readout and press Enter, as a student can."""
    box = readout(notebook, label)
    box.click()
    box.press("Control+A")
    box.press_sequentially(str(value))
    box.press("Enter")
    assert box.inner_text().strip() == str(value)


def dropdown(notebook, label):
    return labelled(notebook, ".widget-dropdown", label).locator("select")


def train_button(notebook):
    return notebook.locator("button.widget-button", has_text="Train")


def plot_sources(output):
    """The SVG text of every picture shown in ``output`` (JupyterLab shows an SVG as an <img> with a data: URL)."""
    sources = []
    for src in output.locator("img").evaluate_all("imgs => imgs.map(i => i.src)"):
        head, _, data = src.partition(",")
        if "svg" in head:
            sources.append(base64.b64decode(data).decode() if ";base64" in head else urllib.parse.unquote(data))
    return sources


@pytest.mark.parametrize("notebook, experiment, defaults, settings", EXPERIMENTS, ids=[e[1] for e in EXPERIMENTS])
def test_sliders_and_train_button_in_jupyterlab(lab, page, shoot, widget_notebook_in_lab, notebook, experiment,
                                                defaults, settings):
    nb = open_and_run(page, lab, widget_notebook_in_lab(notebook, experiment, [SVG_FIGURES]))

    # The sliders render with their labels and defaults.
    readout(nb, "sequence length").wait_for()
    assert readout(nb, "sequence length").inner_text().strip() == str(defaults[0])
    assert readout(nb, "hidden size").inner_text().strip() == str(defaults[1])
    assert readout(nb, "seeds").inner_text().strip() == "2"  # a spread, not one run
    assert dropdown(nb, "backend").input_value() == "torch"
    train = train_button(nb)
    assert train.is_enabled()
    shoot("defaults")

    for label, value in settings.items():
        set_slider(nb, label, value)
    shoot("changed")

    T, H = settings["sequence length"], settings["hidden size"]
    line = f"lstm on torch, T={T}, hidden={H}, recipe rnnlab: "
    output, bar = nb.locator(".widget-output"), nb.locator(".widget-output .widget-hprogress")
    output.evaluate(WATCH_TRAINING)
    train.click()
    # While it trains: the button is disabled and tqdm's progress bar (an ipywidgets bar) counts the epochs.
    bar.or_(output.get_by_text(line)).first.wait_for(timeout=120_000)
    if bar.is_visible():  # else the run was over before the screenshot; the watcher still saw what it showed
        shoot("training")

    # Then: one line about the run and the plot, whose title names the chosen length and size.
    output.get_by_text(line).wait_for(timeout=120_000)
    output.locator("img").wait_for()
    nb.locator("button.widget-button:enabled", has_text="Train").wait_for()
    output.locator("img").scroll_into_view_if_needed()
    shoot("result")
    seen = page.evaluate("window.rnnlabSeen")
    assert seen["disabled"], "the Train button should be disabled while training"
    # one seed: tqdm's bar counts the epochs; several (the widget's default, 2): run_experiment's bar counts the runs
    counts = "epochs" in seen["barText"] or f"{experiment}:" in seen["barText"] and "/2" in seen["barText"]
    assert seen["barWhileDisabled"] and counts, f"no progress bar while training: {seen}"
    assert output.locator(".widget-hprogress").count() == 0  # the result replaces the bar
    assert not nb.locator("[data-mime-type='application/vnd.jupyter.stderr']").count()
    titles = [s for s in plot_sources(output) if f"T={T}, hidden={H}" in s]
    assert titles, "the plot's title should name the chosen sequence length and hidden size"
    assert f"{experiment}: lstm on torch, T={T}, hidden={H}, seeds 0–1" in titles[0]
    assert "seed 0: " + line in output.inner_text() and "seed 1: " + line in output.inner_text()


def test_a_failed_run_shows_one_readable_line_in_the_widget(lab, page, shoot, widget_notebook_in_lab):
    """A run that fails inside the callback (here: the keras backend missing) tells the student why, in one line."""
    hide_keras = ("import rnnlab.backends\n"
                  "_is_available = rnnlab.backends.is_available\n"
                  "# This kernel pretends Keras is not installed.\n"
                  "rnnlab.backends.is_available = lambda b: False if b == 'keras' else _is_available(b)")
    nb = open_and_run(page, lab, widget_notebook_in_lab("03_long_dependency.ipynb", "long_dependency", [hide_keras]))
    dropdown(nb, "backend").select_option("keras")
    set_slider(nb, "max epochs", 1)
    shoot("keras-chosen")
    train_button(nb).click()

    output = nb.locator(".widget-output")
    message = output.get_by_text("Could not train:")
    message.wait_for()
    shoot("message")
    text = output.inner_text().strip()
    assert text.startswith("Could not train: the keras backend is not installed. Install it with: pip install")
    assert len(text.splitlines()) == 1, text
    assert "Traceback" not in nb.inner_text()
    assert not nb.locator("[data-mime-type='application/vnd.jupyter.stderr']").count()
