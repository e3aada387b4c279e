"""`paradime-bolt schema pull|diff|check|coverage`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from graphql import introspection_from_schema
from pytest_httpx import HTTPXMock

from paradime_bolt.schema_tools import canonical_sdl, load_schema
from tests.support.cli import Invoke, assert_no_secret, run_cli
from tests.support.fake_api import ENDPOINT

ROOT = Path(__file__).resolve().parents[2]
SDL = (ROOT / "schema.graphql").read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _in_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_pull_writes_a_deterministic_schema(
    invoke: Invoke, httpx_mock: HTTPXMock, tmp_path: Path
) -> None:
    introspection = introspection_from_schema(load_schema(SDL))
    httpx_mock.add_response(url=ENDPOINT, json={"data": introspection}, is_reusable=True)
    first, second = tmp_path / "a.graphql", tmp_path / "b.graphql"
    assert invoke("schema", "pull", "-o", str(first)).exit_code == 0
    result = invoke("schema", "pull", "-o", str(second))
    assert result.exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    assert first.read_text().startswith("# Paradime Bolt API schema, introspected from ")
    assert canonical_sdl(load_schema(first.read_text())) == canonical_sdl(load_schema(SDL))
    assert_no_secret(result)


def test_a_refused_introspection_writes_nothing(
    invoke: Invoke, httpx_mock: HTTPXMock, tmp_path: Path
) -> None:
    target = tmp_path / "schema.graphql"
    target.write_text("the committed schema")
    httpx_mock.add_response(json={"errors": [{"message": "introspection is disabled"}]})
    result = invoke("schema", "pull", "-o", str(target))
    assert result.exit_code == 5
    assert "refused introspection: introspection is disabled" in result.stderr
    assert target.read_text() == "the committed schema"


def test_pull_from_the_embedded_emulator(tmp_path: Path) -> None:
    target = tmp_path / "schema.graphql"
    assert run_cli("schema", "pull", "--from-emulator", "-o", str(target)).exit_code == 0
    assert canonical_sdl(load_schema(target.read_text())) == canonical_sdl(load_schema(SDL))


def test_diff_names_the_broken_operation_and_exits_1(tmp_path: Path) -> None:
    new = tmp_path / "new.graphql"
    new.write_text(
        SDL.replace(
            "boltScheduleName(scheduleName: String, slug: String)", "boltScheduleName(slug: String)"
        )
    )
    result = run_cli("schema", "diff", "schema.graphql", str(new))
    assert result.exit_code == 1
    assert "BREAKING   ARG_REMOVED" in result.stdout
    assert "queries/bolt_schedule_name.graphql:2:20: Unknown argument 'scheduleName'" in (
        result.stdout
    )
    assert "(BoltScheduleName)" in result.stdout


def test_diff_json_and_a_harmless_change(tmp_path: Path) -> None:
    new = tmp_path / "new.graphql"
    new.write_text(
        SDL.replace("  pullRequestId: String\n", "  pullRequestId: String\n  url: String\n")
    )
    result = run_cli("schema", "diff", "schema.graphql", str(new), "--json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document == {"breaking": [], "dangerous": [], "broken_operations": []}


def test_check_passes_on_our_operations_and_fails_with_file_line(tmp_path: Path) -> None:
    assert run_cli("schema", "check").exit_code == 0
    broken = tmp_path / "broken.graphql"
    broken.write_text("query Broken {\n  boltRunStatus(runId: 1) {\n    nope\n  }\n}\n")
    result = run_cli("schema", "check", "schema.graphql", "--queries", str(broken))
    assert result.exit_code == 1
    assert "broken.graphql:3:5: Cannot query field 'nope' on type 'BoltRunStatus'." in result.stdout


def test_coverage_lists_every_root_field() -> None:
    result = run_cli("schema", "coverage", "--json")
    assert result.exit_code == 0
    fields = {(f["root"], f["field"]): f for f in json.loads(result.stdout)["fields"]}
    assert fields[("Query", "boltRunStatus")]["operations"] == ["BoltRunProgress", "BoltRunStatus"]
    assert all(f["used"] for f in fields.values())
    plain = run_cli("schema", "coverage")
    assert "triggerBoltRun" in plain.stdout
