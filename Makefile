# Billabex — two commands: `make run` and `make test` (both set everything up on first use).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
DEPS_STAMP := $(VENV)/.deps-$(shell sha256sum requirements.txt | cut -c1-12)
APT_PACKAGES := tesseract-ocr tesseract-ocr-fra tesseract-ocr-deu tesseract-ocr-eng chromium poppler-utils
PORT ?= 8501
HOST ?= 127.0.0.1
# pytest-xdist processes for `make test` (a test file stays in one process): the cores, at most 4
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); [ $$n -gt 4 ] && n=4; echo $$n)

.PHONY: run test deps system-deps lint init bench clean help

help:
	@echo "make run    — set up on first use, then start the app (http://localhost:$(PORT)) and the worker"
	@echo "make test   — set up what is missing, then ruff, import contracts, mypy and the whole test suite"
	@echo "make bench  — the benchmarks (extraction, UI, sync)"

$(PY):
	python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(DEPS_STAMP): requirements.txt | $(PY)
	$(PIP) install --quiet -r requirements.txt
	rm -f $(VENV)/.deps-*
	touch $@

deps: $(DEPS_STAMP)

# Debian packages for OCR and browser tests, installed only when missing.
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

init: deps
	$(PY) -m billabex_core init
	$(PY) -m billabex_core user ensure-admin

# The app and the worker (scheduled syncs, the daily agent run and digests), from the Procfile.
run: init
	BILLABEX_HOST=$(HOST) BILLABEX_PORT=$(PORT) $(VENV)/bin/honcho start -f Procfile

lint: deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy

test: deps system-deps lint
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --durations=25

bench: deps system-deps
	$(PY) bench/extraction.py
	@[ ! -f bench/ui.py ] || $(PY) bench/ui.py
	@[ ! -f bench/sync.py ] || $(PY) bench/sync.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
