# optout: `make run` serves the site on SQLite, `make test` runs the whole suite.
# Both set everything up first; running them again is safe and quick.

SHELL := /bin/bash
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# The first Python >= 3.12 we can find: pyenv's choice (.python-version), then the usual names,
# then pyenv's own installs.
FIND_PYTHON := for p in python3 python3.14 python3.13 python3.12 python \
	$$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	  if command -v "$$p" >/dev/null 2>&1 && \
	     "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	    echo "$$p"; break; fi; done

.PHONY: run test test-postgres audit setup lint format check clean schema

run: setup
	OPTOUT_LOCAL_HTTP=1 PORT=$(PORT) PATH="$(CURDIR)/$(VENV)/bin:$$PATH" bin/start

test: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/hadolint Dockerfile
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run >/dev/null
	$(PY) -m pytest $(PYTEST_ARGS)

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

$(STAMP): requirements/base.txt requirements/dev.txt
	@py="$$($(FIND_PYTHON))"; \
	if [ -z "$$py" ]; then \
	  echo "optout needs Python 3.12 or newer (Django 6 requires it), and none was found." >&2; \
	  echo "Install one (for example with pyenv: 'pyenv install 3.13'), then run make again." >&2; \
	  exit 1; fi; \
	if [ -x "$(PY)" ] && ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
	  rm -rf $(VENV); fi; \
	[ -x "$(PY)" ] || { echo "Creating $(VENV) with $$py ($$($$py --version))"; "$$py" -m venv $(VENV); }
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	@touch $(STAMP)

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
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
