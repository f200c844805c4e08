"""How many numbers a recurrent layer learns, and why torch and Keras count differently.

With ``i`` inputs, ``h`` hidden units and ``g`` gate blocks (simple RNN 1, LSTM 4, GRU 3) every block
has an input matrix (h x i), a recurrent matrix (h x h) and biases:

- torch keeps two bias vectors per block, ``bias_ih`` and ``bias_hh``: ``g*h*(i + h + 2)``.
- Keras SimpleRNN and LSTM keep one: ``g*h*(i + h + 1)``. The two torch biases only ever appear as
  their sum, so the extra ``g*h`` numbers add no expressive power.
- Keras GRU with ``reset_after=True`` (the default) keeps an input and a recurrent bias row, like torch,
  because the recurrent candidate bias sits inside the reset product: ``3h(i + h + 2)``.
  With ``reset_after=False`` (Cho et al. 2014; no torch equivalent) it keeps one: ``3h(i + h + 1)``.
"""
from __future__ import annotations

from ._validation import check_bool, check_choice, check_int
from .backends import BACKENDS, CELLS

GATE_BLOCKS = {"rnn": 1, "lstm": 4, "gru": 3}


def _bias_vectors(cell, backend, reset_after):
    if backend == "torch" and cell == "gru" and not reset_after:
        raise ValueError("reset_after=False exists only for the Keras GRU; torch's GRU always resets after the "
                         "recurrent matmul (reset_after=True)")
    return 2 if backend == "torch" or (cell == "gru" and reset_after) else 1


def count_parameters(cell, input_size, hidden_size, backend, *, reset_after=True):
    """Trainable parameters of one recurrent layer (``reset_after`` matters for the GRU only)."""
    check_choice(cell, "cell", CELLS)
    input_size = check_int(input_size, "input_size")
    hidden_size = check_int(hidden_size, "hidden_size")
    check_choice(backend, "backend", BACKENDS)
    reset_after = check_bool(reset_after, "reset_after")
    biases = _bias_vectors(cell, backend, reset_after)
    return GATE_BLOCKS[cell] * hidden_size * (input_size + hidden_size + biases)


def _formula(cell, biases):
    blocks = GATE_BLOCKS[cell]
    return f"{'' if blocks == 1 else blocks}h(i+h+{biases})"


def parameter_table(input_size, hidden_size):
    """Rows ``{'cell', 'torch', 'keras', 'formula'}`` comparing the counts, e.g. for ``pandas.DataFrame``.

    The last row is the Keras-only GRU with ``reset_after=False`` (its 'torch' entry is None).
    """
    input_size = check_int(input_size, "input_size")
    hidden_size = check_int(hidden_size, "hidden_size")
    rows = []
    for cell in CELLS:
        torch_b, keras_b = _bias_vectors(cell, "torch", True), _bias_vectors(cell, "keras", True)
        rows.append({
            "cell": cell,
            "torch": count_parameters(cell, input_size, hidden_size, "torch"),
            "keras": count_parameters(cell, input_size, hidden_size, "keras"),
            "formula": (f"torch {_formula(cell, torch_b)}, keras {_formula(cell, keras_b)}"
                        if torch_b != keras_b else _formula(cell, torch_b)),
        })
    rows.append({
        "cell": "gru (reset_after=False)",
        "torch": None,
        "keras": count_parameters("gru", input_size, hidden_size, "keras", reset_after=False),
        "formula": f"keras {_formula('gru', 1)}",
    })
    return rows
