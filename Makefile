# Two commands set everything up on a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
PORT ?= 8000
# make serve: daphne serves /ws/ here, beside gunicorn.
WS_PORT ?= $(shell echo $$(($(PORT) + 1)))
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint format messages bench serve backup restore

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed: run make PYTHON=python3.12 (or another).")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.requirements: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.requirements-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.requirements

run: export DJANGO_DEBUG ?= on
# Pages are not cached while developing, so an edit or a command shows at once; set
# DJANGO_PAGE_CACHE_SECONDS to try the cache.
run: export DJANGO_PAGE_CACHE_SECONDS ?= 0
# Emails, feeds and open data link to the address this server answers at.
run: export DJANGO_SITE_URL ?= http://127.0.0.1:$(PORT)
# runserver is daphne's (first in INSTALLED_APPS): the pages and the WebSocket at one address.
run: $(VENV)/.requirements
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_seed_hearing
	$(BIN)/python manage.py build_open_data --quiet
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The production stack on this machine: gunicorn (gunicorn.conf.py) for the pages, daphne for the
# live speakers' list's WebSocket (/ws/) on the next port, whitenoise, debug off. It
# needs DJANGO_SECRET_KEY (environment or .env). Plain HTTP on 127.0.0.1, so the HTTPS redirect,
# HSTS and secure cookies are off unless the environment turns them on; behind a TLS proxy in
# production they stay on (see README, "Deploying").
serve: export DJANGO_DEBUG = off
serve: export DJANGO_SECURE_SSL_REDIRECT ?= off
serve: export DJANGO_SECURE_COOKIES ?= off
serve: export DJANGO_SECURE_HSTS_SECONDS ?= 0
serve: $(VENV)/.requirements
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py build_open_data --quiet
	$(BIN)/daphne -b 127.0.0.1 -p $(WS_PORT) config.asgi:application & daphne=$$!; \
	trap 'kill $$daphne' EXIT INT TERM; \
	DJANGO_LIVE_SOCKET_ORIGIN=$${DJANGO_LIVE_SOCKET_ORIGIN-ws://127.0.0.1:$(WS_PORT)} \
	  PORT=$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py config.wsgi:application

# make backup [BACKUP=backups/name]: the database (pg_dump or dumpdata) and the uploads.
# make restore FROM=backups/name.pgdump (or .json.gz): replaces what the database holds.
BACKUP ?= backups/hearings-$(shell date -u +%Y%m%dT%H%M%SZ)
backup: $(VENV)/.requirements
	$(BIN)/python manage.py backup_database $(BACKUP)

restore: $(VENV)/.requirements
	@test -n "$(FROM)" || { echo "Name the backup: make restore FROM=backups/hearings-….json.gz"; exit 2; }
	$(BIN)/python manage.py restore_database $(FROM)

# The suite never runs with a real secret; this key exists only for it.
# Two pytest-xdist workers, one per core, each taking whole test files: the tests of a file that
# starts servers share them and their Redis database (xdist's loadgroup cannot group tests under
# pytest 9, which ignores the group it writes into test names). TEST_WORKERS=0 runs everything
# in this process.
TEST_WORKERS ?= 2
test: export DJANGO_SECRET_KEY ?= insecure-key-for-the-test-suite-only
test: $(VENV)/.requirements-dev
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# Measure the public pages against /healthz on the PostgreSQL database named by DATABASE_URL,
# generating 100,000 demo contributions there first if missing (README, "Benchmark").
bench: $(VENV)/.requirements
	$(BIN)/python bench/run.py

lint: $(VENV)/.requirements-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(VENV)/.requirements-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Refresh the French and Spanish catalogues after changing translatable strings, translate, then
# compile.
messages: $(VENV)/.requirements-dev
	DJANGO_DEBUG=on $(BIN)/python manage.py makemessages -l fr -l es --no-location --ignore=.venv --ignore=staticfiles
	DJANGO_DEBUG=on $(BIN)/python manage.py compilemessages -l fr -l es --ignore=.venv
