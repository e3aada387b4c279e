# Every target works on a fresh machine: `install` brings uv (pinned) and the locked environment.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
export UV_PYTHON_DOWNLOADS := never
RUN := $(UV) run --locked --all-extras --all-packages
# The client alone (no workspace member, so no Airflow): what `make demo` needs.
RUN_CLIENT := $(UV) run --locked --all-extras
AIRFLOW_MEMBER := integrations/airflow
GENERATED_DIR := src/paradime_bolt/_generated
GENERATED := $(GENERATED_DIR) src/paradime_bolt/_client.py
SOURCES := src emulator/src integrations/airflow/src integrations/dagster/src integrations/prefect/src

.PHONY: help install check check-unit generate check-generated check-schema schema lint typecheck pytest pytest-client pytest-emulator pytest-airflow pytest-airflow-real pytest-dagster pytest-dagster-real pytest-prefect pytest-pythons test docs demo demo-dbt bench sdk-env

help: ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet "uv==$(UV_VERSION)"

# `install` does nothing while uv.lock and the pyprojects are as they were at the last install.
INSTALLED := .venv/.installed
PYPROJECTS := pyproject.toml emulator/pyproject.toml $(wildcard integrations/*/pyproject.toml)

install: $(INSTALLED) ## Create .venv from uv.lock (every workspace member, all extras, the dev group), bytecode compiled.

$(INSTALLED): uv.lock $(PYPROJECTS) | $(UV)
	$(UV) sync --locked --all-extras --all-packages --compile-bytecode
	@# uv compiles site-packages only; the workspace's own (editable) sources are compiled here,
	@# so a process started with PYTHONDONTWRITEBYTECODE=1 (common in CI) does not compile them.
	$(RUN) python -m compileall -q -j 0 $(SOURCES)
	@touch $@

generate: install ## Regenerate _generated/ from the schema and queries/, the sync twins, and the lazy exports.
	rm -rf $(GENERATED_DIR)
	PYTHONPATH=. $(RUN) ariadne-codegen --config codegen.toml
	PYTHONPATH=. $(RUN) ariadne-codegen --config codegen-async.toml
	$(RUN) python scripts/unasync.py
	$(RUN) python scripts/lazy_exports.py

check-generated: install ## Fail when the committed generated code is stale (generated into a temporary folder).
	$(RUN) python scripts/check_generated.py

check-schema: install ## Every operation validates against schema.graphql; no duplicate names.
	$(RUN) paradime-bolt schema check schema.graphql --queries queries

schema: install ## Introspect PARADIME_API_ENDPOINT (else the embedded emulator) into schema.graphql.
	@if [ -n "$$PARADIME_API_ENDPOINT" ]; then \
		$(RUN) paradime-bolt schema pull -o schema.graphql; \
	else \
		$(RUN) paradime-bolt schema pull --from-emulator -o schema.graphql; \
	fi

lint: install ## ruff check and ruff format --check (generated code excluded).
	$(RUN) ruff check .
	$(RUN) ruff format --check .

typecheck: install ## mypy --strict over src, emulator/src and the integrations, generated code included.
	$(RUN) mypy --strict

# Test rings, by the pytest markers each pyproject declares: the unit ring is every test no
# marker names, run in parallel (pytest-xdist); `e2e` (a real emulator over HTTP), `subprocess`
# (starts a process), `slow`, `real_dbt` and `real_orchestrator` run after it, one at a time.
UNIT := not (e2e or subprocess or slow or real_dbt or real_orchestrator)
OUTER := e2e or subprocess or slow or real_dbt
PARALLEL := -n auto

check: lint typecheck check-unit ## The inner loop: lint, types and the unit rings (under 90 s).

check-unit: install ## The client's and the emulator's unit rings, in parallel.
	$(RUN) pytest -q $(PARALLEL) -m "$(UNIT)"
	$(RUN) pytest -q $(PARALLEL) -m "$(UNIT)" emulator/tests

pytest: pytest-client pytest-emulator ## Run the test suites only: the client's, then the emulator's.

pytest-client: install ## The client's tests (tests/): the unit ring in parallel, then the others.
	$(RUN) pytest $(PARALLEL) -m "$(UNIT)"
	$(RUN) pytest -m "$(OUTER)"

# emulator/tests is a session of its own: its rootdir and settings are emulator/pyproject.toml.
pytest-emulator: install ## The emulator's own tests (emulator/tests): unit ring in parallel, then the others.
	$(RUN) pytest $(PARALLEL) -m "$(UNIT)" emulator/tests
	$(RUN) pytest -m "$(OUTER)" emulator/tests

# The Dagster integration's tests, from its folder with its own pytest settings, in the same
# environment (dagster and apache-airflow 3 resolve together in the one workspace lock).
pytest-dagster: install ## The Dagster integration's tests (integrations/dagster), in process.
	cd integrations/dagster && $(CURDIR)/$(UV) run --locked --all-extras --all-packages pytest -m "not real_orchestrator"

# The ring that runs Dagster as users do: `dagster asset materialize` / `dagster job execute`
# processes on a real DAGSTER_HOME instance, against the emulator over HTTP (about 3 minutes).
pytest-dagster-real: install ## The Dagster integration's real-process ring (tests/real).
	cd integrations/dagster && $(CURDIR)/$(UV) run --locked --all-extras --all-packages pytest -m real_orchestrator

# The Prefect integration's tests, from its folder with its own pytest settings, in the same
# environment (Prefect resolves beside Airflow and Dagster in the one workspace lock): one
# temporary Prefect server for the session, a served deployment in processes of its own.
pytest-prefect: install ## The Prefect integration's tests (integrations/prefect).
	cd integrations/prefect && $(CURDIR)/$(UV) run --locked --all-extras --all-packages pytest

# The Airflow provider's tests, from its own folder with its own pytest configuration: Airflow
# really installed, AIRFLOW_HOME and a SQLite metadata DB in a temporary folder.
pytest-airflow: install ## Run the Airflow provider's tests (integrations/airflow), the real-services ring aside.
	cd $(AIRFLOW_MEMBER) && $(abspath $(UV)) run --locked --all-extras --all-packages pytest -m "not real_orchestrator"

# Airflow as users run it: api-server, scheduler, dag-processor and triggerer as processes, the
# emulator as one, started once for the ring (about 1.7 GB and a few minutes on 2 cores).
pytest-airflow-real: install ## The Airflow ring with the real services (integrations/airflow/tests/real).
	cd $(AIRFLOW_MEMBER) && $(abspath $(UV)) run --locked --all-extras --all-packages pytest -m real_orchestrator tests/real

# Every other minor version the project declares (>=3.10) that the machine has runs the client's
# and the emulator's unit and subprocess rings: the e2e, slow and real-dbt ones are the main
# interpreter's (their client-only environment has no dbt). Client-only: the `emulator` extra
# brings the emulator member.
OTHER_PYTHONS := 3.10 3.12 3.13 3.14
OTHER_RING := not (e2e or slow or real_dbt or real_orchestrator)
pytest-pythons: $(UV) ## The unit and subprocess rings on every other declared Python (skipped, and said so, if absent).
	@for version in $(OTHER_PYTHONS); do \
		interpreter="$$(scripts/find_python.sh $$version $(UV))"; \
		if [ -z "$$interpreter" ]; then \
			echo "SKIPPED: no Python $$version on this machine; its suite did not run" >&2; \
			continue; \
		fi; \
		echo "== Python $$version: $$interpreter"; \
		export UV_PROJECT_ENVIRONMENT=.venv-$$version; \
		$(UV) sync -q --locked --all-extras --compile-bytecode --python "$$interpreter" || exit 1; \
		$(UV) run -q --locked --all-extras --python "$$interpreter" pytest -q $(PARALLEL) -m "$(OTHER_RING)" || exit 1; \
		$(UV) run -q --locked --all-extras --python "$$interpreter" pytest -q $(PARALLEL) -m "$(OTHER_RING)" emulator/tests || exit 1; \
	done

test: check-generated check-schema lint typecheck docs sdk-env pytest pytest-airflow pytest-airflow-real pytest-dagster pytest-dagster-real pytest-prefect pytest-pythons ## Everything CI runs.

# The site from docs/ (mkdocs.yml): README.md is its home page and the command reference is walked
# from the click commands (scripts/docs_hooks.py); the API reference comes from the docstrings.
# NO_MKDOCS_2_WARNING quiets Material's banner about MkDocs 2, which this site does not use.
docs: install ## Build the documentation site into .site/ (mkdocs --strict: a broken link or reference fails).
	NO_MKDOCS_2_WARNING=1 $(RUN) mkdocs build --strict

BENCH := .bench
# Every environment timed has compiled bytecode, as `make install` gives .venv: the shell may set
# PYTHONDONTWRITEBYTECODE, and then an uncompiled environment compiles its modules in every run.
# `uv pip install --compile-bytecode` compiles only what it installs, so compileall covers the rest.
bench-compile = $(BENCH)/$(1)/bin/python -m compileall -q -j0 $(BENCH)/$(1)/lib > /dev/null \
	|| echo "bench: some files of $(BENCH)/$(1) did not compile" >&2
# Paradime's SDK in its own environment: the benchmarks' baseline, and what tests/schedules checks
# agreement with. A failed build is said loudly and those tests then skip, saying why.
sdk-env: $(UV) ## Build .bench/sdk: paradime-io (pinned in bench/requirements-sdk.txt) in its own env.
	@{ $(UV) venv -q --allow-existing --python $(PYTHON) $(BENCH)/sdk \
		&& VIRTUAL_ENV=$(BENCH)/sdk $(UV) pip install -q --compile-bytecode -r bench/requirements-sdk.txt; } \
		|| { rm -rf $(BENCH)/sdk; echo "sdk-env: COULD NOT BUILD $(BENCH)/sdk; the tests that need it will skip" >&2; }
bench: install sdk-env ## Benchmarks on loopback (paradime-io, Paradime's Airflow provider in their own envs) -> BENCHMARKS.md.
	$(call bench-compile,sdk)
	$(UV) venv -q --allow-existing --python $(PYTHON) $(BENCH)/core
	$(UV) export -q --frozen --no-dev --no-emit-project --no-hashes -o $(BENCH)/core.txt
	VIRTUAL_ENV=$(BENCH)/core $(UV) pip install -q --compile-bytecode -r $(BENCH)/core.txt
	VIRTUAL_ENV=$(BENCH)/core $(UV) pip install -q --compile-bytecode --no-deps .
	$(call bench-compile,core)
	$(UV) venv -q --allow-existing --python $(PYTHON) $(BENCH)/paradime-airflow
	VIRTUAL_ENV=$(BENCH)/paradime-airflow $(UV) pip install -q --compile-bytecode -r bench/requirements-paradime-airflow.txt
	$(call bench-compile,paradime-airflow)
	$(RUN) python -m bench.run --output BENCHMARKS.md \
		--sdk-python $(BENCH)/sdk/bin/python --core-python $(BENCH)/core/bin/python \
		--paradime-airflow-python $(BENCH)/paradime-airflow/bin/python

# The client and its extras only: the demo needs no Airflow (--inexact keeps what is installed).
demo: $(UV) ## The main job: emulator, schedules, a daily run followed to the end, its artifacts.
	$(UV) sync --locked --all-extras --inexact --compile-bytecode
	$(RUN_CLIENT) python -m compileall -q -j 0 src emulator/src
	$(RUN_CLIENT) python examples/demo.py --output demo-output

# The same flow with real dbt: the emulator runs examples/dbt_project (the [dbt] extra, which
# `make install` brings) on DuckDB, so no warehouse or account is needed.
demo-dbt: install ## The demo against the example dbt project, run by real dbt (dbt-core + DuckDB).
	$(RUN) python examples/demo.py --dbt-project examples/dbt_project --output demo-output
