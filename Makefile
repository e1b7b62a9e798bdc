# One task runner: `make demo` sets everything up and answers a question; `make test` runs the tests.
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTHON ?= python3

.PHONY: demo test lint bench carry clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# The CPU build of torch first, from local disk: a bare torch requirement pulls a CUDA build.
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[dev,ray]'
	touch $(STAMP)

demo: $(STAMP)  ## install, index seeds/ and ask the demo question
	QA_HOME=.qa-demo $(BIN)/qa index add seeds
	QA_HOME=.qa-demo $(BIN)/qa ask "who raised sanctions?"

test: $(STAMP)  ## lint, type-check and run the test suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: $(STAMP)  ## benchmarks over ../shared/data (not part of the tests)
	$(BIN)/python -m pip install -q -e '.[bench]'
	$(BIN)/python -m benchmarks.run
	$(BIN)/python -m benchmarks.scale
	$(BIN)/python -m benchmarks.watch

carry: $(STAMP)  ## what training/device_train.sh needs on a lent GPU machine, in .carry/
	$(BIN)/python -m training.carry

clean:
	rm -rf $(VENV) .qa-demo
