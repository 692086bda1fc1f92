# The README's commands. Each target installs what it needs from scratch.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PACKAGES := zerogpu_core langchain_zerogpu llama_index_zerogpu

.PHONY: install demo test lint typecheck docs pytest cassettes bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet -e ".[all]" --group dev
	touch $(STAMP)

install: $(STAMP)

# The main job: RAG ingestion with PII redaction in LlamaIndex and LangChain (demo/).
# Live API when ZEROGPU_API_KEY is set, otherwise the bundled emulator.
demo: $(STAMP)
	$(BIN)/python -m demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy $(PACKAGES) demo

# The docs site; --strict fails on broken links and API references.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet --site-dir site

pytest: $(STAMP)
	$(BIN)/pytest

test: lint typecheck docs pytest

# Re-record every cassette: against the live API when ZEROGPU_API_KEY is set,
# otherwise against the bundled emulator (see cassettes/README.md).
cassettes: $(STAMP)
	$(BIN)/pytest --record-mode=rewrite -p no:randomly

# Benchmarks against ChatOpenAI, OpenAILike, bare httpx and the official
# langchain-zerogpu (its own venv: it installs a package of the same import name).
# Writes benchmarks/RESULTS.md and docs/assets/benchmarks.svg; about 10 minutes.
BENCH_VENV := .venv-bench-official

$(BENCH_VENV)/.installed:
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet "langchain-zerogpu==1.2.0"
	touch $@

bench: $(STAMP) $(BENCH_VENV)/.installed
	$(BIN)/python -m pip install --quiet --group bench
	$(BIN)/python -m benchmarks.run --official-python $(BENCH_VENV)/bin/python

clean:
	rm -rf $(BENCH_VENV) $(VENV) .mypy_cache .ruff_cache .pytest_cache site
