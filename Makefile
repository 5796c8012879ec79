# Peixun: the two commands are `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
export DEBUG ?= 1
PYTEST_ARGS ?=

.PHONY: run test fuzz lint types deadcode bench faults bench-import bench-people bench-enrolment bench-survey bench-ledger bench-certificates bench-competition bench-pages bench-load prod-local messages messages-update install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): requirements/base.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/base.txt
	touch $@

$(DEV_STAMP): requirements/dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.txt
	touch $@ $(STAMP)

install: $(STAMP)
install-dev: $(DEV_STAMP)

# Compiled catalogs are built from the committed .po files (needs no system gettext).
messages: $(STAMP)
	$(BIN)/python -m peixun.lib.catalog compile

# Regenerate the catalog from the source after adding strings, then translate the new entries.
messages-update: $(DEV_STAMP)
	$(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete \
		-i '.venv/*' -i 'var/*' -i 'static/*' -i 'bench/*' -i 'docs/*' -i 'screenshots/*'

run: $(STAMP) messages
	mkdir -p var
	$(BIN)/python manage.py migrate --no-input -v 0
	$(BIN)/python manage.py seed_demo --scale small --once
	PORT=$(PORT) $(BIN)/python manage.py serve

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Static types (mypy with django-stubs, configured in pyproject.toml; its cache is .mypy_cache).
types: $(DEV_STAMP)
	$(BIN)/mypy

# Dead code (vulture; Django's by-name uses are listed in vulture_whitelist.py). Not part of
# `make test`: new code that only templates or the ORM read needs a whitelist line first.
deadcode: $(DEV_STAMP)
	$(BIN)/vulture

# Browser tests (marker `browser`) run once, on SQLite; every other test runs on both databases
# (docs/decisions/0048-browser-tests-once.md).
test: $(DEV_STAMP) messages lint types
	$(BIN)/python manage.py makemigrations --check --dry-run -v 0
	@echo "== layers (docs/architecture.md) =="
	$(BIN)/lint-imports --no-logo
	@echo "== tests on SQLite =="
	env -u DATABASE_URL $(BIN)/pytest -q -n auto $(PYTEST_ARGS)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== tests on PostgreSQL =="; \
		DATABASE_URL="$$TEST_DATABASE_URL" $(BIN)/pytest -q -n auto -m "not browser" $(PYTEST_ARGS); \
	else \
		echo "TEST_DATABASE_URL is not set: PostgreSQL run skipped"; \
	fi

# The API fuzz probe, long (docs/decisions/0050-api-fuzzing-with-schemathesis.md): schemathesis sends
# FUZZ_EXAMPLES valid and as many invalid requests to every /api/v1 operation, new ones each run,
# in-process on a throwaway test database (SQLite, or DATABASE_URL=... for PostgreSQL), and prints
# the cases run and every failure. `make test` runs a short fixed pass of the same test.
FUZZ_EXAMPLES ?= 100
fuzz: $(DEV_STAMP) messages
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -q -s -p no:cacheprovider peixun/api/tests/test_fuzz.py

# Benchmarks (never part of `make test`); PostgreSQL parts use BENCH_DATABASE_URL
# (default postgres://postgres@127.0.0.1:5432/peixun_bench) and are skipped when it does not answer.
bench: $(DEV_STAMP) messages
	$(BIN)/python -m bench.run_all

# Kills and restarts (bench/faults.py) and the restore drill (bench/restore_check.py) on PostgreSQL
# at BENCH_DATABASE_URL (+ "_faults", "_restore"); also run by `make bench`. ADR 0052.
faults: $(DEV_STAMP) messages
	$(BIN)/python -m bench.faults
	$(BIN)/python -m bench.restore_check

bench-import: $(DEV_STAMP) messages
	$(BIN)/python -m bench.import_people

bench-people: $(DEV_STAMP) messages
	$(BIN)/python -m bench.people_list

bench-enrolment: $(DEV_STAMP) messages
	$(BIN)/python -m bench.enrolment

bench-survey: $(DEV_STAMP) messages
	$(BIN)/python -m bench.survey_rush

bench-ledger: $(DEV_STAMP) messages
	$(BIN)/python -m bench.ledger

bench-certificates: $(DEV_STAMP) messages
	$(BIN)/python -m bench.certificates

# One competition from the school round to the final through the services (100 schools, 2,000
# entrants); PostgreSQL at BENCH_DATABASE_URL + "_competition" when it answers, else SQLite. ADR 0065.
bench-competition: $(DEV_STAMP) messages
	$(BIN)/python -m bench.competition_flow

bench-pages: $(DEV_STAMP) messages
	$(BIN)/python -m bench.pages

# A lesson's start on real servers (locust against prod-local, on BENCH_DATABASE_URL + "_checkin"):
# 1,000 check-ins in two minutes, then an app server killed mid-run. Needs nginx and redis-server.
bench-load: $(DEV_STAMP) messages
	$(BIN)/python -m bench.load_checkin

# One box laid out as a province's servers (docs/operations.md §12): nginx, two gunicorn app
# servers, two task workers, PostgreSQL (PROD_LOCAL_DATABASE_URL) and Redis, DEBUG off. Needs the
# Debian packages nginx and redis-server (the runner says how to install them). Ctrl-C stops all.
prod-local: $(STAMP) messages
	$(BIN)/python -m scripts.prod_local --port $(or $(PROD_LOCAL_PORT),8080)

clean:
	rm -rf $(VENV) var/staticfiles
