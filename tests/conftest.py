import os

import pytest

import rnnlab

# Small models train faster on one thread than on two competing ones, and runs stay reproducible.
os.environ.setdefault("OMP_NUM_THREADS", "1")

BACKENDS = [pytest.param(b, marks=pytest.mark.skipif(not rnnlab.is_available(b), reason=f"{b} not installed"))
            for b in ("torch", "keras")]


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param
