# Entry points: `make demo` (set up, start the local environment, run the main job) and
# `make test` (set up, then sanity, the ecosystem's checks, unit and integration tests, on the oldest
# and the newest ansible-core the collection claims: see tools/core_legs.py); `make docs` builds the
# documentation site into .build/docs. Everything they need is installed from here; built
# Kubernetes binaries are cached under ~/.cache/secretops.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The newest-ansible-core leg's virtualenv (Python 3.12), made by tools/core_legs.py.
NEWEST_PY := .build/venv-core-newest/bin/python

.PHONY: lock venv venv-newest sanity-newest integration-newest env-up env-down env-status demo test sanity ecosystem docs units integration bench clean

# Every package pinned by constraints-dev.txt (tools/core_legs.py: `lock oldest` updates the pins).
$(STAMP): requirements.txt requirements-dev.txt constraints-dev.txt tools/core_legs.py
	$(PYTHON) tools/core_legs.py setup oldest
	touch $(STAMP)

venv: $(STAMP)

venv-newest: venv
	$(PY) tools/core_legs.py setup newest

# Update the pins on purpose: each leg's requirements resolved afresh (the newest releases they allow).
lock:
	$(PYTHON) tools/core_legs.py lock oldest
	$(PYTHON) tools/core_legs.py lock newest

env-up: venv
	$(PY) tools/cluster/localenv.py up

env-down: venv
	$(PY) tools/cluster/localenv.py down

env-status: venv
	$(PY) tools/cluster/localenv.py status

sanity: venv
	$(PY) tools/sanity.py

ecosystem: venv
	$(PY) tools/ecosystem_checks.py

docs: venv
	$(PY) tools/docs.py

units: venv
	$(PY) -m pytest -q tests/unit benchmarks/tests

integration: venv
	$(PY) -m pytest -q tests/integration

sanity-newest: venv-newest
	$(NEWEST_PY) tools/sanity.py

integration-newest: venv-newest
	$(NEWEST_PY) -m pytest -q tests/integration

test: venv
	$(PY) tools/run_tests.py

demo: venv
	$(PY) tools/demo.py

bench: venv
	$(PY) benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf .build $(VENV)
