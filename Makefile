# The README's commands. `make run` sets up and serves the demo; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
NSM := $(BIN)/nsm
HOST ?= 127.0.0.1
PORT ?= 8000
VENDOR := nsm/static/vendor

.PHONY: setup run worker test lint typecheck format messages check-messages assets python clean bench load-fault

setup: python assets  ## everything `make run` needs, without serving
	$(NSM) migrate --no-input
	$(NSM) demo

python: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# The PDF documents' fonts (nsm/reports/templates/reports/typst/document.typ): Latin with ë and ç, regular, bold and
# oblique, and condensed for wide tables.
FONTS := DejaVuSans.ttf DejaVuSans-Bold.ttf DejaVuSans-Oblique.ttf DejaVuSansCondensed.ttf DejaVuSansCondensed-Bold.ttf

assets: $(VENDOR)/.installed
$(VENDOR)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)/css $(VENDOR)/js
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map $(VENDOR)/css/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map $(VENDOR)/js/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/js/
	mkdir -p $(VENDOR)/fonts
	cp $(addprefix node_modules/dejavu-fonts-ttf/ttf/,$(FONTS)) $(VENDOR)/fonts/
	cp node_modules/dejavu-fonts-ttf/LICENSE $(VENDOR)/fonts/LICENSE-DejaVu.txt
	touch $@

# The worker that makes the documents runs in the background beside the server; Ctrl-C (or the server stopping) ends both.
run: setup
	$(NSM) demo --logins
	$(NSM) worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; $(NSM) runserver $(HOST):$(PORT)

worker: python  ## only the background worker that makes the documents, beside a server started otherwise
	$(NSM) worker

# The suite runs in TEST_PROCESSES processes (pytest-xdist; each has its own test database); TEST_PROCESSES=0 runs it in
# this process, e.g. to use a debugger.
TEST_PROCESSES ?= 2
test: python assets
	$(BIN)/pytest -p no:cacheprovider -n $(TEST_PROCESSES) $(PYTEST_ARGS)

lint: python
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(NSM) makemigrations --check --dry-run

# mypy with django-stubs ([tool.mypy] in pyproject.toml) over the whole package, which .ci/run checks through
# `make typecheck`: every app is clean, and stays so.
typecheck: python
	$(BIN)/mypy nsm

format: python
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

MAKEMESSAGES := $(NSM) makemessages -l sq --no-obsolete --add-location file --ignore 'node_modules/*' \
	--ignore 'var/*' --ignore 'tests/*' --ignore 'bench/*' --ignore 'build/*' --ignore 'nsm/static/*' --ignore 'tools/*'

messages: python  ## refresh the translation catalogues after changing strings
	$(MAKEMESSAGES)
	cd nsm && ../$(NSM) compilemessages -l sq

check-messages: python  ## fails when a translatable string is missing from the Albanian catalogue
	$(MAKEMESSAGES)
	git diff --exit-code -I 'POT-Creation-Date' -- nsm/locale || \
		{ echo "The catalogue is out of date: run 'make messages', translate the new strings, commit."; exit 1; }

bench: python  ## roll-ups against hand-written SQL and the analysis pages under load, SQLite and PostgreSQL
	bench/run.sh

load-fault: python assets  ## load and fault scenarios on gunicorn and a throw-away PostgreSQL (docs/deployment.md)
	$(BIN)/python bench/load_fault.py $(LOAD_FAULT_ARGS)

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var
