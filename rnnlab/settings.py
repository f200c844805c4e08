"""Settings with one meaning each, defined here once and read everywhere else (like :mod:`rnnlab.recipes`).

Nothing here imports more than the standard library, so the command line, the widgets, the benchmarks and
the tests can all read it cheaply.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class ExperimentDefaults:
    """What an experiment runs when the caller does not say: sequence length and hidden size."""

    seq_len: int
    hidden_size: int


EXPERIMENT_DEFAULTS = MappingProxyType({
    "long_dependency": ExperimentDefaults(seq_len=300, hidden_size=16),
    "next_number": ExperimentDefaults(seq_len=3, hidden_size=10),
    "adding": ExperimentDefaults(seq_len=300, hidden_size=16),
})

# What counts as solved, per experiment.
SOLVE_ACCURACY = 0.99      # long_dependency: validation accuracy that counts as solved
SOLVE_ERROR = 0.05         # next_number: |prediction for the query − truth| that counts as solved
SOLVE_MSE = 0.01           # adding: validation MSE that counts as solved (always answering 1.0 scores ≈ 0.167)

# Bounds on requests, so that a typo cannot allocate or loop for hours.
MAX_SEEDS = 100_000        # a seed count N runs seeds 0..N-1
MAX_SEQ_LEN = 100_000      # steps per sequence in an experiment
MAX_EPOCHS = 100_000       # an epoch budget that overrides a recipe's
MAX_HIDDEN = 4096          # a larger layer does not fit the teaching budget of a laptop or Colab
MAX_VOCAB = 65_536         # distinct characters of a character model (a 4096-unit head over it is already 1 GB)
MAX_BATCH_SIZE = 100_000   # rows of a stateful Keras character model's fixed batch (state: rows x hidden)
MAX_LAYERS = 16            # stacked recurrent layers of a character model
MAX_SAMPLE_LENGTH = 100_000  # characters drawn by one call to rnnlab.char_models.sample
MAX_NGRAM_ORDER = 32       # n of an n-gram model (each order adds a table over the training text)
MAX_BEAM_WIDTH = 1024      # hypotheses kept by a beam search (each is one decoder state per step)
MAX_DECODE_LEN = 10_000    # tokens one decoding loop may emit before it stops
MAX_LR = 10.0
"""The largest learning rate ``train`` accepts; Adam's steps are about ``lr`` per weight, so beyond it training only diverges."""
MAX_JOBS = 64              # worker processes of a run or sweep (-1, one per core, is bounded by the machine)

# The tolerance of each graded coding exercise, defined once: the self-check (rnnlab.checks) and the hidden test
# (instructor/tests) both read it here, so an answer the self-check accepts is not failed by the grader for its
# rounding. Step functions: |got - reference| <= tol * (1 + |reference|) elementwise (np.allclose with atol = rtol =
# tol); a correct float32 step in numpy, torch or Keras is at most 5e-7 off (benchmarks/results/step_tolerance.md,
# 2,000 draws each), a wrong gate is off by more than 1e-2. make_forecaster: |forecast - truth| <= tol * the run's
# step size (benchmarks/forecaster_check.py). sample_with_temperature: total variation between the draws'
# frequencies and softmax(logits / temperature). dot_attention: the weights and the contexts, as a step's states;
# with the query scaled by 200 to 300 the scores reach the thousands, float32 rounds them to about 1e-4 and a
# softmax between two close scores passes that on: a correct float32 answer in numpy, torch or Keras was up to
# 1.7e-4 off in 20,000 such draws and 9.5e-5 in 2,000 (benchmarks/results/attention_tolerance.md).
# forget_bias_for: |got - bias| <= tol * (1 + |bias|) for up to 1000 steps and keep in [0.05, 0.95]; there one minus
# the per-step gate is at least 5e-5, and a float32 sigmoid inverse loses at most a few 1e-4 of the bias; forgetting
# the power of 1/steps is off by more than 1. first_bit_readout: each accuracy, absolute; the tests draw the states
# so that no scored example is within a thousandth of a tie (or exactly on one), so a float32 answer classifies
# every example as float64 does and differs only in the rounding of the share (benchmarks/ex03_tolerance.py).
EXERCISE_TOLERANCE = MappingProxyType({
    "relu_rnn_step": 1e-5,
    "gru_step_cho": 1e-5,
    "forget_bias_for": 1e-3,
    "first_bit_readout": 1e-6,
    "make_forecaster": 0.10,
    "sample_with_temperature": 0.05,
    "dot_attention": 1e-3,
})
GRADING_TIMEOUT = 300      # seconds one exercise of one submission may run when graded (exercises.toml: timeout)
MAX_GRADING_TIMEOUT = 86_400

# One thread per process: worker processes of a sweep, benchmark children, notebook kernels under test.
ONE_THREAD_ENV = MappingProxyType({
    "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1",
    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
})


def use_one_thread():
    """Make this process compute on one thread: the environment above (values already set are kept) and, when
    torch is imported, ``torch.set_num_threads(1)``. For a process that has not yet started TensorFlow or JAX."""
    for name, value in ONE_THREAD_ENV.items():
        os.environ.setdefault(name, value)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(1)
