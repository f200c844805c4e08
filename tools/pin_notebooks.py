"""Pin the notebooks' Colab set-up to the version in pyproject.toml: run it after bumping the version, or after
changing the set-up block that rnnlab.instructor.colab.setup_block writes.

In every ``notebooks/[0-9]*.ipynb``, the Colab block of the set-up cell (tag ``colab-setup``) becomes
``setup_block("rnnlab @ git+https://github.com/OWNER/NAME@vX.Y.Z")`` (the repository named in
``rnnlab._project.REPOSITORY``, the version in pyproject.toml), and the Open-in-Colab links open the notebook
at the same tag, so a notebook opened from its link runs the release it was written for. Only the block and the
links change (the cell's other lines, its outputs and metadata stay); each notebook is rewritten through a
temporary file and ``os.replace``. ``tests/test_packaging.py`` fails while a notebook is pinned to another
version or holds another block.

Usage: python tools/pin_notebooks.py [--check] [FOLDER]
(--check: change nothing, exit 1 if a notebook is not pinned; FOLDER: default notebooks/)
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from rnnlab import _project
from rnnlab.instructor.colab import COLAB_BLOCK, COLAB_URL, colab_url, setup_block
from rnnlab.instructor.tags import SETUP_TAG

ROOT = Path(__file__).resolve().parents[1]


def release():
    """(install spec, owner, name, tag) of the version in pyproject.toml."""
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    owner, name = _project.REPOSITORY.split("/")
    return _project.install_spec(version), owner, name, _project.release_tag(version)


def pin(nb, file_name):
    """Pin the set-up cell and the links of one notebook (JSON as loaded); return the notebook."""
    spec, owner, name, tag = release()
    setup = [c for c in nb["cells"] if c["cell_type"] == "code" and SETUP_TAG in c["metadata"].get("tags", [])]
    if len(setup) != 1 or len(COLAB_BLOCK.findall("".join(setup[0]["source"]))) != 1:
        sys.exit(f"{file_name}: needs exactly one code cell tagged {SETUP_TAG!r} with one block "
                 'if "google.colab" in sys.modules: …')
    url = colab_url(owner, name, tag, f"notebooks/{file_name}")
    block = setup_block(spec)
    for cell in nb["cells"]:
        text = "".join(cell["source"])
        if cell in setup:
            text = COLAB_BLOCK.sub(lambda m: block, text)
        elif cell["cell_type"] == "markdown":
            text = COLAB_URL.sub(url, text)
        cell["source"] = text.splitlines(keepends=True)
    return nb


def main(folder=ROOT / "notebooks", check=False):
    stale = []
    for path in sorted(Path(folder).glob("[0-9]*.ipynb")):
        text = path.read_text(encoding="utf-8")
        pinned = json.dumps(pin(json.loads(text), path.name), indent=1, ensure_ascii=False) + "\n"
        if pinned == text:
            continue
        stale.append(path.name)
        if not check:
            tmp = path.with_name(f".{path.name}.pin.tmp")
            tmp.write_text(pinned, encoding="utf-8")
            os.replace(tmp, path)
    verb = "not pinned" if check else "pinned"
    print(f"{verb}: {', '.join(stale)}" if stale else f"every notebook is pinned to {release()[0]!r}")
    return 1 if check and stale else 0


if __name__ == "__main__":
    args = sys.argv[1:]
    folders = [a for a in args if a != "--check"]
    sys.exit(main(*folders[:1], check="--check" in args))
