"""rnnlab's version: it lives in pyproject.toml only; an installed rnnlab (editable too) reports it in its metadata."""
from importlib import metadata

try:
    __version__ = metadata.version("rnnlab")
except metadata.PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"
