# The README's first two commands: `make demo` and `make test`. Both set everything up on a fresh machine
# with only Python 3.11 and pip; `make install` is idempotent and quick once done.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install browser demo test lint validate clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: install
	$(BIN)/commitments extract examples/ -o out/commitments.jsonl
	$(BIN)/commitments extract examples/ -o out/commitments.csv
	$(BIN)/commitments db build out/commitments.jsonl -o out/results.duckdb
	@echo "wrote out/commitments.jsonl, out/commitments.csv and out/results.duckdb"

# The report's browser test needs Debian's chromium and a CJK font: installed here when missing (root + apt).
browser:
	@.ci/install-browser

test: install browser
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check extractor training eval tests

clean:
	rm -rf out .pytest_cache .hypothesis
