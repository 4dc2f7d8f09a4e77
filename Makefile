# Koploper: `make run` serves the portal with demo data, `make test` runs every test.
# Both do all the set-up on a fresh machine (Python 3.11+, Node 20+, make, gettext).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# The embedded default: DEBUG on, plain http on 127.0.0.1, a development secret key.
# Production sets DEBUG=false and SECRET_KEY (see README, Configuration).
export DEBUG ?= true

.PHONY: run test test-fast setup install assets messages migrate demo lint audit format bench schema clean

run: setup demo
	@echo ""
	@echo "Koploper runs at http://$(HOST):$(PORT)/  (stop with Ctrl+C)"
	$(PY) manage.py runserver $(HOST):$(PORT)

# The whole suite, in parallel: one pytest-xdist worker per core (TEST_WORKERS=0: one
# process). Each worker has its own test database and Redis database (tests/settings.py).
# --dist load hands each worker the tests in pytest-django's order (database tests first,
# transactional ones after), as one process runs them: a transactional test's flush never
# precedes a test that expects the migrations' data.
TEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
PYTEST_XDIST = -n $(TEST_WORKERS) --dist load
# pytest keeps the assertion-rewritten test modules in __pycache__ (git ignores it). With
# PYTHONDONTWRITEBYTECODE set in the shell, every worker of every run rewrites and compiles
# all of them again: about 5 s of CPU per process.
test test-fast: export PYTHONDONTWRITEBYTECODE =
test: setup
	$(PY) -m pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

# The edit loop: everything but the tests marked `slow` (browser journeys, fuzzing, real
# servers and worker processes, the small benchmark). `make test` still runs them all.
test-fast: install assets messages
	$(PY) -m pytest $(PYTEST_XDIST) -m "not slow" $(PYTEST_ARGS)

setup: install assets messages migrate

install: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	touch $@

assets: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

messages: install
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

migrate: install
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py load_municipalities
	$(PY) manage.py load_procurement_routes

demo: migrate
	$(PY) manage.py seed_demo

# The NLGov API Design Rules' ruleset (docs/nlgov/) on the committed OpenAPI document:
# no error and no warning.
lint: install assets
	node_modules/.bin/spectral lint -r docs/nlgov/linter.yaml --fail-severity warn docs/openapi.yaml
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports
	$(VENV)/bin/bandit -c pyproject.toml -r . -q

# Known vulnerabilities in the installed Python packages. Needs the network to the PyPI JSON
# API (or OSV); --strict fails when a package could not be checked, never a silent pass.
audit: install
	$(VENV)/bin/pip-audit --strict --progress-spinner off

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The performance benchmark (bench/): recreates its own PostgreSQL database, generates the
# national data set times SCALE (1 = 100,000 innovations, 1,000,000 adoptions), measures
# and writes docs/performance.json and docs/performance.md. `make bench SCALE=0.01` is quick.
SCALE ?= 1
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/koploper_bench
bench: install assets messages
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) SCALE=$(SCALE) $(PY) -m bench

# The OpenAPI schema of /api/v1/, committed so that changes to the API show in review;
# tests/api/test_schema.py fails when it and the code disagree. English, as the source.
schema: install
	$(PY) manage.py spectacular --lang en --validate --fail-on-warn --file docs/openapi.yaml

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3
