# sendlib — the two commands: `make report` and `make test`.
# Every target bootstraps .venv when it is missing or pyproject.toml / uv.lock changed, so a
# fresh machine needs only Python 3.11 and make: uv (from PyPI, its wheel's hashes pinned in
# uv-requirements.txt) installs into .venv exactly the versions and hashes in uv.lock — the
# papers are byte-identical only with the same packages — and sendlib itself, editable.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
TOOLS  := .venv-uv
UV     := $(TOOLS)/bin/uv
DEMO   := data/demo
SEED   ?= 42
MONTH  ?=

CHROMIUM := /usr/bin/chromium

# Some images set PYTHONDONTWRITEBYTECODE: then every kernel recompiles sendlib from
# source (~0.4 s each). Commands run by make may cache bytecode, and it is precompiled
# at install time for `sendlib` run directly.
unexport PYTHONDONTWRITEBYTECODE
# uv: the machine's Python 3.11, never a downloaded one; the venv at .venv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: venv venv-dev lock report demo validate scorecard test lint bench clean browser office lab release-copy

venv: $(STAMP)
venv-dev: $(DEV_STAMP)

# uv's wheel into .venv-uv/ by the machine's pip (or, without one, a venv's)
PIP_UV := --quiet --disable-pip-version-check --root-user-action=ignore --require-hashes \
  --no-deps -r uv-requirements.txt
$(UV): uv-requirements.txt
	rm -rf $(TOOLS)
	$(PYTHON) -m pip install $(PIP_UV) --target $(TOOLS) 2>/dev/null || { \
	  $(PYTHON) -m venv $(TOOLS)/venv && $(TOOLS)/venv/bin/python -m pip install $(PIP_UV) && \
	  mkdir -p $(TOOLS)/bin && ln -sf ../venv/bin/uv $(UV); }
	@touch $(UV)

# --locked: a pyproject.toml changed without `make lock` is an error, never a silent resolve.
# The paper needs only sendlib's own dependencies (--inexact: the tests' tools, when there,
# stay); the tests, lint and the lab need the dev extra too. Bytecode is written as modules
# are first imported: compiling every installed package up front takes a minute.
$(STAMP): pyproject.toml uv.lock $(UV)
	$(UV) sync --locked --inexact --python $(PYTHON) --quiet
	$(BIN)/python -m compileall -q src
	@touch $(STAMP)

$(DEV_STAMP): pyproject.toml uv.lock $(UV)
	$(UV) sync --locked --extra dev --python $(PYTHON) --quiet
	$(BIN)/python -m compileall -q src
	@touch $(STAMP) $(DEV_STAMP)

# after a change of dependencies in pyproject.toml: the new versions and hashes in uv.lock
lock: $(UV)
	$(UV) lock

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
lab: demo $(DEV_STAMP)
	$(BIN)/sendlib lab --data $(DEMO) $(if $(MONTH),--month $(MONTH))

# on both cores, a test file's tests on one (they share its module fixtures)
test: $(DEV_STAMP) browser office
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

lint: $(DEV_STAMP)
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
	rm -rf $(VENV) $(TOOLS) $(DEMO) outputs/*/ .pytest_cache
