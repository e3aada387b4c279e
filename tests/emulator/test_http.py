"""The HTTP surface: API-key auth, health check, GET queries, and the schema that is served."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from ariadne import QueryType, make_executable_schema
from graphql import (
    GraphQLObjectType,
    build_client_schema,
    build_schema,
    get_introspection_query,
    graphql_sync,
    lexicographic_sort_schema,
    print_schema,
)

import paradime_bolt.emulator
from paradime_bolt.emulator.auth import UNAUTHORIZED_BODY
from paradime_bolt.emulator.schema import SCHEMA_PATH, StrictDefaultResolvers
from paradime_bolt.emulator.schema import build_schema as build_emulator_schema

from .support import HEADERS, Api, InProcessClient

REPO_ROOT = Path(__file__).resolve().parents[2]
QUERY = {"query": "{ listBoltSchedules { totalCount } }"}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-API-KEY": "bolt-emulator-key"},
        {"X-API-SECRET": "bolt-emulator-secret"},
        {"X-API-KEY": "wrong", "X-API-SECRET": "bolt-emulator-secret"},
        {"X-API-KEY": "bolt-emulator-key", "X-API-SECRET": "wrong"},
        {"X-API-KEY": "bolt-emulator-key", "X-API-SECRET": "bolt-emulator-secret\u00e9"},
    ],
    ids=["none", "no-secret", "no-key", "wrong-key", "wrong-secret", "non-ascii-secret"],
)
@pytest.mark.parametrize("method", ["POST", "GET"])
def test_requests_without_valid_credentials_are_unauthorized(
    client: InProcessClient, headers: dict[str, str], method: str
) -> None:
    encoded = {name: value.encode() for name, value in headers.items()}
    if method == "POST":
        response = client.post("/graphql", json=QUERY, headers=encoded)
    else:
        response = client.get("/graphql", params=QUERY, headers=encoded)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/json"
    assert response.json() == UNAUTHORIZED_BODY
    assert UNAUTHORIZED_BODY["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}


def test_valid_credentials_work_for_post_and_get(client: InProcessClient) -> None:
    posted = client.post("/graphql", json=QUERY, headers=HEADERS)
    fetched = client.get("/graphql", params=QUERY, headers=HEADERS)
    assert posted.status_code == fetched.status_code == 200
    assert posted.json() == fetched.json() == {"data": {"listBoltSchedules": {"totalCount": 5}}}


def test_health_needs_no_credentials(client: InProcessClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_other_paths_and_methods_are_refused(client: InProcessClient) -> None:
    assert client.get("/graphql/nope", headers=HEADERS).status_code == 404
    assert client.request("PUT", "/graphql", headers=HEADERS).status_code == 405


def test_the_served_schema_is_schema_graphql(api: Api) -> None:
    introspected = build_client_schema(api.data(get_introspection_query()))
    expected = build_schema((REPO_ROOT / "schema.graphql").read_text(encoding="utf-8"))
    assert print_schema(lexicographic_sort_schema(introspected)) == print_schema(
        lexicographic_sort_schema(expected)
    )


def test_the_emulator_reads_the_repository_schema_file() -> None:
    assert SCHEMA_PATH.resolve() == (REPO_ROOT / "schema.graphql").resolve()


def test_every_object_field_has_a_resolver() -> None:
    schema = build_emulator_schema()
    for name, named in schema.type_map.items():
        if isinstance(named, GraphQLObjectType) and not name.startswith("__"):
            for field_name, field in named.fields.items():
                assert field.resolve is not None, f"{name}.{field_name}"


def test_the_strict_default_resolver_refuses_a_missing_value() -> None:
    query = QueryType()

    @query.field("item")
    def resolve_item(*_: Any) -> dict[str, Any]:
        return {"present": "yes", "nothing": None}

    schema = make_executable_schema(
        "type Query { item: Item } type Item { present: String nothing: String missing: String }",
        query,
        StrictDefaultResolvers(),
    )
    ok = graphql_sync(schema, "{ item { present nothing } }")
    assert ok.errors is None
    assert ok.data == {"item": {"present": "yes", "nothing": None}}
    broken = graphql_sync(schema, "{ item { present missing } }")
    assert broken.errors is not None
    assert "Item.missing is not wired" in broken.errors[0].message


def test_the_emulator_imports_nothing_else_from_the_package() -> None:
    package = Path(paradime_bolt.emulator.__file__).parent
    for module in package.glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert node.level <= 1, f"{module.name} imports from a parent package"
                if node.level == 0 and node.module:
                    assert not node.module.startswith("paradime_bolt") or node.module.startswith(
                        "paradime_bolt.emulator"
                    ), f"{module.name} imports {node.module}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    assert not alias.name.startswith("paradime_bolt") or alias.name.startswith(
                        "paradime_bolt.emulator"
                    ), f"{module.name} imports {alias.name}"
