"""The README's examples: each builds loadable definitions, and the first materializes as written
for each kind of credential, set the way its table says (environment variables only)."""

from __future__ import annotations

import json
import re
import runpy
from pathlib import Path
from typing import Any

import pytest
from dagster import AssetKey, DagsterInstance, Definitions

from .conftest import BoltEmulator

README = Path(__file__).resolve().parents[1] / "README.md"
PARADIME_VARIABLES = (
    "PARADIME_API_ENDPOINT",
    "PARADIME_API_KEY",
    "PARADIME_API_SECRET",
    "PARADIME_WORKSPACE_UID",
)


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_the_readme_opens_with_a_definitions_example() -> None:
    text = README.read_text(encoding="utf-8")
    first_code = text.index("```")
    assert text.index("```python\nfrom dagster import Definitions") == first_code


@pytest.mark.parametrize("index", [0, 1])
def test_each_example_builds_loadable_definitions(
    index: int,
    manifest: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "dbt").mkdir()
    (tmp_path / "dbt" / "manifest.json").write_text(json.dumps(manifest))
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {}
    exec(compile(_python_blocks()[index], f"README.md example {index}", "exec"), namespace)
    defs = namespace["defs"]
    assert isinstance(defs, Definitions)
    Definitions.validate_loadable(defs)


def _credential_env(kind: str, emulator: BoltEmulator) -> dict[str, str]:
    """The README's "Credentials" table, filled in for the emulator."""
    if kind == "account API key":
        assert emulator.account_key is not None
        return {
            "PARADIME_API_SECRET": emulator.account_key,
            "PARADIME_WORKSPACE_UID": emulator.workspaces[0],
        }
    if kind == "workspace token":
        assert emulator.workspace_token is not None
        return {"PARADIME_API_SECRET": emulator.workspace_token}
    return {"PARADIME_API_SECRET": emulator.api_secret, "PARADIME_API_KEY": emulator.api_key}


@pytest.mark.parametrize("kind", ["account API key", "workspace token", "legacy key and secret"])
def test_the_first_example_materializes_with_each_kind_of_credential(
    kind: str,
    manifest: dict[str, Any],
    emulator: BoltEmulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A definitions file with the manifest beside it, loaded from another working directory.
    project = tmp_path / "project"
    (project / "dbt").mkdir(parents=True)
    (project / "dbt" / "manifest.json").write_text(json.dumps(manifest))
    (project / "definitions.py").write_text(_python_blocks()[0])
    monkeypatch.chdir(tmp_path)
    for name in PARADIME_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PARADIME_API_ENDPOINT", emulator.endpoint)
    for name, value in _credential_env(kind, emulator).items():
        monkeypatch.setenv(name, value)

    defs = runpy.run_path(str(project / "definitions.py"))["defs"]
    job = defs.resolve_implicit_global_asset_job_def()
    result = job.execute_in_process(instance=DagsterInstance.ephemeral(), raise_on_error=False)

    assert result.success, [str(event) for event in result.all_events if event.is_failure]
    materialized = {event.asset_key for event in result.get_asset_materialization_events()}
    assert AssetKey("fct_orders") in materialized
    assert len(materialized) == 8
