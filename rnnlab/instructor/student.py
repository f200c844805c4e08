"""Student versions of the notebooks, built from the one source with nbconvert's own preprocessors.

The source notebooks hold the exercises *and* their solutions. Two cell tags drive the conversion:

- ``solution``: the cell is removed (its source and its outputs) by nbconvert's ``TagRemovePreprocessor``;
- ``answer-output``: the cell stays but its outputs are cleared (e.g. a self-check cell whose stored output
  says "✅ Well done", which the student has not earned yet).

Every other cell keeps its source and outputs, so the handout still shows the narrative's figures and tables,
but no trace of the run that made them: execution counts are renumbered 1, 2, 3, … in order (no gap where a
solution was), per-cell timing metadata (``execution``, ``ExecuteTime``) is dropped, and the saved widget
state keeps only the widgets the handout still displays. With ``clear_outputs=True``, nbconvert's
``ClearOutputPreprocessor`` clears every output and execution count instead, and the widget state goes too.

Colab (:mod:`rnnlab.instructor.colab`): ``repo="OWNER/NAME@REF"`` points every Open-in-Colab link at the handout in
that repository (folder ``path``) and makes the set-up cell (tag ``colab-setup``) install rnnlab from it;
``install=SPEC`` sets what the set-up cell installs; ``colab=False`` removes the links and the install
block. Without ``repo`` the links are removed, since they would open the source notebooks, solutions and all,
with a warning (``UserWarning``) naming the notebooks that lost one.

Each written notebook is validated with ``nbformat.validate``; the source files are only read. Every output
is first written to a temporary file in ``out`` and then moved into place with ``os.replace``, so an output
that is a hard link or symlink is replaced, never written through.

Command line: ``rnnlab student notebooks/ --out student/ [--repo OWNER/NAME@REF] [--install SPEC]``.
"""
from __future__ import annotations

import json
import os
import posixpath
import re
import warnings
from pathlib import Path

from .._validation import check_bool
import rnnlab.instructor.colab as _colab
from .notebook_io import check_targets, libraries, one_line, read, sources as notebook_sources, write_all
from .tags import ANSWER_OUTPUT_TAG, RUN_TRACE_FIELDS, SOLUTION_TAG, WIDGET_STATE, WIDGET_VIEW

__all__ = ["ANSWER_OUTPUT_TAG", "RUN_TRACE_FIELDS", "SOLUTION_TAG", "WIDGET_STATE", "WIDGET_VIEW",
           "build_student_notebooks"]


def build_student_notebooks(src, out, *, clear_outputs=False, force=False, repo=None, path=None, install=None,
                            colab=True):
    """Write the student version of the notebook ``src`` (or of every ``*.ipynb`` in the folder ``src``) to
    the folder ``out``, under the same file names; return the written paths.

    Solution cells (tag ``solution``) are removed and the outputs of ``answer-output`` cells cleared, with
    nbconvert's ``TagRemovePreprocessor``; execution counts are renumbered 1..n and run traces dropped.
    ``clear_outputs=True`` also clears every other output, execution count and the widget state. Existing
    files in ``out`` are only replaced with ``force=True``.

    Colab: ``repo="OWNER/NAME[@REF]"`` (REF defaults to ``main``) points the Open-in-Colab links at
    ``https://colab.research.google.com/github/OWNER/NAME/blob/REF/PATH/<notebook>`` and makes the set-up cell
    install ``rnnlab @ git+https://github.com/OWNER/NAME@REF``. ``path`` is the folder of the handouts inside
    that repository; by default ``out``'s place in the git work tree that contains it, else ``out`` as given
    when it is relative. ``install=SPEC`` sets the install spec alone (``rnnlab==0.1.0``, a wheel URL, …).
    ``colab=False`` removes the links and the install block. Without ``repo`` the links are removed (they
    would open the source notebooks, solutions included) and a ``UserWarning`` names the notebooks that lost one.

    Everything is read, converted and checked before anything is written, so a refused run writes nothing.
    ``out`` must not be the source folder, and no output may be the same file as a source (compared with
    ``os.path.samefile``, which sees hard links and symlinks); the source files are never modified. Raises
    ValueError (one line, naming the path or the option) for a missing path, a file that is not a notebook,
    an invalid notebook, a bad or conflicting ``out``, a bad ``repo``, ``path`` or ``install``, a notebook
    without the set-up cell or link they need, or a file-system error while writing.
    """
    nbformat, TagRemovePreprocessor, ClearOutputPreprocessor = libraries()
    clear_outputs = check_bool(clear_outputs, "clear_outputs")
    force = check_bool(force, "force")
    colab = check_bool(colab, "colab")
    sources = notebook_sources(src)
    if isinstance(out, bool) or not isinstance(out, (str, os.PathLike)):
        raise TypeError(f"out must be a folder path (str or os.PathLike), got {type(out).__name__} {out!r}")
    if not os.fspath(out):
        raise ValueError("out is empty; name the folder for the student notebooks (e.g. student/)")
    out_dir = Path(out)
    rewrite = _colab_rewrite(out_dir, repo, path, install, colab)
    targets = [out_dir / p.name for p in sources]
    check_targets(out_dir, targets, sources, force)

    notebooks = [read(p, nbformat) for p in sources]   # read and validate everything before writing anything
    remove_tags = TagRemovePreprocessor(remove_cell_tags={SOLUTION_TAG}, remove_all_outputs_tags={ANSWER_OUTPUT_TAG})
    clear_all = ClearOutputPreprocessor(remove_metadata_fields={"collapsed", "scrolled", *RUN_TRACE_FIELDS})
    students, unlinked = [], []
    for source_path, nb in zip(sources, notebooks):
        nb, _ = remove_tags.preprocess(nb, {})
        if clear_outputs:
            nb, _ = clear_all.preprocess(nb, {})
            nb.metadata.pop("widgets", None)
        else:
            try:
                _drop_run_traces(nb)
            except ValueError as exc:
                raise ValueError(f"{source_path}: {exc}") from None
        if rewrite(nb, source_path):
            unlinked.append(source_path.name)
        try:
            nbformat.validate(nb)
        except Exception as exc:
            raise ValueError(f"{source_path}: the student version is not a valid notebook: {one_line(exc)}") from None
        students.append(nb)
    write_all(out_dir, targets, students, nbformat)
    if unlinked:
        warnings.warn(f"removed the Open-in-Colab link of {len(unlinked)} notebook(s) ({', '.join(unlinked)}): as "
                      "written it opens the source notebook, solutions included; give --repo OWNER/NAME[@REF] (the "
                      "repository the handouts go to) to keep links that open the handouts", UserWarning, stacklevel=2)
    return targets


def _drop_run_traces(nb):
    """Renumber execution counts 1..n in cell order, drop timing metadata, keep only displayed widgets' state."""
    count = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for field in RUN_TRACE_FIELDS:
            cell.metadata.pop(field, None)
        if cell.execution_count is not None:
            count += 1
            cell.execution_count = count
            for output in cell.outputs:
                if output.output_type == "execute_result":
                    output.execution_count = count
    _prune_widget_state(nb)


def _prune_widget_state(nb):
    """Keep the saved state of the widgets the notebook's outputs display and of the models they refer to."""
    state = nb.metadata.get("widgets")
    for key in ("widgets", WIDGET_STATE, "state"):   # metadata.widgets[WIDGET_STATE].state, each a mapping
        if state is None:
            return
        if not isinstance(state, dict):
            raise ValueError(f"the saved widget state must be a mapping at {key!r}, got {type(state).__name__}; "
                             "clear it in Jupyter (Widgets > Clear Saved Widget State)")
        if key != "state":
            state = state.get(WIDGET_STATE if key == "widgets" else "state")
    views = [o.data[WIDGET_VIEW] for c in nb.cells for o in c.get("outputs", []) if WIDGET_VIEW in o.get("data", {})]
    wanted = [v["model_id"] for v in views if isinstance(v, dict) and isinstance(v.get("model_id"), str)]
    kept = set()
    while wanted:
        model = wanted.pop()
        if model in state and model not in kept:
            kept.add(model)
            wanted.extend(re.findall(r"IPY_MODEL_([0-9A-Za-z_-]+)", json.dumps(state[model])))
    if kept:
        nb.metadata.widgets[WIDGET_STATE]["state"] = {k: v for k, v in state.items() if k in kept}
    else:
        nb.metadata.pop("widgets")


def _colab_rewrite(out_dir, repo, path, install, colab):
    """Check the Colab options and return ``rewrite(nb, source_path)``, which applies them to one notebook and
    returns True when it removed Open-in-Colab links that ``repo`` would have pointed at the handout."""
    if not colab and (repo is not None or install is not None):
        raise ValueError("colab=False (--no-colab) removes the Colab link and install line; it cannot be combined "
                         "with repo (--repo) or install (--install)")
    if path is not None and repo is None:
        raise ValueError("path (--path) says where the handouts sit in the repository given by repo (--repo); "
                         "give --repo too")
    spec = None if install is None else _colab.check_install_spec(install)
    if repo is not None:
        owner, name, ref = _colab.parse_repo(repo)
        folder = _colab.check_path(path if path is not None else _folder_in_repository(out_dir))
        spec = spec or _colab.git_install_spec(owner, name, ref)

    def url_for(file_name):
        return _colab.colab_url(owner, name, ref, posixpath.join(folder, file_name))

    def rewrite(nb, source_path):
        if not colab:
            _colab.remove_links(nb)
            _colab.remove_install(nb)
            return False
        if spec is not None:
            _colab.set_install(nb, spec, source_path, "--repo" if install is None else "--install")
        if repo is not None:
            _colab.point_links(nb, url_for, source_path)
            return False
        dropped = bool(_colab.colab_links(nb))
        _colab.remove_links(nb)
        return dropped

    return rewrite


def _folder_in_repository(out_dir):
    """``out_dir`` relative to the top of the git work tree holding it; else ``out_dir`` itself if relative."""
    resolved = out_dir.resolve()
    for top in (resolved, *resolved.parents):
        if (top / ".git").exists():
            return resolved.relative_to(top).as_posix()
    if not out_dir.is_absolute():
        return out_dir.as_posix()
    raise ValueError(f"{out_dir}: not inside a git work tree, so where the handouts sit in the repository given "
                     "by --repo is unknown; give path (--path), e.g. --path student")
