"""Sliders and a Train button for the experiments (core ipywidgets only: works on 7.x, Colab's, and 8.x).

The button's work is done by :func:`train_and_plot`, a plain function that tests call directly.
"""
from __future__ import annotations

from ._validation import check_bool, check_choice, check_int, check_seed
from .backends import BACKENDS, CELLS
from .experiments import EXPERIMENTS, run_experiment
from .settings import EXPERIMENT_DEFAULTS, SOLVE_ACCURACY, SOLVE_ERROR, SOLVE_MSE

INTERACTIVE_EPOCHS = 30
WIDGET_SEEDS = (1, 5, 2)  # the seeds slider: min, max, default (each seed is one more run of the same settings)
# experiment -> the lines drawn across its figure: (value, words); adding: always answering 1 scores Var(u1 + u2)
REFERENCE_LINES = {
    "long_dependency": ((0.5, "chance: guessing the bit"), (SOLVE_ACCURACY, f"solved: accuracy {SOLVE_ACCURACY:g}")),
    "adding": ((2 / 12, "always answering 1"), (SOLVE_MSE, f"solved: error {SOLVE_MSE:g}")),
    "next_number": (),
}
SLIDERS = {  # experiment: (seq_len min, max, step, default), (hidden min, max, default)
    # The sequence sliders start shorter than the experiments' defaults, so that a first click trains quickly.
    "long_dependency": ((10, 300, 10, 100), (2, 64, EXPERIMENT_DEFAULTS["long_dependency"].hidden_size)),
    "next_number": ((2, 10, 1, EXPERIMENT_DEFAULTS["next_number"].seq_len),
                    (2, 64, EXPERIMENT_DEFAULTS["next_number"].hidden_size)),
    "adding": ((10, 300, 10, 100), (2, 64, EXPERIMENT_DEFAULTS["adding"].hidden_size)),
}


def describe(row):
    """One line about one run (a row of an experiment table)."""
    missing = [k for k in ("experiment", "cell", "backend", "seq_len", "hidden_size", "recipe") if k not in row] \
        if isinstance(row, dict) else None
    if missing is None or missing:
        raise TypeError(f"row must be a row of an experiment table (a dict with {missing or 'its columns'}), "
                        f"got {row!r}")
    outcome = ("failure",) if row.get("failure") else \
        ("prediction", "error", "solved", "seconds") if row["experiment"] == "next_number" else \
        ("steps", "solved", "seconds", "val_metric")
    missing = [k for k in outcome if k not in row]
    if missing:
        raise ValueError(f"row must be a row of an experiment table; this one has no {missing}")
    where = f"{row['cell']} on {row['backend']}, T={row['seq_len']}, hidden={row['hidden_size']}, recipe {row['recipe']}"
    if row.get("failure"):
        return f"{where}: failed: {row['failure']}"
    if row["experiment"] == "next_number":
        within = "within" if row["solved"] else "outside"
        return (f"{where}: prediction {row['prediction']:.3f}, |error| {row['error']:.3f} ({within} {SOLVE_ERROR:g}), "
                f"{row['seconds']:.1f} s")
    verdict = f"solved in {row['steps']} steps" if row["solved"] else f"not solved after {row['steps']} steps"
    metric = "best validation MSE" if row["experiment"] == "adding" else "validation accuracy"
    return f"{where}: {verdict} ({row['seconds']:.1f} s), {metric} {row['val_metric']:.3f}"


def _epoch_default(recipe):
    """The recipe's own epoch budget, capped at 30 so an interactive run stays short."""
    return min(recipe.epochs, INTERACTIVE_EPOCHS)


def train_and_plot(experiment, *, cell, backend, seq_len, hidden_size, recipe="rnnlab", epochs=None, seed=0,
                   seeds=1, progress=True):
    """Run ``seeds`` seeds of ``experiment`` (``seed``, ``seed + 1``, ...) with the same settings and return
    ``(result, figure)``: the median curve over the seeds with its min–max band, and the lines a run is read
    against (chance and the solved threshold). What the Train button calls."""
    import matplotlib.pyplot as plt

    from .plotting import plot_curves

    check_choice(experiment, "experiment", EXPERIMENTS)
    check_choice(cell, "cell", CELLS)        # one setting: a single cell, backend, length and size
    check_choice(backend, "backend", BACKENDS)
    for value, label in ((seq_len, "seq_len"), (hidden_size, "hidden_size")):
        if isinstance(value, (list, tuple, range)) or hasattr(value, "__array__"):
            raise TypeError(f"{label} must be one integer, got {type(value).__name__} {value!r}")
    seed = check_seed(seed)
    seeds = check_int(seeds, "seeds", min_value=WIDGET_SEEDS[0], max_value=WIDGET_SEEDS[1])
    progress = check_bool(progress, "progress")
    result = run_experiment(experiment, cells=cell, backends=backend, seeds=list(range(seed, seed + seeds)),
                            seq_len=seq_len, hidden_size=hidden_size, recipe=recipe, epochs=epochs, progress=progress)
    if result.failures:
        raise RuntimeError(describe(result.failures[0]))
    fig, ax = plt.subplots(figsize=(7, 3.5))
    plot_curves(result, ax=ax)
    for value, words in REFERENCE_LINES[experiment]:
        ax.axhline(value, color="0.35", linewidth=1, linestyle=":", label=words)
    ax.legend(fontsize=8)
    which = f"seed {seed}" if seeds == 1 else f"seeds {seed}–{seed + seeds - 1}"
    ax.set_title(f"{experiment}: {cell} on {backend}, T={seq_len}, hidden={hidden_size}, {which}", fontsize=10)
    fig.tight_layout()
    plt.close(fig)
    return result, fig


def summary(result):
    """'solved in k of n runs' for the rows of a result (the outcome a student compares across settings)."""
    solved = sum(bool(row["solved"]) for row in result.rows)
    return f"solved in {solved} of {len(result.rows)} run{'s' if len(result.rows) != 1 else ''}"


def experiment_widget(experiment="long_dependency"):
    """Sequence-length and hidden-size sliders, cell/backend/recipe choices, an epoch budget, the number of seeds
    and a Train button."""
    import ipywidgets as w
    from IPython.display import display

    check_choice(experiment, "experiment", EXPERIMENTS)
    (t_min, t_max, t_step, t_default), (h_min, h_max, h_default) = SLIDERS[experiment]
    recipes = EXPERIMENTS[experiment]["recipes"]
    style = {"description_width": "initial"}
    seq_len = w.IntSlider(value=t_default, min=t_min, max=t_max, step=t_step, description="sequence length",
                          continuous_update=False, style=style)
    hidden = w.IntSlider(value=h_default, min=h_min, max=h_max, description="hidden size",
                         continuous_update=False, style=style)
    cell = w.Dropdown(options=list(CELLS), value="lstm", description="cell")
    backend = w.Dropdown(options=list(BACKENDS), value="torch", description="backend")
    recipe = w.Dropdown(options=list(recipes), value="rnnlab", description="recipe")
    epochs = w.IntSlider(value=_epoch_default(recipes["rnnlab"]), min=1, max=max(r.epochs for r in recipes.values()),
                         description="max epochs", continuous_update=False, style=style)
    recipe.observe(lambda change: setattr(epochs, "value", _epoch_default(recipes[change["new"]])), names="value")
    seeds = w.IntSlider(value=WIDGET_SEEDS[2], min=WIDGET_SEEDS[0], max=WIDGET_SEEDS[1], description="seeds",
                        continuous_update=False, style=style)
    button = w.Button(description="Train", button_style="primary", icon="play")
    out = w.Output()

    def on_click(_):
        button.disabled = True
        out.clear_output()
        with out:
            try:
                result, fig = train_and_plot(experiment, cell=cell.value, backend=backend.value,
                                             seq_len=seq_len.value, hidden_size=hidden.value,
                                             recipe=recipe.value, epochs=epochs.value, seeds=seeds.value)
                # The result replaces the progress bar: a run that stops early (solved) would leave tqdm's bar
                # behind, half full and red as if it had failed.
                out.clear_output(wait=True)
                for row in result.rows:
                    print(f"seed {row['seed']}: {describe(row)}")
                print(summary(result))
                display(fig)
            except (ValueError, TypeError, ImportError, RuntimeError) as exc:
                print(f"Could not train: {exc}")
            finally:
                button.disabled = False

    button.on_click(on_click)
    controls = w.VBox([w.HBox([seq_len, hidden]), w.HBox([cell, backend, recipe]), w.HBox([epochs, seeds, button])])
    return _experiment_box(w)([controls, out])


WIDGET_TEXT = "[Interactive: sliders and a Train button. Run the notebook's cells to use them.]"


def _experiment_box(w):
    """A VBox that reads as a sentence where widgets cannot be drawn (a notebook opened without running it, a
    text viewer): ipywidgets 7 and 8 both take a widget's text/plain from its repr (cut at 110 characters)."""
    class ExperimentBox(w.VBox):
        def __repr__(self):
            return WIDGET_TEXT

    return ExperimentBox
