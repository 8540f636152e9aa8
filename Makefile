# nklabor: `make data` sets up .venv and builds data/processed; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: data test lint dictionary stats clean release serve figures bench

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

# make release VERSION=2026.11.0: dist/nklabor-data-VERSION/ and its zip, releases/VERSION.json, CHANGELOG.md.
release: data
	@test -n "$(VERSION)" || { echo "usage: make release VERSION=YYYY.MM.N" >&2; exit 2; }
	$(PY) -m nklabor release --version $(VERSION) $(if $(REPLACE),--replace)

# make serve [VERSION=...] [PORT=8001]: browse a release's SQLite in Datasette on 127.0.0.1 only.
SERVE_DIR = $(if $(VERSION),dist/nklabor-data-$(VERSION),$(shell ls -d dist/nklabor-data-*/ 2>/dev/null | sort -V | tail -1))
serve: $(STAMP)
	@test -f "$(SERVE_DIR)/nklabor.sqlite" || { echo "no release in dist/; run make release VERSION=..." >&2; exit 2; }
	$(PY) -m datasette serve -i $(SERVE_DIR)/nklabor.sqlite -m $(SERVE_DIR)/metadata.json \
		--host 127.0.0.1 --port $(or $(PORT),8001)

# make figures: the key maps, timelines and country profiles as reports/figures/*.png.
figures: data
	$(PY) -m nklabor plot key -o reports/figures

# make bench: build, import and 10k/100k/1M-row pipeline timings, written to benchmarks/results.md (not part of test).
bench: data
	$(PY) benchmarks/run.py
