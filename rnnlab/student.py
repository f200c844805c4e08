"""Student versions of the notebooks, built from the one source with nbconvert's own preprocessors.

The source notebooks hold the exercises *and* their solutions. Two cell tags drive the conversion:

- ``solution``: the cell is removed (its source and its outputs) by nbconvert's ``TagRemovePreprocessor``;
- ``answer-output``: the cell stays but its outputs are cleared (e.g. a self-check cell whose stored output
  says "✅ Well done", which the student has not earned yet).

Every other cell is copied unchanged, outputs included, so the handout still shows the narrative's figures
and tables. With ``clear_outputs=True``, nbconvert's ``ClearOutputPreprocessor`` clears every output
instead. Each written notebook is validated with ``nbformat.validate``; the source files are only read.

Command line: ``rnnlab student notebooks/ --out student/``.
"""
from __future__ import annotations

import os
from pathlib import Path

SOLUTION_TAG = "solution"
ANSWER_OUTPUT_TAG = "answer-output"


def _libraries():
    try:
        import nbformat
        from nbconvert.preprocessors import ClearOutputPreprocessor, TagRemovePreprocessor
    except ImportError as exc:
        raise ImportError(f"building student notebooks needs nbconvert and nbformat ({exc}): "
                          "pip install nbconvert nbformat") from None
    return nbformat, TagRemovePreprocessor, ClearOutputPreprocessor


def _one_line(exc):
    text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    line = str(text).strip().splitlines()[0] if str(text).strip() else type(exc).__name__
    return line if len(line) <= 200 else line[:199] + "…"


def _sources(src):
    """The notebooks to convert: ``src`` itself or the ``*.ipynb`` files directly inside the folder ``src``."""
    if isinstance(src, bool) or not isinstance(src, (str, os.PathLike)):
        raise TypeError(f"src must be a path (str or os.PathLike), got {type(src).__name__} {src!r}")
    path = Path(src)
    if not path.exists():
        raise ValueError(f"{path}: no such notebook or folder")
    if path.is_dir():
        found = sorted(p for p in path.glob("*.ipynb") if p.is_file() and not p.name.startswith("."))
        if not found:
            raise ValueError(f"{path}: the folder holds no notebooks (*.ipynb)")
        return found
    if path.suffix != ".ipynb":
        raise ValueError(f"{path}: not a notebook (expected a .ipynb file or a folder of them)")
    return [path]


def _read(path, nbformat):
    try:
        nb = nbformat.read(str(path), as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # JSON errors, schema errors, unreadable files: all one line naming the file
        raise ValueError(f"{path}: not a valid notebook: {_one_line(exc)}") from None
    return nb


def build_student_notebooks(src, out, *, clear_outputs=False):
    """Write the student version of the notebook ``src`` (or of every ``*.ipynb`` in the folder ``src``) to
    the folder ``out``, under the same file names; return the written paths.

    Solution cells (tag ``solution``) are removed and the outputs of ``answer-output`` cells cleared, with
    nbconvert's ``TagRemovePreprocessor``; ``clear_outputs=True`` also clears every other output with its
    ``ClearOutputPreprocessor``. Every notebook is read and checked before anything is written, ``out`` must
    not be the source folder, and the source files are never modified. Raises ValueError (one line, naming
    the path) for a missing path, a file that is not a notebook, an invalid notebook or a bad ``out``.
    """
    nbformat, TagRemovePreprocessor, ClearOutputPreprocessor = _libraries()
    if not isinstance(clear_outputs, bool):
        raise TypeError(f"clear_outputs must be True or False, got {type(clear_outputs).__name__} {clear_outputs!r}")
    sources = _sources(src)
    if isinstance(out, bool) or not isinstance(out, (str, os.PathLike)):
        raise TypeError(f"out must be a folder path (str or os.PathLike), got {type(out).__name__} {out!r}")
    out_dir = Path(out)
    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(f"{out_dir}: --out must be a folder, and this is a file")
    resolved_sources = {p.resolve() for p in sources}
    targets = [out_dir / p.name for p in sources]
    if out_dir.resolve() in {p.parent for p in resolved_sources} or any(t.resolve() in resolved_sources for t in targets):
        raise ValueError(f"{out_dir}: the output folder is the source folder; choose another one so the "
                         "source notebooks are not overwritten")

    notebooks = [_read(p, nbformat) for p in sources]   # read and validate everything before writing anything
    remove_tags = TagRemovePreprocessor(remove_cell_tags={SOLUTION_TAG}, remove_all_outputs_tags={ANSWER_OUTPUT_TAG})
    clear_all = ClearOutputPreprocessor()
    students = []
    for path, nb in zip(sources, notebooks):
        nb, resources = remove_tags.preprocess(nb, {})
        if clear_outputs:
            nb, resources = clear_all.preprocess(nb, resources)
        try:
            nbformat.validate(nb)
        except Exception as exc:
            raise ValueError(f"{path}: the student version is not a valid notebook: {_one_line(exc)}") from None
        students.append(nb)

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for target, nb in zip(targets, students):
        nbformat.write(nb, str(target))
        written.append(target)
    return written
