"""MathJax served with the site instead of from a CDN, so the equations render offline too (a classroom without
internet, the site test's browser). The files are MathJax 2 as the Jupyter server ships it, in the
jupyter-server-mathjax package (the ``docs`` extra installs it); they are copied to ``_static/mathjax``.
"""
from __future__ import annotations

import shutil
from pathlib import Path

MATHJAX_PATH = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full"   # relative to the site's _static
# The package ships the STIX-Web fonts only (as the Jupyter server serves them), so MathJax typesets with those;
# it finds \(…\) and \[…\] (what MyST writes) in the whole page, never inside code. (The hidden MathML copy that
# MathJax adds for screen readers names a few TeX fonts the package lacks; the browser then uses its own.)
MATHJAX2_CONFIG = {
    "tex2jax": {"inlineMath": [["\\(", "\\)"]], "displayMath": [["\\[", "\\]"]], "processEscapes": True,
                "processEnvironments": True},
    "HTML-CSS": {"availableFonts": [], "preferredFont": None, "webFont": "STIX-Web", "imageFont": None},
}


def mathjax_files():
    """The folder holding MathJax.js (jupyter_server_mathjax's static files)."""
    import jupyter_server_mathjax

    folder = Path(jupyter_server_mathjax.__file__).resolve().parent / "static"
    if not (folder / "MathJax.js").is_file():
        raise FileNotFoundError(f"{folder} holds no MathJax.js: reinstall jupyter-server-mathjax")
    return folder


def _copy(app, exception):
    if exception is None and app.builder.format == "html":
        shutil.copytree(mathjax_files(), Path(app.outdir) / "_static" / "mathjax", dirs_exist_ok=True)


def setup(app):
    mathjax_files()   # fail at the start of the build, not at its end
    app.connect("build-finished", _copy)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
