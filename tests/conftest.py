import os

import pytest

import rnnlab
from rnnlab.backends import quiet_tensorflow

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
    quiet_tensorflow()
    return pytest.importorskip("keras")
