# sendlib — the two commands: `make report` and `make test`.
# Every target bootstraps .venv (python3.11 -m venv + pip install -e .[dev]) when it is
# missing or pyproject.toml changed, so a fresh machine needs only Python 3.11 and make.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO   := data/demo
SEED   ?= 42
MONTH  ?=

CHROMIUM := /usr/bin/chromium

# Some images set PYTHONDONTWRITEBYTECODE: then every kernel recompiles sendlib from
# source (~0.4 s each). Commands run by make may cache bytecode, and it is precompiled
# at install time for `sendlib` run directly.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: venv report demo validate scorecard test lint bench clean browser office lab release-copy

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m compileall -q src
	@touch $(STAMP)

# the demo runs to the last complete month, so it is made again when the month turns
DEMO_STAMP := $(DEMO)/.generated-$(shell date +%Y-%m)

$(DEMO_STAMP): $(STAMP)
	rm -rf $(DEMO)
	$(BIN)/sendlib demo --out $(DEMO) --seed $(SEED)
	@touch $@

demo: $(DEMO_STAMP)

validate: demo
	$(BIN)/sendlib validate --data $(DEMO) $(if $(MONTH),--month $(MONTH))

report: validate
	$(BIN)/sendlib run --data $(DEMO) $(if $(MONTH),--month $(MONTH))

# Debian's Chromium for the accessibility test (axe-core in a real browser; never a
# browser download from a test tool) and HarfBuzz-Subset, which makes WeasyPrint's PDF
# font subsetting faster.
browser:
	@{ test -x $(CHROMIUM) && dpkg -s libharfbuzz-subset0 >/dev/null 2>&1; } || { \
	  echo "installing Debian's chromium and libharfbuzz-subset0"; \
	  (apt-get update -qq && apt-get install -y -qq chromium libharfbuzz-subset0 >/dev/null) || \
	  echo "could not install them (not root?): the axe test will be skipped outside CI"; }

# Debian's LibreOffice Writer (no GUI) and poppler's tools, for the test that prints
# paper.docx as a clerk's agenda system would (pages, page size, column widths).
office:
	@{ command -v libreoffice >/dev/null && command -v pdftoppm >/dev/null; } || { \
	  echo "installing Debian's libreoffice-writer-nogui and poppler-utils"; \
	  (apt-get update -qq && apt-get install -y -qq --no-install-recommends \
	     libreoffice-writer-nogui poppler-utils >/dev/null) || \
	  echo "could not install them (not root?): the Word print test will be skipped outside CI"; }

# JupyterLab on this month's notebooks (parameters filled in); narrative goes in
# params/narrative/YYYY-MM/ — `sendlib new-month YYYY-MM` prepares it.
lab: demo
	$(BIN)/python -m pip install --quiet -e '.[dev,lab]'
	$(BIN)/sendlib lab --data $(DEMO) $(if $(MONTH),--month $(MONTH))

test: $(STAMP) browser office
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

# sendlib's reduced copy of the DfE's EHC plans release (the comparators' source), made
# again from a newly published release: make release-copy RELEASE=path/to/release.zip
release-copy: $(STAMP)
	@test -n "$(RELEASE)" || { echo "give RELEASE=path/to/the/release.zip"; exit 2; }
	$(BIN)/python -c "from pathlib import Path; from sendlib.data.release import reduce_release, reduced_release; print(reduce_release(Path('$(RELEASE)'), reduced_release()))"

clean:
	rm -rf $(VENV) $(DEMO) outputs/*/ .pytest_cache
