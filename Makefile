# Two commands matter: `make demo` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test up serve lint format bench clean-db guide-shots

$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

demo: $(STAMP)
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py generate_demo --seed 1 --if-empty
	DEBUG=true $(PY) manage.py demo_logins
	DEBUG=true MFA_REQUIRED=$${MFA_REQUIRED:-false} $(PY) manage.py runserver 127.0.0.1:8000

test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports
	# mypy's Django plugin imports the settings but never connects: a
	# placeholder URL spares it the embedded PostgreSQL on a fresh machine.
	DEBUG=true DATABASE_URL=$${DATABASE_URL:-postgres:///unused} $(VENV)/bin/mypy
	$(PY) -m pytest

# Web, Celery worker and beat through honcho and the Procfile, against REDIS_URL.
up: $(STAMP)
	DEBUG=$${DEBUG:-true} $(PY) manage.py migrate --noinput
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" DEBUG=$${DEBUG:-true} $(VENV)/bin/honcho start

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(STAMP)
	$(PY) bench/run_all.py

# The user guide's pictures (docs/guide/img/): the three role journeys in
# Chromium, each copying the steps it names to the guide.
# The guide's pictures, from the living demo generated in the test database.
guide-shots: $(STAMP)
	GUIDE_SHOTS=1 $(PY) -m pytest -q tests/browser/guide/
