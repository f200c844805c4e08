"""Small helpers for the notebooks: which backends run here, said in one line."""
from __future__ import annotations

from .backends import available_backends, install_hint, is_available, keras_backend_name


def have(backend):
    """True when ``backend`` is installed; otherwise print a one-line note so the notebook can go on without it."""
    if is_available(backend):
        return True
    print(f"({backend} is not installed here, so this cell is skipped. To run it: {install_hint(backend)})")
    return False


def environment():
    """One line for a notebook's set-up cell: Python, rnnlab and the backends available."""
    import platform

    from ._version import __version__

    found = [f"keras (on {keras_backend_name()})" if b == "keras" else b for b in available_backends()]
    return (f"Python {platform.python_version()}, rnnlab {__version__}; backends: "
            + (", ".join(found) if found else 'none (pip install torch, or keras and "jax[cpu]")'))
