# Sáu Rõ — the two commands (make run, make test) and the usual chores.
# Needs only python3 (3.11+) and make; uv is bootstrapped into .tools/ if it is not on PATH.

SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION ?= 0.13.9
UV := $(or $(shell command -v uv 2>/dev/null),$(CURDIR)/.tools/bin/uv)
VENV := .venv
BIN := $(VENV)/bin
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)

.PHONY: run test lint fmt typecheck install install-dev e2e bench bench-quick bench-uploads bench-extract eval-extract eval-extract-heldout bench-petitions-dupes bench-petitions clean help

help:
	@echo "make run   — install, migrate, load the Huế demo, start the web server and the worker"
	@echo "make test  — install dev dependencies and run the whole test suite"
	@echo "make lint  — ruff + mypy + makemigrations --check;  make fmt — format the code"

$(CURDIR)/.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

# Production dependencies only (what `make run` needs).
install: $(UV)
	$(UV) sync --frozen --no-dev --inexact --python $(PYTHON)

install-dev: $(UV)
	$(UV) sync --frozen --python $(PYTHON)

# The demo's accounts share one published password, so two factors are off unless SAURO_2FA_ROLES is set (in
# production they are required of leaders, inspectors and administrators: docs/identity.md).
run: install
	SAURO_2FA_ROLES="$${SAURO_2FA_ROLES-}" $(BIN)/sauro serve --setup

# The suite runs on PYTEST_WORKERS processes (pytest-xdist; 0: in this process), each with its own test database.
PYTEST_WORKERS ?= 2

test: install-dev
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy sauro
	$(BIN)/sauro makemigrations --check --dry-run

fmt: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Benchmarks (issue 6) on PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432): seed if
# needed, time every scenario through the production server against its budget, then the load test.
bench: install-dev
	$(BIN)/python -m bench.run --tasks 1000000

bench-quick: install-dev
	$(BIN)/python -m bench.run --tasks 100000 --database sauro_bench_quick

# Each hostile upload of issue 16 through the real app (a throw-away SQLite database): status, time, peak memory.
bench-uploads: install-dev
	$(BIN)/python -m bench.uploads

# The extractor against the development set eval/extraction/*.jsonl (issue 18): precision and recall per field, the
# share of proposals needing no edit. EVAL_ARGS="--markdown" for docs/extraction.md, "--errors" to read the misses;
# --check (always on here) fails below the issue's targets.
EVAL_ARGS ?=
eval-extract: install-dev
	$(BIN)/python -m bench.eval_extract --check $(EVAL_ARGS)

# The same on the held-out set eval/extraction/heldout (labelled blind, never used to write the rules): how the
# extractor reads sentences it has not seen. No --check: it measures, it does not gate.
eval-extract-heldout: install-dev
	$(BIN)/python -m bench.eval_extract --dir eval/extraction/heldout $(EVAL_ARGS)

# Issue 18: proposing tasks from a ~300-sentence conclusion with the demo's organisation (a throw-away SQLite
# database): median and p95 of 30 runs against the 3 s budget.
bench-extract: install-dev
	$(BIN)/python -m bench.extract

# Issue 19, point 5: likely duplicates among 100,000 synthetic letters with planted near-duplicates (no database):
# precision and recall in the top 5, lookup time. DUPES_ARGS="--quick" for 5,000 letters.
DUPES_ARGS ?=
bench-petitions-dupes: install-dev
	$(BIN)/python -m bench.petitions_dupes $(DUPES_ARGS)

# Issue 19, point 10: the petitions register with LETTERS synthetic letters on PostgreSQL (BENCH_DATABASE_URL; database
# PETITIONS_DB): the letters' and visits' lists, a text search, the duplicate lookup, the dashboard's petitions cards,
# the hot-spot list and the daily hot-spot scan, p50/p95 against their budgets. The issue's size is LETTERS=1000000.
# The seed is kept and resumed (a second run measures at once); PETITIONS_ARGS: --reseed, --no-keys, --runs N,
# --seed-only, --write-docs docs/petitions.md (the table into its generated section).
LETTERS ?= 20000
PETITIONS_DB ?= sauro_bench_petitions
PETITIONS_ARGS ?=
bench-petitions: install-dev
	$(BIN)/python -m bench.petitions --letters $(LETTERS) --database $(PETITIONS_DB) $(PETITIONS_ARGS)

clean:
	rm -rf $(VENV) .tools var/static
