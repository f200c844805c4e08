"""Reading, checking and writing notebooks, shared by ``rnnlab student`` and ``rnnlab assign``.

Sources are only read. Every output is first written to a temporary file in the output folder and then moved
into place with ``os.replace``, so an output that is a hard link or symlink is replaced, never written
through, and a failed run leaves no partial file behind.
"""
from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

INSTALL_HINT = 'pip install "rnnlab[instructor]"'


def libraries():
    """``(nbformat, TagRemovePreprocessor, ClearOutputPreprocessor)``; ImportError naming the extra if absent."""
    try:
        import nbformat
        from nbconvert.preprocessors import ClearOutputPreprocessor, TagRemovePreprocessor
    except ImportError as exc:
        raise ImportError(f"building student notebooks needs nbconvert and nbformat ({exc}): {INSTALL_HINT}") from None
    return nbformat, TagRemovePreprocessor, ClearOutputPreprocessor


def one_line(exc):
    """The first line of an exception's message, at most 200 characters."""
    text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    line = str(text).strip().splitlines()[0] if str(text).strip() else type(exc).__name__
    return line if len(line) <= 200 else line[:199] + "…"


def sources(src):
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


def read(path, nbformat):
    """The notebook at ``path``, validated; ValueError (one line naming the file) if it is not a valid one."""
    try:
        nb = nbformat.read(str(path), as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # JSON errors, schema errors, unreadable files: all one line naming the file
        raise ValueError(f"{path}: not a valid notebook: {one_line(exc)}") from None
    return nb


def check_targets(out_dir, targets, sources, force):
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


def write_all(out_dir, targets, notebooks, nbformat):
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
