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
SOURCES := src emulator/src integrations/airflow/src integrations/dagster/src

.PHONY: help install generate check-generated check-schema schema lint typecheck pytest pytest-client pytest-emulator pytest-airflow pytest-airflow-real pytest-dagster pytest-dagster-real pytest-pythons test demo bench sdk-env demo-dbt

help: ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet "uv==$(UV_VERSION)"

install: $(UV) ## Create .venv from uv.lock (every workspace member, all extras, the dev group), bytecode compiled.
	$(UV) sync --locked --all-extras --all-packages --compile-bytecode
	@# uv compiles site-packages only; the workspace's own (editable) sources are compiled here,
	@# so a process started with PYTHONDONTWRITEBYTECODE=1 (common in CI) does not compile them.
	$(RUN) python -m compileall -q -j 0 $(SOURCES)

generate: install ## Regenerate _generated/ from the schema and queries/, and _client.py from _async_client.py.
	rm -rf $(GENERATED_DIR)
	PYTHONPATH=. $(RUN) ariadne-codegen --config codegen.toml
	PYTHONPATH=. $(RUN) ariadne-codegen --config codegen-async.toml
	$(RUN) python scripts/unasync.py

check-generated: generate ## Fail when the committed generated code is stale or incomplete.
	@git diff --exit-code --stat -- $(GENERATED) || { echo "generated code is stale: run 'make generate' and commit" >&2; exit 1; }
	@untracked="$$(git status --porcelain --untracked-files=all -- $(GENERATED))"; \
	if [ -n "$$untracked" ]; then echo "$$untracked"; echo "generated files not committed: run 'make generate' and commit" >&2; exit 1; fi

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

pytest: pytest-client pytest-emulator ## Run the test suites only: the client's, then the emulator's.

pytest-client: install ## The client's tests (tests/), end-to-end ones against the emulator included.
	$(RUN) pytest

# emulator/tests is a session of its own: its rootdir and settings are emulator/pyproject.toml.
pytest-emulator: install ## The emulator's own tests (emulator/tests).
	$(RUN) pytest emulator/tests

# The Dagster integration's tests, from its folder with its own pytest settings, in the same
# environment (dagster and apache-airflow 3 resolve together in the one workspace lock).
pytest-dagster: install ## The Dagster integration's tests (integrations/dagster), in process.
	cd integrations/dagster && $(CURDIR)/$(UV) run --locked --all-extras --all-packages pytest -m "not real_orchestrator"

# The ring that runs Dagster as users do: `dagster asset materialize` / `dagster job execute`
# processes on a real DAGSTER_HOME instance, against the emulator over HTTP (about 3 minutes).
pytest-dagster-real: install ## The Dagster integration's real-process ring (tests/real).
	cd integrations/dagster && $(CURDIR)/$(UV) run --locked --all-extras --all-packages pytest -m real_orchestrator

# The Airflow provider's tests, from its own folder with its own pytest configuration: Airflow
# really installed, AIRFLOW_HOME and a SQLite metadata DB in a temporary folder.
pytest-airflow: install ## Run the Airflow provider's tests (integrations/airflow), the real-services ring aside.
	cd $(AIRFLOW_MEMBER) && $(abspath $(UV)) run --locked --all-extras --all-packages pytest -m "not real_orchestrator"

# Airflow as users run it: api-server, scheduler, dag-processor and triggerer as processes, the
# emulator as one, started once for the ring (about 1.7 GB and a few minutes on 2 cores).
pytest-airflow-real: install ## The Airflow ring with the real services (integrations/airflow/tests/real).
	cd $(AIRFLOW_MEMBER) && $(abspath $(UV)) run --locked --all-extras --all-packages pytest -m real_orchestrator tests/real

# The other declared Pythons run everything but the end-to-end ring (tests/e2e, the CLI as a
# process), the benchmark smoke test, the packaging test and the real-dbt tests (their client-only
# environment has no dbt: the emulator's [dbt] extra), which the main interpreter covers:
# the client's suite and the emulator's. Client-only: the `emulator` extra brings the emulator member.
OTHER_PYTHONS := 3.10 3.13
RING := --ignore=tests/e2e --ignore=tests/cli/test_end_to_end.py --ignore=tests/test_bench_smoke.py \
	--ignore=tests/test_packaging.py --ignore=tests/lineage/test_real_dbt.py
pytest-pythons: $(UV) ## Both suites minus the end-to-end ring on Python 3.10 and 3.13 (skipped, and said so, if absent).
	@for version in $(OTHER_PYTHONS); do \
		interpreter="$$(scripts/find_python.sh $$version $(UV))"; \
		if [ -z "$$interpreter" ]; then \
			echo "SKIPPED: no Python $$version on this machine; its suite did not run" >&2; \
			continue; \
		fi; \
		echo "== Python $$version: $$interpreter"; \
		export UV_PROJECT_ENVIRONMENT=.venv-$$version; \
		$(UV) sync -q --locked --all-extras --compile-bytecode --python "$$interpreter" || exit 1; \
		$(UV) run -q --locked --all-extras --python "$$interpreter" pytest -q $(RING) || exit 1; \
		$(UV) run -q --locked --all-extras --python "$$interpreter" pytest -q -m "not real_dbt" emulator/tests || exit 1; \
	done

test: check-generated check-schema lint typecheck sdk-env pytest pytest-airflow pytest-airflow-real pytest-dagster pytest-dagster-real pytest-pythons ## Everything CI runs.

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
