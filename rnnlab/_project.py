"""Where the project lives: its GitHub repository, named once here, and the release tag of this version.

Everything that points at the project reads it from here: the notebooks' Open-in-Colab links and what their
set-up cell installs on Colab (``tools/pin_notebooks.py`` writes both, the cell through
:func:`rnnlab.instructor.colab.setup_block`, whose default spec this is), and so what ``rnnlab student``
handouts install when neither ``--repo`` nor ``--install`` is given (the source notebooks' pinned spec).
The release tag follows the version, which lives in ``pyproject.toml`` only
(:mod:`rnnlab._version`); ``[project.urls] Source`` must name the same repository (tests/test_colab_setup.py).
"""
from __future__ import annotations

from ._version import __version__

REPOSITORY = "rnnlab/rnnlab"     # OWNER/NAME on GitHub
GITHUB = "https://github.com"


def release_tag(version=None):
    """The git tag of a release: ``v`` and the version (this package's by default)."""
    version = __version__ if version is None else version
    if not isinstance(version, str):
        raise TypeError(f"version must be a string such as '0.1.0', got {type(version).__name__} {version!r}")
    if not version or any(c.isspace() for c in version):
        raise ValueError(f"version must be a version such as 0.1.0, got {version!r}")
    return f"v{version}"


def repository_url():
    """``https://github.com/OWNER/NAME`` of the project."""
    return f"{GITHUB}/{REPOSITORY}"


def install_spec(version=None):
    """What pip installs this release from: ``rnnlab @ git+https://github.com/OWNER/NAME@vX.Y.Z``."""
    return f"rnnlab @ git+{repository_url()}@{release_tag(version)}"

