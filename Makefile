# Quick start:  make synth  (set up, then synthesise the example app with the cdk CLI)
#               make test   (set up, then lint, type-check and run the whole test suite)
#               make mutate (mutation testing of the handler; not part of `make test`)
#               make integ  (the integration tests on real AWS: deploys, asserts, destroys)
# Setup is idempotent: the virtual environment and node_modules are rebuilt only when
# pyproject.toml or package-lock.json change.

PYTHON ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
PY_STAMP := $(VENV)/.installed-dev
NODE_STAMP := node_modules/.installed
MUTATION_STAMP := $(VENV)/.installed-mutation

# `make mutate` narrows with MUTATE_MODULES (files or folders of the handler package) and
# MUTATE_TESTS (a path inside tests/); MUTATE_JOBS is mutmut's --max-children.
MUTATE_MODULES ?= lambda/domain_packages_handler
MUTATE_TESTS ?= tests/handler
MUTATE_JOBS ?= 2

# jsii warns on every synth under Node 20 (end of life); silence it, keep other versions loud.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION ?= 20

.PHONY: synth test lint typecheck pytest setup clean soak bench mutate snapshots integ integ-destroy

synth: setup
	npx --no-install cdk synth --quiet --no-notices

test: setup lint typecheck snapshots pytest

lint: $(PY_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(PY_STAMP)
	$(VENV)/bin/mypy

# Two workers: the machines have 2 cores, and the wheel and CLI tests wait on pip and node.
PYTEST_WORKERS ?= 2

pytest: setup
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS)

# The integration apps' templates against their committed snapshots (integ/*.snapshot), no AWS.
# After an intended change: make snapshots UPDATE=1, then commit the snapshots.
snapshots: setup
	$(VPY) -m integ.runner snapshots $(if $(filter 1,$(UPDATE)),--update)

# The integration tests on real AWS (README, "Integration tests on real AWS"): the account and
# Region of the caller's credentials; every stack destroyed at the end, also on failure.
# INTEG_APPS narrows (integ_synonyms ...); INTEG_PLUGIN=1 adds the custom-plugin test.
integ: setup
	$(VPY) -m integ.runner deploy $(INTEG_APPS)

# Every stack of the integration apps, after an interrupted `make integ`.
integ-destroy: setup
	$(VPY) -m integ.runner destroy $(INTEG_APPS)

# The long soak (README, Reliability): 200 seeded lifecycles with injected faults.
soak: $(PY_STAMP)
	PYTHONPATH=lambda $(VPY) -m bench.soak --runs 200 --seed 7 --workers 8

# The benchmarks (README, Performance): tables on stdout, JSON in bench/results/. ~4 minutes.
bench: setup
	PYTHONPATH=lambda $(VPY) -m bench

# Mutation testing with mutmut 3 (bench/mutation.py): a kill-rate table per module on stdout,
# JSON in bench/results/mutation.json, mutmut's own files in build/mutation/.
mutate: $(MUTATION_STAMP)
	$(VPY) -m bench.mutation --tests $(MUTATE_TESTS) --jobs $(MUTATE_JOBS) $(MUTATE_MODULES)

setup: $(PY_STAMP) $(NODE_STAMP)

$(VPY):
	$(PYTHON) -m venv $(VENV)

$(PY_STAMP): pyproject.toml | $(VPY)
	$(VPY) -m pip install --quiet --disable-pip-version-check --editable '.[dev]'
	touch $@

$(MUTATION_STAMP): $(PY_STAMP)
	$(VPY) -m pip install --quiet --disable-pip-version-check --editable '.[dev,mutation]'
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf $(VENV) node_modules cdk.out build dist mutants .mypy_cache .ruff_cache .pytest_cache .hypothesis
