# The README's commands. Each target installs what it needs from scratch.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PACKAGES := zerogpu_core langchain_zerogpu llama_index_zerogpu

.PHONY: install test lint typecheck pytest cassettes clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet -e ".[all]" --group dev
	touch $(STAMP)

install: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy $(PACKAGES)

pytest: $(STAMP)
	$(BIN)/pytest

test: lint typecheck pytest

# Re-record every cassette: against the live API when ZEROGPU_API_KEY is set,
# otherwise against the bundled emulator (see cassettes/README.md).
cassettes: $(STAMP)
	$(BIN)/pytest --record-mode=rewrite -p no:randomly

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
