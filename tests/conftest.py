import os

import pytest

import rnnlab
from rnnlab.backends import choose_keras_backend

# Small models train faster on one thread than on two competing ones, and runs stay reproducible.
os.environ.setdefault("OMP_NUM_THREADS", "1")

BACKENDS = [pytest.param(b, marks=pytest.mark.skipif(not rnnlab.is_available(b), reason=f"{b} not installed"))
            for b in ("torch", "keras")]


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture(scope="module")
def torch():
    """The torch module, or skip the test when torch is not installed."""
    return pytest.importorskip("torch")


@pytest.fixture(scope="module")
def keras():
    """The keras module (TensorFlow quiet), or skip the test when Keras is not installed."""
    choose_keras_backend()
    return pytest.importorskip("keras")


def _uses_keras(item):
    """A test that runs Keras: it takes the ``keras`` fixture, a ``backend``/parameter value naming Keras, or
    carries the ``keras`` mark itself."""
    if "keras" in getattr(item, "fixturenames", ()) or item.get_closest_marker("keras"):
        return True
    callspec = getattr(item, "callspec", None)
    return callspec is not None and any(_names_keras(v) for v in callspec.params.values())


def _names_keras(value):
    if isinstance(value, str):
        return "keras" in value
    return isinstance(value, (tuple, list)) and any(_names_keras(v) for v in value)


def pytest_collection_modifyitems(config, items):
    """Mark every Keras test ``keras``, so ``make test`` runs them all again on TensorFlow (``-m keras``)."""
    for item in items:
        if _uses_keras(item):
            item.add_marker(pytest.mark.keras)
