"""Read a notebook for the site with each saved widget replaced by a static description of its controls.

A widget needs a running kernel to do anything, and the widget JavaScript that would draw the saved state comes
from a CDN; the site is static and is built and read offline. So each widget-view output becomes an HTML block
naming the widget's parts and their saved values (read from the notebook's saved widget state), with a pointer to
the launch buttons, and the saved widget state is dropped. A view whose widget was closed before the notebook was
saved (its model is not in the state: a progress bar that removes itself, say) shows nothing, as in Jupyter.
The notebook file is not changed.
"""
from __future__ import annotations

import html
import re

import nbformat

VIEW = "application/vnd.jupyter.widget-view+json"
STATE = "application/vnd.jupyter.widget-state+json"
MAX_DEPTH = 20   # widget boxes nest a few levels; a deeper (or cyclic) saved state is not followed further


def read_notebook(text):
    """The notebook in ``text`` (JSON) as a NotebookNode, its widget views replaced (see the module's docstring)."""
    if not isinstance(text, str):
        raise TypeError(f"text must be the notebook's JSON as a string, got {type(text).__name__}")
    nb = nbformat.reads(text, as_version=4)
    widgets = nb.metadata.pop("widgets", None)
    state = widgets.get(STATE, {}).get("state", {}) if isinstance(widgets, dict) else {}
    if not isinstance(state, dict):
        state = {}
    for cell in nb.cells:
        if "outputs" not in cell:
            continue
        outputs = []
        for output in cell.outputs:
            data = output.get("data") if isinstance(output, dict) else None
            if not (isinstance(data, dict) and VIEW in data):
                outputs.append(output)
                continue
            model_id = data[VIEW].get("model_id") if isinstance(data[VIEW], dict) else None
            if isinstance(model_id, str) and model_id in state:
                outputs.append(nbformat.v4.new_output("display_data", data={"text/html": describe(model_id, state)}))
        cell.outputs = outputs
    return nb


INTERACTIVE = ("SliderModel", "DropdownModel", "ButtonModel", "CheckboxModel", "ToggleButtonModel", "TextModel",
               "RadioButtonsModel", "SelectModel", "ToggleButtonsModel")


def describe(model_id, state):
    """HTML naming the controls of widget ``model_id`` in the saved widget ``state`` (``{model_id: model}``): an
    "Interactive widget" note for a widget with controls, a plain list for one that only reports (a finished
    progress bar and its labels), which there is nothing to use in."""
    state = state if isinstance(state, dict) else {}
    controls = _controls(model_id, state, 0)
    items = "".join(f"<li>{html.escape(c)}</li>" for c in controls)
    if items and not _has_controls(model_id, state, 0):
        return f'<div class="rnnlab-progress-fallback"><ul>{items}</ul></div>'

    listing = f"<p>Its controls, as saved:</p><ul>{items}</ul>" if items else ""
    return ('<div class="rnnlab-widget-fallback admonition note"><p class="admonition-title">Interactive widget</p>'
            "<p>Here the notebook shows a widget, drawn and run by Python behind the page. To use it, open this "
            "notebook in Colab or Binder with the launch button at the top of the page and run its cells."
            f"</p>{listing}</div>")


def _has_controls(model_id, state, depth):
    """True when widget ``model_id`` or a widget inside it is something to use (a slider, a choice, a button...)."""
    model = state.get(model_id) if isinstance(model_id, str) else None
    if depth > MAX_DEPTH or not isinstance(model, dict) or not isinstance(model.get("state"), dict):
        return False
    if str(model.get("model_name", "")).endswith(INTERACTIVE):
        return True
    children = model["state"].get("children")
    return isinstance(children, list) and any(
        isinstance(child, str) and _has_controls(child.removeprefix("IPY_MODEL_"), state, depth + 1) for child in children)


def _controls(model_id, state, depth):
    model = state.get(model_id) if isinstance(model_id, str) else None
    if depth > MAX_DEPTH or not isinstance(model, dict) or not isinstance(model.get("state"), dict):
        return []
    name, s = str(model.get("model_name", "")), model["state"]
    label = str(s.get("description") or "").strip()
    children = s.get("children") if isinstance(s.get("children"), list) else []
    if children:
        return [c for child in children if isinstance(child, str)
                for c in _controls(child.removeprefix("IPY_MODEL_"), state, depth + 1)]
    if name.endswith("SliderModel") and {"min", "max", "value"} <= s.keys():
        return [f"{label or 'slider'}: a slider from {s['min']} to {s['max']}, set to {s['value']}"]
    if "_options_labels" in s and isinstance(s["_options_labels"], list):
        options = [str(o) for o in s["_options_labels"]]
        index = s.get("index")
        chosen = f", set to {options[index]}" if isinstance(index, int) and 0 <= index < len(options) else ""
        return [f"{label or 'choice'}: one of {', '.join(options)}{chosen}"]
    if name == "ButtonModel":
        return [f"a button, {label}" if label else "a button"]
    if name in ("CheckboxModel", "ToggleButtonModel") and "value" in s:
        return [f"{label or 'switch'}: {'on' if s['value'] else 'off'}"]
    if name.endswith("ProgressModel") and {"value", "max"} <= s.keys():
        return [f"{label or 'progress'}: a bar at {s['value']} of {s['max']}"]
    if name in ("HTMLModel", "LabelModel") and str(s.get("value") or "").strip():
        return [re.sub(r"<[^>]*>", "", html.unescape(str(s["value"]))).strip()]
    if name.endswith("TextModel") and "value" in s:
        return [f"{label or 'text box'}: {s['value']!r}"]
    return []
