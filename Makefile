# nklabor: `make data` sets up .venv and builds data/processed; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: data test lint dictionary stats clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

data: $(STAMP)
	$(PY) -m nklabor build

test: data
	$(PY) -m pytest

lint: $(STAMP)
	$(PY) -m ruff check nklabor tests

dictionary: $(STAMP)
	$(PY) -m nklabor dictionary

stats: data
	$(PY) -m nklabor stats

clean:
	rm -f data/processed/*.parquet data/processed/manifest.json
