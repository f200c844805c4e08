"""The series' palette, the curve and solve-rate figures, and the Wilson interval behind the error bars."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import rgb_to_hsv, to_hex, to_rgb  # noqa: E402

from rnnlab.experiments import ExperimentResult  # noqa: E402
from rnnlab.gradients import plot_gradient_norms  # noqa: E402
from rnnlab.plotting import (BACKEND_MARKERS, CELL_COLORS, RECIPE_STYLES, cell_color, plot_curves,  # noqa: E402
                             plot_solve_rates)
from rnnlab.stats import wilson_interval  # noqa: E402
from rnnlab.training import History  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_palette_is_stable_and_distinct():
    # The notebooks' prose refers to these colours; changing them is a deliberate, visible decision.
    assert CELL_COLORS == {"rnn": "#0072B2", "lstm": "#D55E00", "gru": "#009E73"}
    rgb = [np.array(to_rgb(c)) for c in CELL_COLORS.values()]
    assert min(np.linalg.norm(a - b) for i, a in enumerate(rgb) for b in rgb[i + 1:]) > 0.25
    hues = sorted(rgb_to_hsv(c)[0] * 360 for c in rgb)
    assert min(np.diff(hues + [hues[0] + 360])) > 30
    assert RECIPE_STYLES["rnnlab"] != RECIPE_STYLES["original"]
    assert len(set(BACKEND_MARKERS.values())) == len(BACKEND_MARKERS)


@pytest.mark.parametrize("label,cell", [
    ("lstm torch 300", "lstm"), ("LSTM, chrono", "lstm"), ("simple RNN", "rnn"), ("rnn_torch", "rnn"),
    ("GRU, update bias 3", "gru"), ("LSTMs", "lstm"), ("$\\|U\\| = 0.9$", None), ("lstm vs gru", None),
    ("grumpy", None),
])
def test_cell_color_finds_the_cell_in_a_label(label, cell):
    assert cell_color(label) == (CELL_COLORS[cell] if cell else None)


def test_cell_color_bad_input():
    with pytest.raises(TypeError, match="label must be a string"):
        cell_color(3)


def _result(rows):
    """An ExperimentResult with made-up histories: no training needed to test the figure."""
    full, histories = [], []
    for i, (cell, backend, recipe, seq_len) in enumerate(rows):
        full.append({"experiment": "long_dependency", "cell": cell, "backend": backend, "seed": 0,
                     "seq_len": seq_len, "hidden_size": 16, "recipe": recipe})
        records = [{"epoch": e, "steps": 10 * e, "seconds": e, "loss": 1 / e, "val_loss": 1 / e,
                    "accuracy": 0.5, "val_accuracy": 0.5 + 0.01 * e + 0.001 * i} for e in range(1, 9)]
        histories.append(History("binary", records=records))
    return ExperimentResult(full, histories)


def test_plot_curves_lines_take_the_cell_colour_and_recipe_style():
    result = _result([("rnn", "torch", "original", 300), ("lstm", "torch", "original", 300),
                      ("rnn", "torch", "rnnlab", 300), ("lstm", "torch", "rnnlab", 300)])
    ax = plot_curves(result)
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {"rnn original (1 seed)", "lstm original (1 seed)", "rnn rnnlab (1 seed)", "lstm rnnlab (1 seed)"}
    for label, line in lines.items():
        cell, recipe = label.split()[:2]
        assert to_hex(line.get_color()) == CELL_COLORS[cell].lower()
        assert line.get_linestyle() == RECIPE_STYLES[recipe]
        assert line.get_marker() in (None, "None", "")  # one backend: no markers


def test_plot_curves_marks_backends_and_shades_lengths():
    result = _result([("lstm", "torch", "rnnlab", 30), ("lstm", "keras", "rnnlab", 30),
                      ("lstm", "torch", "rnnlab", 300), ("lstm", "keras", "rnnlab", 300)])
    ax = plot_curves(result)
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert lines["torch 30 (1 seed)"].get_marker() == BACKEND_MARKERS["torch"]
    assert lines["keras 30 (1 seed)"].get_marker() == BACKEND_MARKERS["keras"]
    # The same cell at two lengths: the longer in the cell colour, the shorter a lighter shade of it.
    assert to_hex(lines["torch 300 (1 seed)"].get_color()) == CELL_COLORS["lstm"].lower()
    short = np.array(to_rgb(lines["torch 30 (1 seed)"].get_color()))
    assert np.all(short >= np.array(to_rgb(CELL_COLORS["lstm"]))) and short.sum() > np.sum(to_rgb(CELL_COLORS["lstm"]))


def test_plot_curves_leaves_out_failed_runs():
    result = _result([("rnn", "torch", "rnnlab", 300), ("lstm", "torch", "rnnlab", 300)])
    result.histories[1] = None
    assert [line.get_label() for line in plot_curves(result).get_lines()] == ["rnn (1 seed)"]
    result.histories[0] = None
    with pytest.raises(ValueError, match="no runs to plot"):
        plot_curves(result)


def test_plot_gradient_norms_colours():
    norms = {"RNN": [1, 0.1], "LSTM": [1, 0.5], "LSTM, chrono": [1, 0.9], "other": [1, 1]}
    lines = {line.get_label(): line for line in plot_gradient_norms(norms).get_lines()}
    assert to_hex(lines["RNN"].get_color()) == CELL_COLORS["rnn"].lower()
    assert to_hex(lines["LSTM"].get_color()) == to_hex(lines["LSTM, chrono"].get_color()) == CELL_COLORS["lstm"].lower()
    assert lines["LSTM"].get_linestyle() != lines["LSTM, chrono"].get_linestyle()
    assert to_hex(lines["other"].get_color()) not in {c.lower() for c in CELL_COLORS.values()}

    lines = plot_gradient_norms(norms, colors={"RNN": "black"}).get_lines()
    assert to_hex(lines[0].get_color()) == "#000000"
    assert to_hex(lines[1].get_color()) == CELL_COLORS["lstm"].lower()
    lines = plot_gradient_norms({"a": [1, 2], "b": [2, 1]}, colors=["red", "blue"]).get_lines()
    assert [to_hex(line.get_color()) for line in lines] == ["#ff0000", "#0000ff"]


@pytest.mark.parametrize("colors,error,match", [
    ("red", TypeError, "colors must be a dict"),
    (["red"], ValueError, "one colour per label"),
    ({"c": "red"}, ValueError, "colors has labels that are not plotted"),
    ({"a": "no-such-colour"}, ValueError, r"colors\['a'\] is not a matplotlib colour"),
])
def test_plot_gradient_norms_bad_colors(colors, error, match):
    with pytest.raises(error, match=match):
        plot_gradient_norms({"a": [1, 2], "b": [2, 1]}, colors=colors)


@pytest.mark.parametrize("successes,n,low,high", [
    (0, 10, 0.0, 0.2775), (10, 10, 0.7225, 1.0), (5, 10, 0.2366, 0.7634), (1, 3, 0.0615, 0.7923),
    (6, 10, 0.3127, 0.8318),
])
def test_wilson_interval_known_values(successes, n, low, high):
    lo, hi = wilson_interval(successes, n)
    assert isinstance(lo, np.ndarray) and isinstance(hi, np.ndarray)
    assert lo == pytest.approx(low, abs=1e-4) and hi == pytest.approx(high, abs=1e-4)


def test_wilson_interval_arrays_and_z():
    lo, hi = wilson_interval(np.array([0, 5, 10]), 10)
    assert lo[0] == 0.0 and hi[2] == 1.0 and lo.shape == hi.shape == (3,)
    wide, narrow = wilson_interval(5, 10, z=2.576), wilson_interval(5, 10, z=1.0)
    assert wide[0] < lo[1] < narrow[0] and narrow[1] < hi[1] < wide[1]


@pytest.mark.parametrize("args,error,match", [
    ((11, 10), ValueError, "successes must be <= n"),
    ((-1, 10), ValueError, "successes must be non-negative whole numbers"),
    ((1.5, 10), ValueError, "successes must be non-negative whole numbers"),
    ((0, 0), ValueError, "n must be >= 1"),
    (("a", 10), TypeError, "successes must be a count"),
    (([1, 2], [3, 4, 5]), ValueError, "same shape"),
    ((1, 10, 0), ValueError, "z must be a positive finite number"),
])
def test_wilson_interval_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        wilson_interval(*args)


def _solve_table(backends=("torch",)):
    rows = [{"cell": cell, "backend": backend, "seq_len": t, "runs": 10, "solved": solved}
            for backend in backends
            for cell, counts in (("rnn", (9, 6, 2)), ("lstm", (10, 10, 9)))
            for t, solved in zip((10, 100, 300), counts)]
    table = pd.DataFrame(rows)
    table["low"], table["high"] = wilson_interval(table["solved"], table["runs"])
    return table


def _error_bar_extents(container):
    """(low, high) of each error bar of an ``ax.errorbar`` container, in data units."""
    segments = container.lines[2][0].get_segments()
    return np.array([[min(s[:, 1]), max(s[:, 1])] for s in segments])


def test_plot_solve_rates_one_line_per_cell_with_wilson_bars():
    table = _solve_table()
    ax = plot_solve_rates(table)
    assert ax.get_xscale() == "log"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["10", "100", "300"]
    assert len(ax.containers) == 2
    for container in ax.containers:
        cell = container.get_label()
        rows = table[table.cell == cell].sort_values("seq_len")
        line = container.lines[0]
        assert to_hex(line.get_color()) == CELL_COLORS[cell].lower()
        np.testing.assert_allclose(line.get_ydata(), rows.solved / rows.runs)
        low, high = wilson_interval(rows.solved, rows.runs)
        np.testing.assert_allclose(_error_bar_extents(container), np.column_stack([low, high]), atol=1e-12)


def test_plot_solve_rates_one_panel_per_backend():
    axes = plot_solve_rates(_solve_table(("torch", "keras")))
    assert len(axes) == 2 and ["torch" in axes[0].get_title(), "keras" in axes[1].get_title()] == [True, True]
    assert all(len(ax.containers) == 2 for ax in axes)
    _, ax = plt.subplots()
    assert plot_solve_rates(_solve_table(), ax=ax) is ax
    with pytest.raises(ValueError, match="ax can hold one backend"):
        plot_solve_rates(_solve_table(("torch", "keras")), ax=ax)


@pytest.mark.parametrize("change,error,match", [
    (lambda t: t.values, TypeError, "table must be a pandas DataFrame"),
    (lambda t: t.drop(columns="low"), ValueError, r"missing columns \['low'\]"),
    (lambda t: t.iloc[:0], ValueError, "no rows"),
    (lambda t: pd.concat([t, t.iloc[:1]]), ValueError, "several rows for cell='rnn'"),
    (lambda t: t.assign(solved=t.runs + 1), ValueError, "0 <= solved <= runs"),
    (lambda t: t.assign(low=t.high), ValueError, "must bracket"),
])
def test_plot_solve_rates_bad_input(change, error, match):
    with pytest.raises(error, match=match):
        plot_solve_rates(change(_solve_table()))


def test_plot_solve_rates_panels_share_one_length_axis_and_equal_rates_stay_visible():
    """Lengths measured on one backend only still sit at the same place in both panels, and two cells with
    the same rate at a length are drawn side by side with different markers, not one over the other."""
    torch_rows, keras_rows = _solve_table(("torch",)), _solve_table(("keras",))
    keras_rows = keras_rows.assign(seq_len=keras_rows.seq_len.replace({10: 30}))  # keras: 30, 100, 300
    keras_rows.loc[keras_rows.cell == "rnn", ["solved", "low", "high"]] = \
        keras_rows.loc[keras_rows.cell == "lstm", ["solved", "low", "high"]].to_numpy()  # equal rates
    axes = plot_solve_rates(pd.concat([torch_rows, keras_rows]))
    ticks = [[t.get_text() for t in ax.get_xticklabels()] for ax in axes]
    assert ticks[0] == ticks[1] == ["10", "30", "100", "300"]
    assert axes[0].get_xlim() == axes[1].get_xlim()
    rnn, lstm = axes[1].containers
    assert rnn.lines[0].get_marker() != lstm.lines[0].get_marker()
    x_rnn, x_lstm = rnn.lines[0].get_xdata(), lstm.lines[0].get_xdata()
    assert np.all(x_lstm / x_rnn > 1.05)  # 5-point markers on this axis span a factor of about 1.05


def test_plot_curves_title_says_one_seed_when_there_is_no_band():
    one = plot_curves(_result([("rnn", "torch", "rnnlab", 300), ("lstm", "torch", "rnnlab", 300)]))
    assert "one seed per line" in one.get_title() and "median" not in one.get_title()
    two = _result([("rnn", "torch", "rnnlab", 300), ("rnn", "torch", "rnnlab", 300)])
    assert "median and min–max over seeds" in plot_curves(two).get_title()
