"""What a student reads in the notebooks is course text: nbval's markers are cell tags, not comments in the code
a student reads, and the cells nbval compares are tagged."""
import json
import re
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


DEVELOPER_TEXT = re.compile(r"make (setup|test|lint)|benchmarks/|tests/|\bcommit\b|nbval|\bpytest\b|rnnlab sweep|"
                            r"--jobs|\bbenchmark|\bCI\b", re.IGNORECASE)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_student_text_has_no_developer_talk(path):
    """Build, test, benchmark and commit talk belongs in the README and the guides, not in what a student reads
    (markdown, code and comments alike)."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    found = [(i, m.group(0)) for i, c in enumerate(cells) for m in DEVELOPER_TEXT.finditer("".join(c["source"]))]
    assert not found, f"cells with developer text (cell index, words): {found}"
