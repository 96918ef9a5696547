# civic_app: `make run` serves the site with demo data; `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
HOST ?= 127.0.0.1
STAMP := $(VENV)/.installed
# Both gettext domains: messages (the web) and sms (SMS, WhatsApp and voice texts).
CATALOGS := $(wildcard civic_app/translations/*/LC_MESSAGES/*.po)
COMPILED := $(CATALOGS:.po=.mo)

NODE_STAMP := node_modules/.installed
# The app `make run` serves: the one that starts the periodic jobs in its own process
# (SCHEDULER_IN_PROCESS, on in development). wsgi:app never starts them.
SERVED_APP := civic_app:create_app(start_scheduler=True)

.PHONY: install run test lint format security translations clean node

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "civic_app needs Python 3.11 or newer: set PYTHON=python3.x")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@

translations: $(COMPILED)

install: $(STAMP) translations

# Test tools from npm (Prism serves Twilio's API description); skipped without npm.
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the Twilio contract tests will be skipped"; fi

node: $(NODE_STAMP)

run: install
	CIVIC_ENV=development $(BIN)/flask db upgrade
	CIVIC_ENV=development $(BIN)/flask seed demo --if-empty
	@echo
	@echo "civic_app is running at http://$(HOST):$(PORT)  (Ctrl+C stops it)"
	@echo
	CIVIC_ENV=development $(BIN)/flask --app '$(SERVED_APP)' run --host $(HOST) --port $(PORT)

test: install node
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/pytest $(PYTEST_ARGS)

# Security checks: bandit fails on any high-severity finding in our code; pip-audit
# fails on any known vulnerability in the installed packages (see .ci/audit_dependencies.py
# for what happens when no vulnerability data is reachable).
security: install
	$(BIN)/bandit -q -c pyproject.toml -r civic_app config.py wsgi.py --severity-level high
	$(BIN)/python .ci/audit_dependencies.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules instance/*.db civic_app/translations/*/LC_MESSAGES/*.mo
