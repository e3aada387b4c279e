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

import paradime_bolt_emulator
from paradime_bolt_emulator.api.auth import UNAUTHORIZED_BODY
from paradime_bolt_emulator.api.schema import SCHEMA_PATH, StrictDefaultResolvers
from paradime_bolt_emulator.api.schema import build_schema as build_emulator_schema

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


def _client_imports(tree: ast.Module) -> list[tuple[str, bool]]:
    """Every import of ``paradime_bolt`` (the client): its name, and whether it runs on import of
    the module (not inside a function or an ``if TYPE_CHECKING:`` block)."""
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, eager: bool) -> None:
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        found.extend((name, eager) for name in names if name.split(".")[0] == "paradime_bolt")
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            eager = False
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for child in node.body:
                visit(child, False)
            for child in node.orelse:
                visit(child, eager)
            return
        for child in ast.iter_child_nodes(node):
            visit(child, eager)

    visit(tree, True)
    return found


def test_only_the_pytest_plugin_imports_the_client_and_only_when_a_test_uses_it() -> None:
    package = Path(paradime_bolt_emulator.__file__).parent
    modules = sorted(package.rglob("*.py"))
    assert len(modules) > 20
    for module in modules:
        imports = _client_imports(ast.parse(module.read_text(encoding="utf-8")))
        name = module.relative_to(package).as_posix()
        if name == "pytest_plugin.py":
            assert imports, "the plugin hands out a client"
            assert [imported for imported, eager in imports if eager] == []
        else:
            assert imports == [], f"{name} imports the client"


def test_the_import_check_sees_eager_and_lazy_imports() -> None:
    tree = ast.parse(
        "import paradime_bolt\n"
        "from paradime_bolt._client import BoltClient\n"
        "from paradime_bolt_emulator import server\n"
        "if TYPE_CHECKING:\n    from paradime_bolt import AsyncBoltClient\n"
        "def f():\n    from paradime_bolt import BoltClient\n"
    )
    assert _client_imports(tree) == [
        ("paradime_bolt", True),
        ("paradime_bolt._client", True),
        ("paradime_bolt", False),
        ("paradime_bolt", False),
    ]
