# optout: `make run` serves the site on SQLite, `make test` runs the whole suite.
# Both set everything up first; running them again is safe and quick.

SHELL := /bin/bash
PORT ?= 8000
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Empty: any Python >= 3.12. `make test PYTHON_VERSION=3.12 VENV=.venv-3.12` tests one version.
PYTHON_VERSION ?=
# The lowest and the highest Python the project claims (pyproject.toml's classifiers).
PYTHONS := 3.12 3.13
VNU := node_modules/vnu-jar/build/dist/vnu.jar

# Whether "$$p" is a Python we can use: PYTHON_VERSION exactly if set, otherwise >= 3.12.
IS_WANTED = "$$p" -c 'import sys; want = "$(PYTHON_VERSION)"; \
	  sys.exit(sys.version_info[:2] != tuple(map(int, want.split("."))) if want \
	           else sys.version_info < (3, 12))' 2>/dev/null
# The first one we can find: pyenv's choice (.python-version), then the usual names, then
# pyenv's own installs.
FIND_PYTHON := for p in python3 python3.14 python3.13 python3.12 python \
	$$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	  if command -v "$$p" >/dev/null 2>&1 && $(IS_WANTED); then \
	    echo "$$p"; break; fi; done

.PHONY: run test test-pythons test-postgres audit setup lint format check clean lock schema

run: setup
	OPTOUT_LOCAL_HTTP=1 PORT=$(PORT) PATH="$(CURDIR)/$(VENV)/bin:$$PATH" bin/start

test: setup $(VNU)
	@command -v java >/dev/null || { echo "make test needs Java 11 or newer for the HTML checker (apt-get install default-jre-headless)." >&2; exit 1; }
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/hadolint Dockerfile
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run >/dev/null
	$(PY) -m pytest $(PYTEST_ARGS)

# The whole suite on the lowest and on the highest Python the project claims, each in its own
# virtualenv (.venv-3.12, .venv-3.13).
test-pythons:
	@for version in $(PYTHONS); do \
	  echo "== Python $$version"; \
	  $(MAKE) --no-print-directory test PYTHON_VERSION=$$version VENV=.venv-$$version || exit 1; \
	done

# The whole suite again on PostgreSQL (.ci/run starts one and sets the URL).
test-postgres: setup
	@if [ -z "$$OPTOUT_TEST_POSTGRES_URL" ]; then \
	  echo "Set OPTOUT_TEST_POSTGRES_URL=postgres://user:password@host:5432/db (a role that may create databases)." >&2; \
	  exit 1; fi
	DATABASE_URL="$$OPTOUT_TEST_POSTGRES_URL" $(PY) -m pytest $(PYTEST_ARGS)

# Known vulnerabilities in the locked dependencies (pip-audit; needs PyPI's JSON API or OSV).
audit: setup
	$(PY) scripts/audit.py $(AUDIT_ARGS)

setup: $(STAMP)
	@$(PY) manage.py compiletranslations -v 0
	@$(PY) manage.py collectstatic --noinput -v 0

# Installs exactly the lock: every package pinned with its hashes (pip refuses anything else).
$(STAMP): requirements/base.txt requirements/dev.txt
	@py="$$($(FIND_PYTHON))"; \
	if [ -z "$$py" ]; then \
	  echo "optout needs Python $(or $(PYTHON_VERSION),3.12 or newer) (Django 6 requires 3.12), and none was found." >&2; \
	  echo "Install one (for example with pyenv: 'pyenv install $(or $(PYTHON_VERSION),3.13)'), then run make again." >&2; \
	  exit 1; fi; \
	p="$(PY)"; if [ -x "$$p" ] && ! $(IS_WANTED); then rm -rf $(VENV); fi; \
	[ -x "$(PY)" ] || { echo "Creating $(VENV) with $$py ($$($$py --version))"; "$$py" -m venv $(VENV); }
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
	@touch $(STAMP)

# The Nu Html Checker for the tests, from npm (package-lock.json pins it with its hash). The
# package's install script, which would download a Java runtime, is not run: Java comes from
# the system.
$(VNU): package.json package-lock.json
	@command -v npm >/dev/null || { echo "make test needs npm (Node.js) to fetch the HTML checker, vnu-jar (apt-get install npm)." >&2; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $(VNU)

# Rewrites the lock from pyproject.toml's ranges, for every platform and Python >= 3.12, keeping
# the pinned versions unless told otherwise (make lock LOCK_ARGS=--upgrade).
lock:
	$(VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.12 --generate-hashes \
	  --quiet $(LOCK_ARGS) -o requirements/base.txt
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --universal --python-version 3.12 \
	  --generate-hashes --quiet $(LOCK_ARGS) -c requirements/base.txt -o requirements/dev.txt

lint:
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format:
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# The JSON Schema files in docs/schema/, generated from optout/guides/schema.py.
schema: setup
	$(PY) manage.py guideschema

clean:
	rm -rf .venv .venv-3.* node_modules staticfiles .pytest_cache .ruff_cache
