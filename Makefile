# The README's two commands: `make run` and `make test`. Both create the virtual
# environment and install on first use, so a fresh clone needs nothing else.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test lint typecheck imports unit bench clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Tipline needs Python 3.11 ($(PYTHON) not found); set PYTHON=/path/to/python3.11"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

run: $(STAMP)
	$(BIN)/python app.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy .

imports: $(STAMP)
	$(BIN)/lint-imports

unit: $(STAMP)
	$(BIN)/pytest -q $(PYTEST_ARGS)

test: lint typecheck imports unit

bench: $(STAMP)
	$(BIN)/python -m bench.flow_turns
	$(BIN)/python -m bench.slack_turns
	$(BIN)/python -m bench.teams_turns
	$(BIN)/python -m bench.watchlist

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
