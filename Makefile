# The README's commands. Each target installs what it needs from scratch, from the
# committed uv.lock: a fresh clone gets exactly the dependency set CI tested.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PACKAGES := zerogpu_core langchain_zerogpu llama_index_zerogpu
# The distributions built from this repository (uv workspace members; each links to
# its top-level package): zerogpu-core, langchain-zerogpu, llama-index-zerogpu.
MEMBERS := $(wildcard packages/*)

# uv installs the locked set. A uv already on PATH is used as it is; otherwise the
# pinned version is bootstrapped with pip into .tools/ (needs only Python).
UV_VERSION := 0.13.9
TOOLS := .tools
UV ?= $(or $(shell command -v uv 2>/dev/null),$(TOOLS)/bin/uv)
# Never download an interpreter: use the machine's Pythons.
export UV_PYTHON_DOWNLOADS := never
# Keep uv off any virtualenv the caller happens to have activated.
unexport VIRTUAL_ENV

# The two ends of the supported range (pyproject.toml: requires-python >= 3.10).
PYENV_ROOT ?= $(HOME)/.pyenv
PYTHON_OLDEST ?= $(or $(lastword $(sort $(wildcard $(PYENV_ROOT)/versions/3.10.*/bin/python3.10))),python3.10)
PYTHON_NEWEST ?= $(or $(lastword $(sort $(wildcard $(PYENV_ROOT)/versions/3.13.*/bin/python3.13))),python3.13)
LOCK_HINT := uv.lock does not match pyproject.toml. Refresh it on purpose with 'make lock' (keeps every pin it can) or 'make lock-upgrade' (newest allowed versions), review 'git diff uv.lock', and commit it in its own commit.

.PHONY: install lock lock-upgrade demo test lint typecheck docs pytest test-range test-lowest test-highest \
	cassettes bench clean

$(TOOLS)/bin/uv:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet "uv==$(UV_VERSION)"

$(STAMP): pyproject.toml uv.lock | $(UV)
	@$(UV) lock --check --quiet 2>/dev/null || { echo "$(LOCK_HINT)" >&2; exit 1; }
	$(UV) sync --quiet --locked --all-extras --group dev --python $(PYTHON)
	touch $(STAMP)

install: $(STAMP)

# Bring uv.lock in line with pyproject.toml, moving only what the change requires.
lock: | $(UV)
	$(UV) lock --python $(PYTHON)

# Re-resolve every dependency to the newest versions pyproject.toml allows.
lock-upgrade: | $(UV)
	$(UV) lock --upgrade --python $(PYTHON)

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

# The ends of the supported range, each in a throwaway venv (not locked, on purpose):
# the lowest versions pyproject.toml allows for every direct dependency on the oldest
# Python, and the newest versions it allows on the newest Python. Test group only;
# mypy also runs on the oldest end, where langchain-core is the 1.7 line.
RANGE_VENV = .venv-$(1)
define range_env
	rm -rf $(call RANGE_VENV,$(1))
	$(UV) venv --quiet $(call RANGE_VENV,$(1)) --python $(2)
	VIRTUAL_ENV=$(call RANGE_VENV,$(1)) $(UV) pip install --quiet --resolution $(3) \
		-e ".[all]" $(addprefix -e ,$(MEMBERS)) --group test $(4)
endef

test-lowest: | $(UV)
	$(call range_env,lowest,$(PYTHON_OLDEST),lowest-direct,--group lint)
	$(call RANGE_VENV,lowest)/bin/mypy $(PACKAGES)
	$(call RANGE_VENV,lowest)/bin/pytest -p no:cacheprovider

test-highest: | $(UV)
	$(call range_env,highest,$(PYTHON_NEWEST),highest,--upgrade)
	$(call RANGE_VENV,highest)/bin/pytest -p no:cacheprovider

test-range: test-lowest test-highest

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
	$(UV) sync --quiet --locked --all-extras --group dev --group bench --python $(PYTHON)
	$(BIN)/python -m benchmarks.run --official-python $(BENCH_VENV)/bin/python

clean:
	rm -rf $(BENCH_VENV) $(VENV) .venv-lowest .venv-highest $(TOOLS) \
		.mypy_cache .ruff_cache .pytest_cache site
