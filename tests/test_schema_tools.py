"""Drift tools: diffs that name the operations a schema change breaks, coverage, introspection."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import introspection_from_schema
from pytest_httpx import HTTPXMock

from paradime_bolt.schema_tools import (
    IntrospectionRefusedError,
    canonical_sdl,
    coverage,
    diff_schemas,
    introspect,
    load_operations,
    load_schema,
    operation_problems,
    render_pulled_schema,
)
from tests.support.fake_api import API_KEY, API_SECRET, ENDPOINT

ROOT = Path(__file__).resolve().parent.parent
SDL = (ROOT / "schema.graphql").read_text(encoding="utf-8")
QUERIES = ROOT / "queries"


def changed(old: str, new: str) -> str:
    assert old in SDL, old
    return SDL.replace(old, new, 1)


def test_our_operations_validate_and_have_unique_names() -> None:
    assert operation_problems(load_schema(SDL), QUERIES, ROOT) == []


def test_a_removed_field_names_the_broken_operation_with_file_and_line() -> None:
    new = load_schema(changed("  source: String\n  suspended: Boolean\n}", "  source: String\n}"))
    diff = diff_schemas(load_schema(SDL), new, QUERIES, ROOT)
    assert any("BoltScheduleDetails.suspended was removed" in c.description for c in diff.breaking)
    assert diff.breaks_our_operations
    (problem,) = diff.broken_operations
    assert problem.operation == "BoltScheduleName"
    assert str(problem) == (
        "queries/bolt_schedule_name.graphql:10:5: "
        "Cannot query field 'suspended' on type 'BoltScheduleDetails'."
    )


def test_moving_from_schedule_name_to_slug_breaks_the_documented_operation() -> None:
    new = load_schema(
        changed(
            "boltScheduleName(scheduleName: String, slug: String)", "boltScheduleName(slug: String)"
        )
    )
    diff = diff_schemas(load_schema(SDL), new, QUERIES, ROOT)
    assert [p.operation for p in diff.broken_operations] == ["BoltScheduleName"]
    assert "Unknown argument 'scheduleName'" in diff.broken_operations[0].message
    assert diff.broken_operations[0].path == "queries/bolt_schedule_name.graphql"


def test_a_breaking_change_we_do_not_use_breaks_no_operation() -> None:
    new = load_schema(
        changed("  command: String!\n  continueOnError: Boolean\n", "  command: String!\n")
    )
    diff = diff_schemas(load_schema(SDL), new, QUERIES, ROOT)
    assert diff.breaking
    assert not diff.breaks_our_operations


def test_dangerous_changes_are_reported() -> None:
    new = load_schema(
        changed(
            "boltCommandLogs(commandId: Int!, cursor: String)",
            "boltCommandLogs(commandId: Int!, cursor: String, limit: Int = 100)",
        )
    )
    diff = diff_schemas(load_schema(SDL), new, QUERIES, ROOT)
    assert [c.description for c in diff.dangerous] == [
        "An optional arg limit on Query.boltCommandLogs was added."
    ]
    assert not diff.breaking
    assert not diff.breaks_our_operations


def test_coverage_marks_unused_root_fields() -> None:
    schema = load_schema(changed("type Query {\n", "type Query {\n  unusedProbe: [String!]\n"))
    rows = {(r.root, r.field): r for r in coverage(schema, QUERIES, ROOT)}
    assert rows[("Query", "unusedProbe")].used is False
    assert rows[("Query", "boltRunStatus")].operations == ("BoltRunProgress", "BoltRunStatus")
    assert rows[("Mutation", "triggerBoltRun")].operations == ("TriggerBoltRun",)
    assert all(r.used for k, r in rows.items() if k != ("Query", "unusedProbe"))


def test_duplicate_and_anonymous_operations_are_problems(tmp_path: Path) -> None:
    (tmp_path / "a.graphql").write_text("query Same { boltRunStatus(runId: 1) { ok } }\n")
    (tmp_path / "b.graphql").write_text(
        "\n\nquery Same { boltCommand(commandId: 1) { ok } }\n"
        "{ boltResourceUrl(resourceId: 1) { ok } }\n"
    )
    problems = [str(p) for p in operation_problems(load_schema(SDL), tmp_path, tmp_path)]
    assert "b.graphql:3:1: operation name 'Same' is already used at a.graphql:1" in problems
    assert "b.graphql:4:1: operation has no name" in problems


def test_operation_index() -> None:
    ops = {o.name: o for o in load_operations(QUERIES, ROOT)}
    assert ops["TriggerBoltRun"].kind == "mutation"
    assert ops["TriggerBoltRun"].root_fields == ("triggerBoltRun",)
    assert ops["TriggerBoltRun"].path == "queries/trigger_bolt_run.graphql"


def test_canonical_sdl_ignores_declaration_order() -> None:
    reordered = (
        SDL.replace("type BoltOk {\n  ok: Boolean!\n}\n", "")
        + "\ntype BoltOk {\n  ok: Boolean!\n}\n"
    )
    assert canonical_sdl(load_schema(reordered)) == canonical_sdl(load_schema(SDL))


def test_introspection_round_trips_and_is_deterministic(httpx_mock: HTTPXMock) -> None:
    result = introspection_from_schema(load_schema(SDL))
    httpx_mock.add_response(url=ENDPOINT, json={"data": result}, is_reusable=True)
    first = render_pulled_schema(introspect(ENDPOINT, API_KEY, API_SECRET), ENDPOINT)
    second = render_pulled_schema(introspect(ENDPOINT, API_KEY, API_SECRET), ENDPOINT)
    assert first == second
    assert first.startswith("# Paradime Bolt API schema, introspected from api.test.paradime.io")
    assert canonical_sdl(load_schema(first)) == canonical_sdl(load_schema(SDL))
    request = httpx_mock.get_requests()[0]
    assert request.headers["X-API-KEY"] == API_KEY


def test_a_server_that_refuses_introspection(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(
        json={"data": None, "errors": [{"message": "GraphQL introspection is not allowed"}]}
    )
    with pytest.raises(
        IntrospectionRefusedError,
        match="refused introspection: GraphQL introspection is not allowed",
    ):
        introspect(ENDPOINT, API_KEY, API_SECRET)


def test_every_operation_is_used_by_the_facade() -> None:
    facade = (ROOT / "src" / "paradime_bolt" / "_async_client.py").read_text(encoding="utf-8")
    for info in load_operations(QUERIES, ROOT):
        assert info.name is not None
        method = "".join("_" + c.lower() if c.isupper() else c for c in info.name).lstrip("_")
        assert f"self._graphql.{method}(" in facade, f"{info.path}: {info.name} is never called"


@pytest.mark.parametrize(
    ("data", "match"),
    [
        ({"somethingElse": 1}, "answered without a __schema"),
        ({"__schema": {"types": "not a list"}}, "answered with an unreadable schema"),
    ],
)
def test_an_answer_that_is_not_a_schema(
    data: dict[str, object], match: str, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json={"data": data})
    with pytest.raises(IntrospectionRefusedError, match=match):
        introspect(ENDPOINT, API_KEY, API_SECRET)


def test_an_operation_may_spread_a_fragment_of_another_file(tmp_path: Path) -> None:
    (tmp_path / "fragments").mkdir()
    (tmp_path / "fragments" / "runs.graphql").write_text(
        "fragment State on BoltRunStatus {\n  ok\n  state\n}\n"
    )
    (tmp_path / "status.graphql").write_text(
        "query Status {\n  boltRunStatus(runId: 1) {\n    ...State\n  }\n}\n"
    )
    assert operation_problems(load_schema(SDL), tmp_path, tmp_path) == []
    (tmp_path / "fragments" / "runs.graphql").write_text(
        "fragment State on BoltRunStatus {\n  ok\n  nope\n}\n"
    )
    assert [str(p) for p in operation_problems(load_schema(SDL), tmp_path, tmp_path)] == [
        "fragments/runs.graphql:3:3: Cannot query field 'nope' on type 'BoltRunStatus'."
    ]


def test_unknown_and_unused_fragments_are_problems(tmp_path: Path) -> None:
    (tmp_path / "a.graphql").write_text(
        "query A {\n  boltRunStatus(runId: 1) {\n    ...Missing\n  }\n}\n"
    )
    (tmp_path / "b.graphql").write_text("fragment Unused on BoltOk {\n  ok\n}\n")
    problems = [str(p) for p in operation_problems(load_schema(SDL), tmp_path, tmp_path)]
    assert "a.graphql:3:8: Unknown fragment 'Missing'." in problems
    assert "b.graphql:1:1: Fragment 'Unused' is never used." in problems
