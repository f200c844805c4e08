"""Pin the notebooks' Colab set-up to the version in pyproject.toml: run it after bumping the version.

In every ``notebooks/[0-9]*.ipynb``, the set-up cell (tag ``colab-setup``) then installs
``rnnlab @ git+<Source>@vX.Y.Z`` (``Source`` from ``[project.urls]``) and the Open-in-Colab links open the
notebook at the same tag, so a notebook opened from its link runs the release it was written for. Only
those two kinds of line change; each notebook is rewritten through a temporary file and ``os.replace``.
``tests/test_packaging.py`` fails while a notebook is pinned to another version.

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

from rnnlab.instructor.colab import COLAB_URL, INSTALL_LINE, colab_url
from rnnlab.instructor.tags import SETUP_TAG

ROOT = Path(__file__).resolve().parents[1]


def release():
    """(install spec, owner, name, tag) of the version in pyproject.toml."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    source = project["urls"]["Source"].rstrip("/")
    owner, name = source.removeprefix("https://github.com/").split("/")
    tag = f"v{project['version']}"
    return f"rnnlab @ git+{source}@{tag}", owner, name, tag


def pin(nb, file_name):
    """Pin the set-up cell and the links of one notebook (JSON as loaded); return the notebook."""
    spec, owner, name, tag = release()
    setup = [c for c in nb["cells"] if c["cell_type"] == "code" and SETUP_TAG in c["metadata"].get("tags", [])]
    if len(setup) != 1 or len(INSTALL_LINE.findall("".join(setup[0]["source"]))) != 1:
        sys.exit(f"{file_name}: needs exactly one code cell tagged {SETUP_TAG!r} with one line "
                 '!pip install -q --no-deps "SPEC"')
    url = colab_url(owner, name, tag, f"notebooks/{file_name}")
    for cell in nb["cells"]:
        text = "".join(cell["source"])
        if cell in setup:
            text = INSTALL_LINE.sub(lambda m: f'{m["head"]}"{spec}"', text)
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
