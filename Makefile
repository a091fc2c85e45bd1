# newsdesk: `make demo` sets up .venv and runs the pipeline on the bundled sample;
# `make test` runs ruff, mypy and pytest (all but the tests marked slow, which
# `make test-slow` runs; CI runs both). `make test-fuzz` runs the property tests (marked
# fuzz, which `make test` runs with a few examples each) with many, as CI does.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test test-slow test-fuzz fuzz-explore lint typecheck install clean

$(BIN)/newsdesk: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip==25.3
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $@

install: $(BIN)/newsdesk

demo: install
	$(BIN)/newsdesk run --sample

lint: install
	$(BIN)/ruff check src tests bench training
	$(BIN)/ruff format --check src tests bench training

typecheck: install
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/pytest -m "not slow"

test-slow: install
	$(BIN)/pytest -m slow

test-fuzz: install
	HYPOTHESIS_PROFILE=ci $(BIN)/pytest -m fuzz

fuzz-explore: install
	HYPOTHESIS_PROFILE=explore $(BIN)/pytest -m fuzz

clean:
	rm -rf $(VENV) site newsdesk.db newsdesk.db-wal newsdesk.db-shm
