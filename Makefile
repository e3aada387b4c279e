# Every target works on a fresh machine: `install` brings uv (pinned) and the locked environment.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
export UV_PYTHON_DOWNLOADS := never
RUN := $(UV) run --locked --all-extras
GENERATED_DIR := src/paradime_bolt/_generated
GENERATED := $(GENERATED_DIR) src/paradime_bolt/_client.py

.PHONY: help install generate check-generated lint typecheck pytest test demo

help: ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet "uv==$(UV_VERSION)"

install: $(UV) ## Create .venv from uv.lock (all extras and the dev group).
	$(UV) sync --locked --all-extras

generate: install ## Regenerate _generated/ from the schema and queries/, and _client.py from _async_client.py.
	rm -rf $(GENERATED_DIR)
	PYTHONPATH=. $(RUN) ariadne-codegen --config codegen.toml
	PYTHONPATH=. $(RUN) ariadne-codegen --config codegen-async.toml
	$(RUN) python scripts/unasync.py

check-generated: generate ## Fail when the committed generated code is stale or incomplete.
	@git diff --exit-code --stat -- $(GENERATED) || { echo "generated code is stale: run 'make generate' and commit" >&2; exit 1; }
	@untracked="$$(git status --porcelain --untracked-files=all -- $(GENERATED))"; \
	if [ -n "$$untracked" ]; then echo "$$untracked"; echo "generated files not committed: run 'make generate' and commit" >&2; exit 1; fi

lint: install ## ruff check and ruff format --check (generated code excluded).
	$(RUN) ruff check .
	$(RUN) ruff format --check .

typecheck: install ## mypy --strict over src, generated code included.
	$(RUN) mypy

pytest: install ## Run the test suite only.
	$(RUN) pytest

test: check-generated lint typecheck pytest ## Everything CI runs.

demo: install ## The main job: emulator, schedules, a daily run followed to the end, its artifacts.
	$(RUN) python examples/demo.py --output demo-output
