# The project's commands. `make demo` and `make test` do all their own set-up on a fresh Debian
# machine with Python 3.11, Node/npm and make. CI runs `make test` (see .ci/run).

PYTHON ?= python3.11
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .make
HIU_DATA_DIR ?= var
export HIU_DATA_DIR
# The synthetic extracts end with the last complete month before today (hiu synth's default
# start), so they are made again, in a folder of their own, each month.
DEMO_MONTH := $(shell date +%Y-%m)
DEMO_DATA := $(HIU_DATA_DIR)/synthetic/$(DEMO_MONTH)
MANAGE := $(BIN)/python -m hiu.web.manage

.PHONY: help setup demo demo-fresh serve test lint typecheck architecture unit postgres bench validate lock clean

help:
	@echo "make demo   set everything up and serve the demo service on http://127.0.0.1:$(PORT)/"
	@echo "make test   set everything up and run the whole test suite"
	@echo "make bench  run the benchmarks; figures go to bench/results/"
	@echo "make validate  check the evaluation against simulated truth (about 4 minutes)"
	@echo "make lock   re-pin Python dependencies into requirements/lock.txt"

# --- set-up -----------------------------------------------------------------------------------

$(STAMPS)/venv: requirements/lock.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed: $(PYTHON) was not found. Set PYTHON=/path/to/python3.11."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==0.13.8"
	$(BIN)/uv pip sync --quiet --python $(BIN)/python --require-hashes requirements/lock.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps --editable .
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/node: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@mkdir -p $(STAMPS) && touch $@

setup: $(STAMPS)/venv $(STAMPS)/node

# --- the demo ---------------------------------------------------------------------------------

$(DEMO_DATA)/cohort.csv: | $(STAMPS)/venv
	$(BIN)/hiu synth --adults 60000 --years 3 --seed 2026 --out $(DEMO_DATA)

# The tasks worker (which runs uploaded imports and identification runs) runs in the background
# beside the web server and is stopped with it: Ctrl+C, or the server stopping for any reason,
# ends both. Beside them, `manage notify_due` runs every five minutes, as cron would in service
# (docs/notifications.md).
# The demo's caseload is dated from the day it is built: one built on an earlier day is built
# again (its SQLite database, store and uploads removed; the secret key and the synthetic
# extracts kept), so the demo always looks like a service at work this week. On PostgreSQL
# (DATABASE_URL set) nothing is dropped: it says how to start again.
DEMO_MARK := $(HIU_DATA_DIR)/demo-built-on
demo-fresh:
	@today=$$(date +%F); \
	if [ -f "$(DEMO_MARK)" ] && [ "$$(cat "$(DEMO_MARK)")" != "$$today" ]; then \
		if [ -n "$$DATABASE_URL" ]; then \
			echo "The demo was built on $$(cat "$(DEMO_MARK)"); its dates are that day's. Drop its database and run make demo again to date it from today."; \
		else \
			echo "The demo was built on $$(cat "$(DEMO_MARK)"): building it again for today."; \
			find "$(HIU_DATA_DIR)" -mindepth 1 -maxdepth 1 ! -name secret_key ! -name synthetic -exec rm -rf {} +; \
		fi; \
	fi

demo: setup demo-fresh $(DEMO_DATA)/cohort.csv
	$(MANAGE) migrate --verbosity 0
	$(MANAGE) demo --synthetic $(DEMO_DATA)
	@date +%F > "$(DEMO_MARK)"
	@echo
	@echo "The demo service is at http://127.0.0.1:$(PORT)/  (Ctrl+C stops it)"
	$(MANAGE) db_worker --no-reload --no-startup-delay & worker=$$!; \
	while sleep 300; do $(MANAGE) notify_due >/dev/null; done & notifier=$$!; \
	trap 'kill $$worker $$notifier 2>/dev/null; wait $$worker $$notifier 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	$(MANAGE) runserver 127.0.0.1:$(PORT) --noreload

# --- checks -----------------------------------------------------------------------------------

lint: $(STAMPS)/venv
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMPS)/venv
	$(BIN)/mypy

architecture: $(STAMPS)/venv
	$(BIN)/lint-imports

# Tests get a fresh data directory of their own, never the demo's var/ (and under it, one folder
# per test process).
TEST_DATA := $(STAMPS)/test-data
FRESH_TEST_DATA := rm -rf $(TEST_DATA) && mkdir -p $(TEST_DATA)

# The tests run on one process per core, at most four (pytest-xdist). Each process takes whole
# test files, and the tests that share an expensive session fixture (the browser tests' server,
# the synthetic populations) go to one process together: see tests/conftest.py.
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ "$$n" -gt 4 ] && n=4; echo $$n)
PYTEST := $(BIN)/pytest -n $(TEST_WORKERS) --dist loadscope

# Every test on SQLite (the default database). When a PostgreSQL server is named (CI names one),
# the browser journeys run on it instead, in `make postgres`, not on both (docs/adr/0020).
unit: setup
	$(FRESH_TEST_DATA)
	HIU_DATA_DIR=$(TEST_DATA) $(PYTEST) $${HIU_TEST_POSTGRES_URL:+-m "not browser"}

# Again on PostgreSQL, when a server is named: the tests that depend on the database engine
# (marked db_engine: queries, transactions, constraints, migrations, audit triggers, scoped
# querysets) and the browser journeys, not every web test a second time.
postgres: setup
	@if [ -n "$$HIU_TEST_POSTGRES_URL" ]; then \
		$(FRESH_TEST_DATA) && \
		HIU_DATA_DIR=$(TEST_DATA) DATABASE_URL="$$HIU_TEST_POSTGRES_URL" \
			$(PYTEST) -m "db_engine or browser" tests/web tests/browser; \
	else \
		echo "HIU_TEST_POSTGRES_URL is not set: the PostgreSQL run is skipped."; \
	fi

test: lint typecheck architecture unit postgres

bench: setup
	$(BIN)/python bench/run.py

# The evaluation against populations whose true effect is known, from two independently written
# mechanisms: bench/results/validation.json and a table for docs/evaluation.md. Not part of
# `make test` (about 10 minutes); tests/evaluate/test_validation_mechanisms.py runs a few.
validate: setup
	$(BIN)/python bench/validate.py

lock: $(STAMPS)/venv
	$(BIN)/uv pip compile --quiet --python-version 3.11 --generate-hashes requirements/dev.in -o requirements/lock.txt

clean:
	rm -rf $(VENV) node_modules $(STAMPS) .pytest_cache .mypy_cache .ruff_cache
