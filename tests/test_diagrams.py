"""The matplotlib diagrams: they draw, carry the textbook labels, and every gate is fed by an arrow."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.patches import FancyBboxPatch  # noqa: E402
from matplotlib.text import Annotation  # noqa: E402

from rnnlab.diagrams import SEQUENCE_TASKS, draw_gru_cell, draw_lstm_cell, draw_sequence_tasks, draw_unrolled_rnn  # noqa: E402,E501
from rnnlab.plotting import CELL_COLORS  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _texts(ax):
    return " ".join(t.get_text() for t in ax.texts)


def _arrows(ax):
    """(start, end, line style) of every arrow drawn with ``annotate``."""
    return [(a.xyann, a.xy, a.arrow_patch.get_linestyle()) for a in ax.texts
            if isinstance(a, Annotation) and a.arrow_patch is not None]


def _gates(ax):
    return {p.get_gid().split()[1]: p for p in ax.patches
            if isinstance(p, FancyBboxPatch) and (p.get_gid() or "").startswith("gate ")}


def _fed_from_below(gate, arrows):
    """Whether an arrow coming up from below ends on the bottom edge of ``gate``."""
    x0, y0, w = gate.get_x(), gate.get_y(), gate.get_width()
    pad = 0.1
    return any(x0 <= end[0] <= x0 + w and y0 - pad <= end[1] <= y0 + pad and start[1] < end[1]
               for start, end, _ in arrows)


@pytest.mark.parametrize("draw,cell,gates", [(draw_lstm_cell, "lstm", "figo"), (draw_gru_cell, "gru", "rzn")])
def test_every_gate_is_fed_by_an_arrow_and_drawn_in_the_cell_colour(draw, cell, gates):
    ax = draw()
    found = _gates(ax)
    assert sorted(found) == sorted(gates)
    arrows = _arrows(ax)
    for name, gate in found.items():
        assert _fed_from_below(gate, arrows), f"no arrow into gate {name}"
        assert to_hex(gate.get_edgecolor()) == CELL_COLORS[cell].lower()


@pytest.mark.parametrize("draw,states", [(draw_lstm_cell, 2), (draw_gru_cell, 1)])
def test_the_state_returns_to_the_next_step(draw, states):
    # Dashed arrows entering at the left edge: c and h for the LSTM, h for the GRU.
    recurrent = [end for start, end, style in _arrows(draw()) if style == "--" and end[0] == 0.0]
    assert len(recurrent) == states


def test_lstm_labels():
    text = _texts(draw_lstm_cell())
    for label in ("$x_t$", "$h_{t-1}$", "$c_{t-1}$", "$c_t$", "$h_t$ (output)", "$f_t$", "$i_t$", "$g_t$", "$o_t$",
                  r"$\sigma$", r"$\tanh$", r"$\odot$", r"$i_t \odot g_t$",
                  r"$c_t = f_t \odot c_{t-1} + i_t \odot g_t$", r"$h_t = o_t \odot \tanh(c_t)$",
                  r"$f_t = \sigma(W_f\,x_t + U_f\,h_{t-1} + b_f)$"):
        assert label in text, label


def test_gru_labels_and_convention():
    text = _texts(draw_gru_cell())
    for label in ("$x_t$", "$h_{t-1}$", "$h_t$ (output)", "$z_t$", "$r_t$", "$n_t$", r"$1-$", r"$z_t \odot h_{t-1}$",
                  r"$(1 - z_t) \odot n_t$", r"$h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}$",
                  r"r_t \odot (U_n\,h_{t-1} + b_{hn})", "reset_after=True", "Cho et al. (2014)"):
        assert label in text, label


@pytest.mark.parametrize("draw", [draw_lstm_cell, draw_gru_cell, draw_unrolled_rnn, draw_sequence_tasks])
def test_draws_on_a_given_axes_and_renders(draw, tmp_path):
    _, ax = plt.subplots()
    assert draw(ax=ax) is ax
    ax.figure.savefig(tmp_path / "diagram.png")
    assert (tmp_path / "diagram.png").read_bytes()[:4] == b"\x89PNG"


def test_unrolled_rnn():
    ax = draw_unrolled_rnn(steps=3)
    assert "$h_{-1}=0$" in _texts(ax) and "$x_{2}$" in _texts(ax) and "$x_{3}$" not in _texts(ax)
    with pytest.raises(ValueError, match="steps must be <= 8"):
        draw_unrolled_rnn(steps=9)
    with pytest.raises(TypeError, match="steps must be an integer"):
        draw_unrolled_rnn(steps=2.5)


def _centres(ax, role, kind):
    """Centres (x, y) of the boxes of one role ('cell', 'input', 'output') in the panel of one kind of task."""
    return sorted((p.get_x() + p.get_width() / 2, p.get_y() + p.get_height() / 2) for p in ax.patches
                  if p.get_gid() == f"{role} {kind}")


def _has_arrow(arrows, start, end, tol=0.5):
    return any(abs(s[0] - start[0]) < tol and abs(s[1] - start[1]) < tol and abs(e[0] - end[0]) < tol
               and abs(e[1] - end[1]) < tol for s, e, _ in arrows)


@pytest.mark.parametrize("steps", [2, 3, 5])
def test_sequence_tasks_put_inputs_and_outputs_where_each_kind_has_them(steps):
    ax = draw_sequence_tasks(steps=steps)
    arrows = _arrows(ax)
    # Which steps read an input and which write an output, counted from the first cell of each panel.
    expected = {"many-to-one": (range(steps), [steps - 1]), "many-to-many": (range(steps), range(steps)),
                "one-to-many": ([0], range(steps)), "sequence-to-sequence": (range(steps), range(steps, 2 * steps))}
    assert [kind for kind, _ in SEQUENCE_TASKS] == list(expected)
    for kind, (reads, writes) in expected.items():
        cells = _centres(ax, "cell", kind)
        assert len(cells) == (2 * steps if kind == "sequence-to-sequence" else steps), kind
        xs = [x for x, _ in cells]
        assert [i for i, x in enumerate(xs) if any(abs(x - ix) < 1e-9 for ix, _ in _centres(ax, "input", kind))] \
            == list(reads), kind
        assert [i for i, x in enumerate(xs) if any(abs(x - ox) < 1e-9 for ox, _ in _centres(ax, "output", kind))] \
            == list(writes), kind
        # The state flows from each cell into the next, every input goes up into its cell and every output leaves
        # its cell upwards.
        for (x1, y1), (x2, _) in zip(cells, cells[1:]):
            assert _has_arrow(arrows, (x1 + 0.35, y1), (x2 - 0.35, y1)), (kind, x1)
        for ix, iy in _centres(ax, "input", kind):
            assert _has_arrow(arrows, (ix, iy), (ix, 1.0)), (kind, ix)
        for ox, oy in _centres(ax, "output", kind):
            assert _has_arrow(arrows, (ox, 1.0), (ox, oy)), (kind, ox)
    text = _texts(ax)
    for kind, caption in SEQUENCE_TASKS:
        assert kind in text and caption in text, kind
    for pointer in ("first-token task", "notebook 05", "notebook 06", "encoder", "decoder"):
        assert pointer in text, pointer
    # The panels do not overlap: each starts to the right of the previous one's last cell.
    lefts = [_centres(ax, "cell", kind)[0][0] for kind, _ in SEQUENCE_TASKS]
    rights = [_centres(ax, "cell", kind)[-1][0] for kind, _ in SEQUENCE_TASKS]
    assert all(left > right + 1 for left, right in zip(lefts[1:], rights)), (lefts, rights)


def test_sequence_tasks_refuse_bad_steps():
    with pytest.raises(ValueError, match="steps must be >= 2"):
        draw_sequence_tasks(steps=1)
    with pytest.raises(ValueError, match="steps must be <= 5"):
        draw_sequence_tasks(steps=6)
    with pytest.raises(TypeError, match="steps must be an integer"):
        draw_sequence_tasks(steps="3")
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes or None"):
        draw_sequence_tasks(ax="axes")
