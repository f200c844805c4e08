"""Small helpers for the notebooks: which backends run here, said in one line."""
from __future__ import annotations

from .backends import BACKENDS, available_backends, install_hint, is_available, keras_backend_name
from ._validation import check_choice


class MissingBackend(ImportError):
    """A backend a notebook needs is not installed: Jupyter and Colab show the message alone, without a
    traceback, since the fix is one command and not a bug to read."""

    def _render_traceback_(self):
        return [str(self)]


def have(backend):
    """True when ``backend`` is installed; otherwise print a one-line note so the notebook can go on without it."""
    if is_available(backend):
        return True
    print(f"({backend} is not installed here, so this cell is skipped. To run it: {install_hint(backend)})")
    return False


def require(*backends):
    """Stop a notebook's set-up cell, with the pip command, when one of ``backends`` is not installed.

    The notebooks run every model on both frameworks; checking once, in the set-up cell, keeps the cells after
    it free of availability checks. Imports nothing.
    """
    if not backends:
        raise ValueError(f"backends: name at least one of {BACKENDS}")
    for backend in backends:
        check_choice(backend, "backend", BACKENDS)
    missing = [b for b in backends if not is_available(b)]
    if missing:
        commands = "; ".join(f"{b}: {install_hint(b)}" for b in missing)
        raise MissingBackend(f"This notebook needs {' and '.join(missing)}, which {'is' if len(missing) == 1 else 'are'}"
                             f" not installed here. Install {'it' if len(missing) == 1 else 'them'} and restart the "
                             f"kernel ({commands}).")


def environment():
    """One line for a notebook's set-up cell: Python, rnnlab and the backends available."""
    import platform

    from ._version import __version__

    found = [f"keras (on {keras_backend_name()})" if b == "keras" else b for b in available_backends()]
    return (f"Python {platform.python_version()}, rnnlab {__version__}; backends: "
            + (", ".join(found) if found else 'none (pip install torch, or keras and "jax[cpu]")'))
