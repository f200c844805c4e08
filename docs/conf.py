"""Sphinx configuration of the course site (``make site``): the executed notebooks, rendered as they are saved.

The source folder is the repository's top folder (``sphinx-build -c docs . build/site``), so that every page's
path is its path in the repository and the Colab and Binder buttons open the very file. Only the pages named in
``include_patterns`` are read. Notebooks are never executed here: their saved outputs are the ones nbval checks.
"""
from __future__ import annotations

import sys
from pathlib import Path

try:
    import tomllib
except ImportError:   # Python 3.10
    import tomli as tomllib

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path[:0] = [str(DOCS / "_ext"), str(ROOT)]   # the worktree's rnnlab, before any installed copy

from local_mathjax import MATHJAX2_CONFIG, MATHJAX_PATH  # noqa: E402  (found through the path above)

# The repository and the release come from pyproject.toml, where the version lives and [project.urls] Source
# names the repository; the notebooks' Open-in-Colab links and install lines point at the same tag.
_PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
REPOSITORY_URL = _PROJECT["urls"]["Source"]
RELEASE_REF = f"v{_PROJECT['version']}"

project = "rnnlab: recurrent networks, measured"
author = "rnnlab contributors"
copyright = "rnnlab contributors, MIT License"
version = release = _PROJECT["version"]

root_doc = "docs/index"
include_patterns = ["docs/*.md", "notebooks/[0-9]*.ipynb"]
exclude_patterns = [".venv", ".git", "build", "dist", "results", "test-artifacts", "**/.ipynb_checkpoints"]

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "api_pages",
    "local_mathjax",
]

# Notebooks: read as saved, never executed; a saved widget becomes a static description (widget_fallback.py).
nb_execution_mode = "off"
nb_custom_formats = {".ipynb": "widget_fallback.read_notebook"}
nb_merge_streams = True
nb_ipywidgets_js = {}   # no widget JavaScript from a CDN: the saved widgets are described statically
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
# Equations: MathJax 2 from the site itself (local_mathjax.py), not MathJax 4 from a CDN.
mathjax_path = MATHJAX_PATH
mathjax2_config = MATHJAX2_CONFIG
myst_update_mathjax = False

# The API page (api_pages.py): autodoc imports the modules; torch and Keras are installed wherever it is built.
autodoc_default_options = {"members": True, "undoc-members": False, "show-inheritance": True}
autodoc_member_order = "bysource"
# The graders are not installed where the site is built (they are the `graders` extra of a grading machine): autodoc
# reads the modules of rnnlab.instructor that plug into them against stand-ins.
autodoc_mock_imports = ["otter", "nbgrader"]
autodoc_typehints = "description"

html_theme = "sphinx_book_theme"
html_title = "rnnlab"
html_extra_path = ["_root"]   # index.html at the site's top, sending readers to the landing page
html_theme_options = {
    "repository_url": REPOSITORY_URL,
    "repository_branch": RELEASE_REF,
    "path_to_docs": "",
    "use_repository_button": True,
    "use_download_button": True,
    "launch_buttons": {
        "colab_url": "https://colab.research.google.com",
        "binderhub_url": "https://mybinder.org",
        "notebook_interface": "jupyterlab",
    },
    "show_toc_level": 2,
}
html_last_updated_fmt = None
