# The README's two commands: `make run` and `make test`. Both create the virtual
# environment and install on first use, so a fresh clone needs nothing else.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test lint typecheck imports unit bench clean

# pipefail: a failing pip fails the step even with its output filtered.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
# pip names every index location of the machine's pip configuration that doesn't exist, one
# WARNING line per package: noise about the machine that reads like an error about Tipline.
# Everything else pip says is shown. (`|| true`: grep's "nothing left" is not a failure.)
QUIET_PIP := 2>&1 | { grep -v "^WARNING: Location '.*' is ignored" || true; }

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Tipline needs Python 3.11 ($(PYTHON) not found); set PYTHON=/path/to/python3.11"; exit 2; }
	@echo "Setting up $(VENV) (once; a minute or two)..."
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip $(QUIET_PIP)
	@$(BIN)/python -m pip install --quiet -e '.[dev]' $(QUIET_PIP)
	@rm -f $(VENV)/.installed-*
	@touch $@

run: $(STAMP)
	$(BIN)/python app.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy .

imports: $(STAMP)
	$(BIN)/lint-imports

# The suite is spread over xdist workers, one per core (each with its own PostgreSQL database
# when TEST_DATABASE_URL names one); JOBS=0 runs it serially in one process.
JOBS ?= auto

unit: $(STAMP)
	$(BIN)/pytest -q -n $(JOBS) $(PYTEST_ARGS)

test: lint typecheck imports unit

bench: $(STAMP)
	$(BIN)/python -m bench.flow_turns
	$(BIN)/python -m bench.slack_turns
	$(BIN)/python -m bench.teams_turns
	$(BIN)/python -m bench.group_commit
	$(BIN)/python -m bench.replicas  # PostgreSQL: BENCH_DATABASE_URL, else the CI database
	$(BIN)/python -m bench.extraction
	$(BIN)/python -m bench.watchlist
	$(BIN)/python -m bench.encryption
	$(BIN)/python -m bench.campaigns  # PostgreSQL too: BENCH_DATABASE_URL, else the CI database

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
