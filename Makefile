# Two commands do everything on a fresh machine: `make book` and `make test`.
# Both create .venv/ and install the pinned stack the first time.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed
PYTEST := $(PY) -m pytest
ARTIFACTS := test-artifacts

.DEFAULT_GOAL := help
.PHONY: help venv book test lint test-lib test-notebooks test-browser test-exercises lab bench clean

help:
	@echo "make book   build the book into _build/html (creates .venv/ if needed)"
	@echo "make test   lint, library tests, notebook re-execution, browser and grading tests"
	@echo "make lab    JupyterLab for running the chapters locally"
	@echo "make bench  course_lib against scikit-learn, printed as a table"
	@echo "make assignments | release | collect | zip-collect | autograde | feedback | grades"
	@echo "make bench-grading [N=2]  time make autograde per submission and per stage"

$(STAMP): requirements.txt pyproject.toml
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

test-browser: $(STAMP)
	$(PYTEST) tests/browser

test-exercises: $(STAMP)
	$(PYTEST) -n 2 --dist loadgroup tests/exercises

test: lint test-lib test-notebooks book test-browser test-exercises
	@echo "make test: all checks passed"

lab: $(STAMP)
	$(BIN)/jupyter lab book

bench: $(STAMP)
	$(PY) -m benchmarks

clean:
	rm -rf _build $(ARTIFACTS) .pytest_cache .ruff_cache

-include mk/*.mk
