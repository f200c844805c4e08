# Every target sets itself up: a local .venv with the CPU build of torch, Keras on JAX (rnnlab's default
# Keras backend) and on tensorflow-cpu, and rnnlab.
# On another machine, choose the torch build with e.g. `make test TORCH="torch>=2.2"`.
PYTHON ?= python3
PINS := .ci/pins.txt
TORCH ?= $(shell grep -m1 '^torch==' $(PINS))
TENSORFLOW ?= tensorflow-cpu>=2.16
JAX ?= $(shell grep -m1 '^jax\[cpu\]==' $(PINS))
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

NBVAL := --nbval-lax --nbval-sanitize-with notebooks/nbval_sanitize.cfg
# The series runs two notebooks at a time, one per core (pytest-xdist); --dist loadfile keeps every cell of a
# notebook in one worker, so the cells share one kernel in order. benchmarks/notebook_series.py times it.
NB_WORKERS ?= 2
NBVAL_SERIES := $(NBVAL) -n $(NB_WORKERS) --dist loadfile
# The Keras tests, run again on TensorFlow: every test marked `keras` (tests/conftest.py marks those that take the
# keras fixture or a 'keras' parameter), wherever it lives.
KERAS_TESTS := -m "keras and not slow" tests

.PHONY: setup demo lint test test-fast test-keras-tf notebooks benchmarks package-check clean

$(STAMP): pyproject.toml Makefile $(PINS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet "$(TORCH)" "$(TENSORFLOW)" "$(JAX)" "keras>=3"
	$(BIN)/pip install --quiet -e ".[torch,notebooks,dev]"
	touch $(STAMP)

setup: $(STAMP)

## The headline demo: the classic 300-step demo and the rnnlab recipe, RNN vs LSTM, 3 seeds, two workers.
## Results go to results/demo; run it again and the finished runs are reused (delete the folder to re-train).
demo: $(STAMP)
	$(BIN)/rnnlab run long-dependency --backend torch --cells rnn,lstm --seq-len 300 --hidden 16 \
		--seeds 3 --recipe original,rnnlab --jobs 2 --out results/demo

## Lint: ruff, and the layers of docs/architecture.md (import-linter's contract in pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

## Everything CI runs: lint, unit tests and the slow claim checks, the notebooks under nbval on each Keras backend (JAX,
## the default, then TensorFlow), then the Keras tests again on TensorFlow, then the package check (package-check
## below). pytest's exit 5 (no tests) fails.
NO_TESTS_FAIL = status=$$?; if [ $$status -eq 5 ]; then echo "pytest collected no tests: that is a failure here"; exit 1; fi; \
	[ $$status -eq 0 ] || exit $$status
## The notebooks run in a pytest process of their own, so their kernels inherit nothing a test left behind.
test: lint
	OMP_NUM_THREADS=1 $(BIN)/python -m pytest -m "slow or not slow" -p no:cacheprovider --durations=25 tests; $(NO_TESTS_FAIL)
	OMP_NUM_THREADS=1 $(BIN)/python -m pytest -p no:cacheprovider notebooks $(NBVAL_SERIES); $(NO_TESTS_FAIL)
	KERAS_BACKEND=tensorflow OMP_NUM_THREADS=1 $(BIN)/python -m pytest -p no:cacheprovider notebooks $(NBVAL_SERIES); $(NO_TESTS_FAIL)
	KERAS_BACKEND=tensorflow OMP_NUM_THREADS=1 $(BIN)/python -m pytest -p no:cacheprovider $(KERAS_TESTS); $(NO_TESTS_FAIL)
	PYTHON=$(BIN)/python TORCH="$(TORCH)" JAX="$(JAX)" bash .ci/package_check.sh

## The package as users get it: sdist and wheel built (isolated) and checked (twine, every package file), the wheel
## installed into a fresh venv outside the source tree, its tables and corpora loaded, notebook 01 run against it.
package-check: $(STAMP)
	PYTHON=$(BIN)/python TORCH="$(TORCH)" JAX="$(JAX)" bash .ci/package_check.sh

## Unit tests only: no solve-rate runs, notebooks, browser or Colab-widget tests (about a minute).
test-fast: $(STAMP)
	OMP_NUM_THREADS=1 $(BIN)/python -m pytest -m "not slow and not browser and not colab_widgets"

## The Keras tests again on Keras's TensorFlow backend (the other targets use the default, JAX).
test-keras-tf: $(STAMP)
	KERAS_BACKEND=tensorflow OMP_NUM_THREADS=1 $(BIN)/python -m pytest -p no:cacheprovider $(KERAS_TESTS); $(NO_TESTS_FAIL)

## Re-execute every notebook in place, top to bottom in a fresh kernel (what students see on the web).
notebooks: $(STAMP)
	cd notebooks && for nb in [0-9]*.ipynb; do \
		start=$$(date +%s); \
		OMP_NUM_THREADS=1 ../$(BIN)/jupyter nbconvert --to notebook --execute --inplace --log-level=WARN \
			--ExecutePreprocessor.timeout=1200 --ExecutePreprocessor.store_widget_state=True "$$nb" || exit 1; \
		echo "$$nb: executed in $$(( $$(date +%s) - start )) s"; \
	done

## Every benchmark; the sweeps resume from benchmarks/results/*/results.csv, so only missing runs are trained.
benchmarks: $(STAMP)
	$(BIN)/python benchmarks/import_time.py
	$(BIN)/python benchmarks/overhead.py
	$(BIN)/python benchmarks/step_times.py
	$(BIN)/python benchmarks/jax_floor.py
	$(BIN)/python benchmarks/torch_cells.py
	$(BIN)/python benchmarks/parallel.py
	$(BIN)/python benchmarks/solve_rate_maps.py run maps --jobs 2
	$(BIN)/python benchmarks/solve_rate_maps.py export maps
	$(BIN)/python benchmarks/solve_rate_maps.py run ablations --jobs 2
	$(BIN)/python benchmarks/solve_rate_maps.py export ablations
	OMP_NUM_THREADS=1 $(BIN)/python benchmarks/char_lm.py run && $(BIN)/python benchmarks/char_lm.py export
	OMP_NUM_THREADS=1 $(BIN)/python benchmarks/seq2seq_attention.py run && $(BIN)/python benchmarks/seq2seq_attention.py export
	OMP_NUM_THREADS=1 $(BIN)/python benchmarks/forecaster_check.py --jobs 2
	$(BIN)/python benchmarks/notebook_series.py

clean:
	rm -rf $(VENV) results .pytest_cache
