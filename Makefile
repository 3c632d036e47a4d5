# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CORPUS ?= corpus

.PHONY: setup run test lint gate bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

## run: crawl every site offline from the bundled fixtures (feeds, sitemaps, sections, articles) into ./corpus
run: setup
	$(BIN)/crawler crawl --replay fixtures --out $(CORPUS)

## test: the whole test suite
test: setup
	$(BIN)/python -m pytest

## lint: ruff and mypy, as CI runs them
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## gate: extraction quality against the floors pinned in bench/floors.json (skips without ../shared)
gate: setup
	$(BIN)/python bench/gate.py

## bench: parser speed against lxml and trafilatura; generic extraction against trafilatura and readability
## (crawls and corpus memory: bench/crawl.py, bench/corpus.py; see docs/performance.md)
bench: setup
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/parse.py
	$(BIN)/python bench/extraction.py --data ../shared/bench/article-extraction
	$(BIN)/python bench/extraction.py --data ../shared/bench/trafilatura-eval

clean:
	rm -rf $(VENV) $(CORPUS) .pytest_cache .mypy_cache .ruff_cache
