# Entry points: `make demo` (set up, start the local environment, run the main job) and
# `make test` (set up, then sanity, the ecosystem's checks, unit and integration tests); `make docs`
# builds the documentation site into .build/docs. Everything they need is installed from here;
# built Kubernetes binaries are cached under ~/.cache/secretops.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: venv env-up env-down env-status demo test sanity ecosystem docs units integration bench clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

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

test: venv
	$(PY) tools/run_tests.py

demo: venv
	$(PY) tools/demo.py

bench: venv
	$(PY) benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf .build $(VENV)
