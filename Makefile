# Two commands set everything up on a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint format messages

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
run: $(VENV)/.requirements
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py loaddata gcm_hearing_2017
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The suite never runs with a real secret; this key exists only for it.
test: export DJANGO_SECRET_KEY ?= insecure-key-for-the-test-suite-only
test: $(VENV)/.requirements-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.requirements-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.requirements-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Refresh the French catalogue after changing translatable strings, translate, then compile.
messages: $(VENV)/.requirements-dev
	DJANGO_DEBUG=on $(BIN)/python manage.py makemessages -l fr --no-location --ignore=.venv --ignore=staticfiles
	DJANGO_DEBUG=on $(BIN)/python manage.py compilemessages -l fr --ignore=.venv
