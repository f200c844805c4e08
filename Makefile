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
SITE_STAMP := $(VENV)/.site-stamp
SITE := build/site

NBVAL := --nbval-lax --nbval-sanitize-with notebooks/nbval_sanitize.cfg
# The series runs two notebooks at a time, one per core (pytest-xdist); --dist loadfile keeps every cell of a
# notebook in one worker, so the cells share one kernel in order. benchmarks/notebook_series.py times it.
NB_WORKERS ?= 2
NBVAL_SERIES := $(NBVAL) -n $(NB_WORKERS) --dist loadfile
# The Keras tests, run again on TensorFlow: every test marked `keras` (tests/conftest.py marks those that take the
# keras fixture or a 'keras' parameter), wherever it lives.
KERAS_TESTS := -m "keras and not slow" tests

.PHONY: setup demo lint site test test-fast test-keras-tf test-versions notebooks benchmarks package-check clean

$(STAMP): pyproject.toml Makefile $(PINS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet "$(TORCH)" "$(TENSORFLOW)" "$(JAX)" "keras>=3"
	$(BIN)/pip install --quiet -e ".[torch,notebooks,dev]"
	touch $(STAMP)

setup: $(STAMP)

# The site's tools (the docs extra) on top of the set-up; only `make site` and `make test` need them.
$(SITE_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e ".[docs]"
	touch $(SITE_STAMP)

## The course as a static site in build/site (open build/site/index.html): the notebooks as saved (nothing is
## re-executed), the instructor guide, the measurements, the API from the docstrings; docs/conf.py configures it.
site: $(SITE_STAMP)
	$(BIN)/python -m sphinx -b html -q -c docs -d build/site-doctrees . $(SITE)
	@echo "The site is in $(SITE)/index.html"

## The headline demo (rnnlab/demo.py), about two minutes on 2 cores: at T=300 on torch, 3 seeds, two workers, the
## classic first-token demo and the rnnlab recipe (simple RNN, LSTM), and the adding problem (simple RNN, LSTM, GRU);
## a table of solve counts, a verdict computed from them, and results/demo/demo.png with one panel per sweep.
## Run it again and the finished runs are reused (delete results/demo to re-train). benchmarks/demo_time.py times it.
demo: $(STAMP)
	OMP_NUM_THREADS=1 $(BIN)/rnnlab demo --seeds 3 --jobs 2 --out results/demo

## Lint: ruff, the layers of docs/architecture.md (import-linter's contract in pyproject.toml), and the pre-commit hooks
## (.pre-commit-config.yaml: ruff, and nbstripout cleaning notebook metadata with outputs kept) on every file; a hook
## that changes a file fails here.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/pre-commit run --all-files --show-diff-on-failure

## Everything CI runs: lint, the site (make site; tests/browser/test_site_browser.py opens it), unit tests and the slow
## claim checks, the notebooks under nbval on each Keras backend (JAX, the default, then TensorFlow), then the Keras
## tests again on TensorFlow, then the package check (package-check below). pytest's exit 5 (no tests) fails.
NO_TESTS_FAIL = status=$$?; if [ $$status -eq 5 ]; then echo "pytest collected no tests: that is a failure here"; exit 1; fi; \
	[ $$status -eq 0 ] || exit $$status
## The notebooks run in a pytest process of their own, so their kernels inherit nothing a test left behind.
test: lint site
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

## The notebook series under nbval (as `make test`) with Colab's package versions, in a throw-away venv: the pins of
## benchmarks/colab/requirements.txt and a CPU build of torch; the result goes to benchmarks/results/colab_versions.md.
## Not part of `make test` (it downloads a few hundred MB). PyPI's torch 2.11 for Linux is the CUDA build, so the CPU
## build comes from PyTorch's index; where that index cannot be reached, pick a CPU build that can, e.g.
## `make test-versions COLAB_TORCH="torch==2.13.0+cpu" COLAB_TORCH_INDEX=` (the report names the torch used).
COLAB_TORCH ?= torch==2.11.0+cpu
COLAB_TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
COLAB_NOTE ?=
test-versions: $(STAMP)
	$(BIN)/python benchmarks/colab_versions.py --torch "$(COLAB_TORCH)" --torch-index "$(COLAB_TORCH_INDEX)" \
		--note "$(COLAB_NOTE)"

## Re-execute every notebook in place, top to bottom in a fresh kernel (what students see on the web), and write how
## long each took (benchmarks/results/notebook_times.md) into the notebooks' headers: the one table every page quotes.
notebooks: $(STAMP)
	OMP_NUM_THREADS=1 $(BIN)/python benchmarks/notebook_times.py --in-place --apply

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
	OMP_NUM_THREADS=1 $(BIN)/python benchmarks/lstm_gates.py
	OMP_NUM_THREADS=1 $(BIN)/python benchmarks/forecaster_check.py --jobs 2
	$(BIN)/python benchmarks/notebook_series.py

clean:
	rm -rf $(VENV) results .pytest_cache $(SITE) build/site-doctrees
