"""Validating GraphQL documents against schema.graphql, with failures reported as file:line."""

from __future__ import annotations

from pathlib import Path

from graphql import GraphQLSchema, build_schema, parse, validate
from graphql.error import GraphQLError

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_PATH = ROOT / "schema.graphql"
QUERIES_DIR = ROOT / "queries"


def load_schema(path: Path = SCHEMA_PATH) -> GraphQLSchema:
    return build_schema(path.read_text(encoding="utf-8"))


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
