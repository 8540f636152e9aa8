# nklabor: `make data` sets up .venv and builds data/processed; `make test` runs the whole suite.
# Every package these two install comes as a wheel (--only-binary :all:): no compiler is needed. uv (itself a
# wheel from PyPI) installs them in parallel, which makes a cold `make data` about twice as fast as pip.
# --compile-bytecode writes every module's .pyc at install time: where PYTHONDONTWRITEBYTECODE is set, Python
# would otherwise recompile pandas and its kin from source in every process (about 1 s more for each command).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
INSTALL := $(VENV)/bin/uv pip install --quiet --python $(PY) --only-binary :all: --compile-bytecode
STAMP := $(VENV)/.installed-stamp
TEST_STAMP := $(VENV)/.test-stamp
RELEASE_STAMP := $(VENV)/.release-stamp

.PHONY: data test lint dictionary stats clean release serve figures bench site site-serve site-shots site-test check-ftm \
	estimate screening

$(VENV)/bin/uv:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --only-binary :all: uv

$(STAMP): pyproject.toml | $(VENV)/bin/uv
	$(INSTALL) -e .
	touch $(STAMP)

$(TEST_STAMP): pyproject.toml $(STAMP)
	$(INSTALL) -e '.[test]'
	touch $(TEST_STAMP)

$(RELEASE_STAMP): pyproject.toml $(STAMP)
	$(INSTALL) -e '.[release]'
	touch $(RELEASE_STAMP)

# compileall: the package's own modules get their .pyc too (skipped when current; see --compile-bytecode above).
data: $(STAMP)
	@$(PY) -m compileall -q nklabor
	$(PY) -m nklabor build

# make test: the whole suite on every core (pytest-xdist); about 3½ minutes on an idle 2-core machine (see README).
test: data $(TEST_STAMP)
	$(PY) -m pytest -n $(or $(JOBS),auto) --dist loadgroup

lint: $(TEST_STAMP)
	$(PY) -m ruff check nklabor tests

dictionary: $(STAMP)
	$(PY) -m nklabor dictionary

stats: data
	$(PY) -m nklabor stats

# make screening: precision and recall of `nklabor screen` on the labelled set (docs/SCREENING.md).
screening: data
	$(PY) -m nklabor screen --evaluate

# make estimate: whether the fitted hyperparameters belong to the current data, then the back-test of the best
# estimates, three protocols, new method and old (docs/ESTIMATES.md). A stale fit is reported, never fatal.
estimate: data
	$(PY) -m nklabor estimate --backtest

clean:
	rm -f data/processed/*.parquet data/processed/manifest.json

# make release VERSION=2026.11.0: dist/nklabor-data-VERSION/ and its zip, releases/VERSION.json, CHANGELOG.md.
release: data $(RELEASE_STAMP)
	@test -n "$(VERSION)" || { echo "usage: make release VERSION=YYYY.MM.N" >&2; exit 2; }
	$(PY) -m nklabor release --version $(VERSION) $(if $(REPLACE),--replace) $(if $(FORCE),--force)

# make serve [VERSION=...] [PORT=8001]: browse a release's SQLite in Datasette on 127.0.0.1 only.
serve: $(RELEASE_STAMP)
	$(PY) -m nklabor serve $(if $(VERSION),--version $(VERSION)) --port $(or $(PORT),8001)

# make figures: the key maps, timelines, series and country profiles as reports/figures/*.png.
figures: data
	$(PY) -m nklabor plot key -o reports/figures

# make site: the static explorer in dist/site/ (open dist/site/index.html); make site-serve: on 127.0.0.1:8002.
site: data
	$(PY) -m nklabor site

site-serve: site
	$(PY) -m http.server --bind 127.0.0.1 --directory dist/site $(or $(PORT),8002)

# make check-ftm: load the FollowTheMoney export back with the followthemoney library. That library's text
# dependency (PyICU) is built with a C++ compiler, so it is installed here, not by `make data`/`make test`.
check-ftm: $(TEST_STAMP)
	$(PIP) install --quiet 'followthemoney>=4.0'
	$(PY) -m pytest -m ftm -p no:randomly tests/test_release.py tests/test_screening.py

# make bench: build, import, estimation, site and 10k/100k/1M-row pipeline timings -> benchmarks/results.md.
bench: data $(TEST_STAMP)
	$(PY) benchmarks/run.py

# make site-test: the site's tests alone, in Debian's Chromium at 390 px and 1366 px, with axe-core checks.
site-test: data $(TEST_STAMP)
	$(PY) -m pytest -p no:randomly tests/test_site.py

# make site-shots: phone (390 px) and laptop (1366 px) screenshots of the key pages in reports/site/ (needs
# Debian's chromium); look at every one after changing the site.
site-shots: site $(TEST_STAMP)
	$(PY) -c "import sys; sys.path.insert(0, 'tests'); from pathlib import Path; \
from test_site import CHROMIUM, ARGS, screenshots; from playwright.sync_api import sync_playwright; \
p = sync_playwright().start(); b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS); \
print(*screenshots(b, Path('dist/site').resolve(), Path('reports/site')), sep='\n'); b.close(); p.stop()"
