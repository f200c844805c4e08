"""The matplotlib diagrams: they draw, carry the textbook labels, and every gate is fed by an arrow."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.patches import FancyBboxPatch  # noqa: E402
from matplotlib.text import Annotation  # noqa: E402

from rnnlab.diagrams import draw_gru_cell, draw_lstm_cell, draw_unrolled_rnn  # noqa: E402
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


@pytest.mark.parametrize("draw", [draw_lstm_cell, draw_gru_cell, draw_unrolled_rnn])
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
