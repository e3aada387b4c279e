"""Validating GraphQL documents against schema.graphql, with failures reported as file:line."""

from __future__ import annotations

from pathlib import Path

from graphql import GraphQLSchema, build_schema, extend_schema, parse, validate
from graphql.error import GraphQLError

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_PATH = ROOT / "schema.graphql"
QUERIES_DIR = ROOT / "queries"


# ariadne-codegen's client-side directive: it makes a generated model inherit a mixin, and is
# stripped from the operation before it is sent, so the API schema never declares it.
MIXIN_DIRECTIVE = (
    "directive @mixin(from: String!, import: String!) repeatable on FIELD | FRAGMENT_DEFINITION"
)


def load_schema(path: Path = SCHEMA_PATH) -> GraphQLSchema:
    return build_schema(path.read_text(encoding="utf-8"))


def load_schema_for_query_files(path: Path = SCHEMA_PATH) -> GraphQLSchema:
    """The API schema plus the directives our query files may use for code generation."""
    return extend_schema(load_schema(path), parse(MIXIN_DIRECTIVE))


def problems(schema: GraphQLSchema, source: str, name: str) -> list[str]:
    """Every syntax or validation problem of one document, each as `name:line:column: message`."""
    try:
        document = parse(source)
    except GraphQLError as exc:
        return [_located(name, exc)]
    return [_located(name, error) for error in validate(schema, document)]


def _located(name: str, error: GraphQLError) -> str:
    if error.locations:
        loc = error.locations[0]
        return f"{name}:{loc.line}:{loc.column}: {error.message}"
    return f"{name}: {error.message}"


def query_files() -> list[Path]:
    return sorted(QUERIES_DIR.glob("*.graphql"))
