"""Student versions of the notebooks, built from the one source with nbconvert's own preprocessors.

The source notebooks hold the exercises *and* their solutions. Two cell tags drive the conversion:

- ``solution``: the cell is removed (its source and its outputs) by nbconvert's ``TagRemovePreprocessor``;
- ``answer-output``: the cell stays but its outputs are cleared (e.g. a self-check cell whose stored output
  says "✅ Well done", which the student has not earned yet).

Every other cell is copied unchanged, outputs included, so the handout still shows the narrative's figures
and tables. With ``clear_outputs=True``, nbconvert's ``ClearOutputPreprocessor`` clears every output
instead. Each written notebook is validated with ``nbformat.validate``; the source files are only read.
Every output is first written to a temporary file in ``out`` and then moved into place with ``os.replace``,
so an output that is a hard link or symlink is replaced, never written through.

Command line: ``rnnlab student notebooks/ --out student/``.
"""
from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from ._validation import check_bool

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


def build_student_notebooks(src, out, *, clear_outputs=False, force=False):
    """Write the student version of the notebook ``src`` (or of every ``*.ipynb`` in the folder ``src``) to
    the folder ``out``, under the same file names; return the written paths.

    Solution cells (tag ``solution``) are removed and the outputs of ``answer-output`` cells cleared, with
    nbconvert's ``TagRemovePreprocessor``; ``clear_outputs=True`` also clears every other output with its
    ``ClearOutputPreprocessor``. Existing files in ``out`` are only replaced with ``force=True``.

    Everything is read, converted and checked before anything is written, so a refused run writes nothing.
    ``out`` must not be the source folder, and no output may be the same file as a source (compared with
    ``os.path.samefile``, which sees hard links and symlinks); the source files are never modified. Raises
    ValueError (one line, naming the path) for a missing path, a file that is not a notebook, an invalid
    notebook, a bad or conflicting ``out``, or a file-system error while writing.
    """
    nbformat, TagRemovePreprocessor, ClearOutputPreprocessor = _libraries()
    clear_outputs = check_bool(clear_outputs, "clear_outputs")
    force = check_bool(force, "force")
    sources = _sources(src)
    if isinstance(out, bool) or not isinstance(out, (str, os.PathLike)):
        raise TypeError(f"out must be a folder path (str or os.PathLike), got {type(out).__name__} {out!r}")
    if not os.fspath(out):
        raise ValueError("out is empty; name the folder for the student notebooks (e.g. student/)")
    out_dir = Path(out)
    targets = [out_dir / p.name for p in sources]
    _check_targets(out_dir, targets, sources, force)

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
    _write_all(out_dir, targets, students, nbformat)
    return targets


def _check_targets(out_dir, targets, sources, force):
    """Refuse an ``out`` that is (or holds) a source, and existing outputs unless ``force``."""
    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(f"{out_dir}: --out must be a folder, and this is a file")
    if out_dir.is_dir() and any(os.path.samefile(out_dir, p.parent) for p in sources):
        raise ValueError(f"{out_dir}: the output folder is the source folder; choose another one so the "
                         "source notebooks are not overwritten")
    existing = [t for t in targets if os.path.lexists(t)]
    for target in existing:
        if not target.is_file() and not target.is_symlink():
            raise ValueError(f"{target}: exists and is not a file, so no notebook can be written there")
        same = next((p for p in sources if target.exists() and os.path.samefile(target, p)), None)
        if same is not None:
            raise ValueError(f"{target}: is the same file as the source {same} (a hard link or symlink); "
                             "writing it would destroy the source, choose another output folder")
    if existing and not force:
        names = ", ".join(t.name for t in existing[:3]) + (", …" if len(existing) > 3 else "")
        raise ValueError(f"{out_dir}: {len(existing)} of the output notebooks already exist ({names}); "
                         "use --force (force=True) to overwrite them")


def _write_all(out_dir, targets, notebooks, nbformat):
    """Write every notebook to a temporary file, then move them all into place; on an error, remove the
    temporary files and raise ValueError naming the path."""
    temporary = []
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for target, nb in zip(targets, notebooks):
            temporary.append(target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp"))
            with open(temporary[-1], "x", encoding="utf-8") as f:
                nbformat.write(nb, f)
        for tmp, target in zip(temporary, targets):
            os.replace(tmp, target)
    except OSError as exc:
        for tmp in temporary:
            with contextlib.suppress(OSError):
                os.remove(tmp)
        raise ValueError(f"{out_dir}: cannot write the student notebooks: {exc.strerror or exc}") from None
