# Two commands do everything on a fresh machine: `make book` and `make test`.
# Both create .venv/ and install the pinned stack the first time.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed
PYTEST := $(PY) -m pytest
ARTIFACTS := test-artifacts
# The oldest Python the course supports: pyproject.toml's requires-python (">=X.Y").
PYTHON_MIN := $(shell sed -n 's/^requires-python *= *">=\([0-9.]*\)".*/\1/p' pyproject.toml)

.DEFAULT_GOAL := help
.PHONY: help check-python venv book test lint test-lib test-notebooks test-browser test-book \
	test-built-book test-exercises lab bench clean

help:
	@echo "make book   build the book into _build/html (creates .venv/ if needed)"
	@echo "            and the course_lib wheel it publishes; needs Python $(PYTHON_MIN) or newer"
	@echo "make test   lint, library tests, notebook re-execution, browser and grading tests"
	@echo "make lab    JupyterLab for running the chapters locally"
	@echo "make bench  course_lib against scikit-learn, printed as a table"
	@echo "make pdf    the book as one PDF through LaTeX (_build/latex/book.pdf)"
	@echo "make assignments | release | collect | zip-collect | autograde | feedback | grades"
	@echo "make bench-grading [N=2] [LANES=n | DASK=1]  time make autograde per submission,"
	@echo "            per stage and per batch"

# One line saying what is needed and what was found when an interpreter is missing or too old.
# Usage: $(call check_python,<interpreter>)
define check_python
command -v $(1) >/dev/null 2>&1 || { \
  echo "The course needs Python $(PYTHON_MIN) or newer; found no '$(1)' (set PYTHON=/path/to/python3)."; \
  exit 1; }; \
$(1) -c 'import sys; sys.exit(sys.version_info < tuple(map(int, "$(PYTHON_MIN)".split("."))))' \
  >/dev/null 2>&1 || { \
  echo "The course needs Python $(PYTHON_MIN) or newer; found $$($(1) -V 2>&1) at $$(command -v $(1)) (set PYTHON=/path/to/python3)."; \
  exit 1; }
endef

# The interpreter that makes .venv/ (PYTHON), or .venv/'s own once it exists.
check-python:
	@$(call check_python,$(if $(wildcard $(PY)),$(PY),$(PYTHON)))

$(STAMP): requirements.txt pyproject.toml
	@$(call check_python,$(if $(wildcard $(PY)),$(PY),$(PYTHON)))
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

venv: $(STAMP)

book: $(STAMP) release-notebooks
	$(BIN)/jupyter-book build . -W --keep-going
	@echo "Book built: open file://$(CURDIR)/_build/html/index.html"

lint: $(STAMP)
	$(BIN)/ruff check .

test-lib: $(STAMP)
	$(PYTEST) -n 2 --doctest-modules tests/lib course_lib

test-notebooks: $(STAMP)
	$(PYTEST) -n 2 --dist loadfile -p no:cacheprovider --nbval --nbval-current-env \
		--nbval-sanitize-with book/nbval-sanitize.cfg -o testpaths= book

# Every page of the built book in headless Chromium (a browser per worker).
test-browser: $(STAMP)
	$(PYTEST) -n 2 tests/browser

# The built book from a reader's side: first cells, launch links, and every chapter run from
# its download with the published wheel in a fresh virtual environment (one pip install of
# requirements.txt, then the chapters two at a time: the longest test).
test-book: $(STAMP)
	$(PYTEST) -n 2 tests/book

# Both in one run, for make test: the browser tests fill the other worker while the
# longest test installs its environment.
test-built-book: $(STAMP)
	$(PYTEST) -n 2 tests/book tests/browser

test-exercises: $(STAMP)
	$(PYTEST) -n 2 --dist loadfile tests/exercises

test: lint test-lib test-notebooks book test-built-book test-exercises
	@echo "make test: all checks passed"

lab: $(STAMP)
	$(BIN)/jupyter lab book

bench: $(STAMP)
	$(PY) -m benchmarks

clean:
	rm -rf _build $(ARTIFACTS) .pytest_cache .ruff_cache

-include mk/*.mk
