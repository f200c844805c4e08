# Every target sets itself up: a local .venv with the CPU build of torch, tensorflow-cpu and rnnlab.
# On another machine, choose the torch build with e.g. `make test TORCH="torch>=2.2"`.
PYTHON ?= python3
TORCH ?= torch==2.13.0
TENSORFLOW ?= tensorflow-cpu>=2.16
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup demo test test-fast benchmarks clean

$(STAMP): pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet "$(TORCH)" "$(TENSORFLOW)" "keras>=3"
	$(BIN)/pip install --quiet -e ".[torch,notebooks,dev]"
	touch $(STAMP)

setup: $(STAMP)

## The headline demo: the classic 300-step demo and the rnnlab recipe, RNN vs LSTM, 3 seeds (about 3 min).
demo: $(STAMP)
	$(BIN)/rnnlab run long-dependency --backend torch --cells rnn,lstm --seq-len 300 --hidden 16 \
		--seeds 3 --recipe original,rnnlab --out results/demo

## Everything CI runs: unit tests on both backends and the slow claim checks (about 5 min).
test: $(STAMP)
	$(BIN)/python -m pytest -m "slow or not slow" -p no:cacheprovider; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: that is a failure here"; exit 1; fi; exit $$status

## Unit tests only, no solve-rate runs (under a minute).
test-fast: $(STAMP)
	$(BIN)/python -m pytest

benchmarks: $(STAMP)
	$(BIN)/python benchmarks/import_time.py
	$(BIN)/python benchmarks/overhead.py
	$(BIN)/python benchmarks/solve_rates.py run --backend torch
	$(BIN)/python benchmarks/solve_rates.py run --backend keras
	$(BIN)/python benchmarks/solve_rates.py report

clean:
	rm -rf $(VENV) results .pytest_cache
