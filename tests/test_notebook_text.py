"""What a student reads in the notebooks is course text: nbval's markers are cell tags, not comments in the code
a student reads, and the cells nbval compares are tagged."""
import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _code_cells(path):
    return [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_nbval_markers_are_tags(path):
    cells = _code_cells(path)
    commented = [i for i, c in enumerate(cells) if "NBVAL_" in "".join(c["source"])]
    assert not commented, f"code cells {commented} carry an nbval comment; use the cell tag instead"
    compared = [c for c in cells if "nbval-check-output" in c.get("metadata", {}).get("tags", [])]
    assert compared, "no cell is tagged nbval-check-output: nbval (lax) would compare no output"
    assert all(c.get("outputs") for c in compared), "a cell tagged nbval-check-output has no stored output"
