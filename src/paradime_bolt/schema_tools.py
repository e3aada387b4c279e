"""Schema drift tools: introspect an endpoint, diff two schemas, check and map our operations.

These back `paradime-bolt schema pull|diff|check|coverage` and `make schema`. They need
graphql-core, which comes with the `cli` extra (`pip install 'paradime-bolt[cli]'`).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from graphql import (
    BreakingChange,
    DangerousChange,
    DefinitionNode,
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    Source,
    UniqueOperationNamesRule,
    build_client_schema,
    build_schema,
    extend_schema,
    find_breaking_changes,
    find_dangerous_changes,
    get_introspection_query,
    lexicographic_sort_schema,
    parse,
    print_schema,
    specified_rules,
    validate,
)

from ._exceptions import BoltError

__all__ = [
    "MIXIN_DIRECTIVE",
    "FieldCoverage",
    "IntrospectionRefusedError",
    "OperationInfo",
    "OperationProblem",
    "SchemaDiff",
    "canonical_sdl",
    "coverage",
    "diff_schemas",
    "document_problems",
    "introspect",
    "load_operations",
    "load_schema",
    "operation_problems",
    "render_pulled_schema",
    "with_client_directives",
    "write_atomically",
]

# ariadne-codegen's client-side directive: it makes a generated model inherit a mixin and is
# stripped from every operation before it is sent, so the API schema never declares it.
MIXIN_DIRECTIVE = (
    "directive @mixin(from: String!, import: String!) repeatable on FIELD | FRAGMENT_DEFINITION"
)


class IntrospectionRefusedError(BoltError):
    """The endpoint answered, but would not describe its schema."""


@dataclass(frozen=True)
class OperationProblem:
    """Why an operation file does not validate, located as `path:line:column`."""

    path: str
    line: int
    column: int
    message: str
    operation: str | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


@dataclass(frozen=True)
class OperationInfo:
    """One operation of `queries/`: its name, where it is, and the root fields it calls."""

    name: str | None
    kind: str
    path: str
    line: int
    root_fields: tuple[str, ...]


@dataclass(frozen=True)
class FieldCoverage:
    """A root field of the schema and the operations that call it."""

    root: str
    field: str
    operations: tuple[str, ...]

    @property
    def used(self) -> bool:
        return bool(self.operations)


@dataclass
class SchemaDiff:
    """What changes from an old schema to a new one, and which of our operations it breaks."""

    breaking: list[BreakingChange] = field(default_factory=list)
    dangerous: list[DangerousChange] = field(default_factory=list)
    broken_operations: list[OperationProblem] = field(default_factory=list)

    @property
    def breaks_our_operations(self) -> bool:
        return bool(self.broken_operations)


def load_schema(source: str | Path) -> GraphQLSchema:
    """A schema from SDL text or a `.graphql` file."""
    text = source.read_text(encoding="utf-8") if isinstance(source, Path) else source
    return build_schema(text)


def canonical_sdl(schema: GraphQLSchema) -> str:
    """The schema printed with types and fields sorted: equal schemas print equal bytes."""
    return print_schema(lexicographic_sort_schema(schema)) + "\n"


def introspect(
    endpoint: str,
    api_key: str | None,
    api_secret: str,
    *,
    workspace_uid: str | None = None,
    timeout: float = 30.0,
) -> GraphQLSchema:
    """Asks `endpoint` for its schema with the standard introspection query."""
    from ._client import BoltClient  # the facade's transport: auth, retries, typed errors

    with BoltClient(
        endpoint=endpoint,
        api_key=api_key,
        api_secret=api_secret,
        workspace_uid=workspace_uid,
        timeout=timeout,
    ) as client:
        from ._exceptions import GraphQLResponseError

        try:
            transport = client._transport
            reply = transport.execute(
                get_introspection_query(descriptions=True), "IntrospectionQuery", {}
            )
            data = transport.data(reply)
        except GraphQLResponseError as exc:
            raise IntrospectionRefusedError(
                f"{endpoint} refused introspection: {'; '.join(exc.messages)}"
            ) from None
    if not isinstance(data.get("__schema"), dict):
        raise IntrospectionRefusedError(f"{endpoint} answered without a __schema")
    try:
        return build_client_schema(data)  # type: ignore[arg-type]
    except (TypeError, ValueError, KeyError, GraphQLError) as exc:
        raise IntrospectionRefusedError(
            f"{endpoint} answered with an unreadable schema: {exc}"
        ) from None


def render_pulled_schema(schema: GraphQLSchema, endpoint: str) -> str:
    """The file `schema pull` writes: a provenance header, then the canonical SDL."""
    host = urlsplit(endpoint).hostname or "unknown host"
    header = (
        "# Paradime Bolt API schema, introspected from "
        f"{host} by `paradime-bolt schema pull`.\n"
        "# Do not edit by hand: `make schema` refreshes it; then `make generate` and commit\n"
        "# the schema and the generated code together (docs/regenerating.md).\n\n"
    )
    return header + canonical_sdl(schema)


def write_atomically(path: Path, text: str) -> None:
    """Replaces `path` only once the new text is fully written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def with_client_directives(schema: GraphQLSchema) -> GraphQLSchema:
    """The schema plus the directives our operation files may use for code generation."""
    if schema.get_directive("mixin") is not None:
        return schema
    return extend_schema(schema, parse(MIXIN_DIRECTIVE))


def _query_files(queries: Path) -> list[Path]:
    """The `.graphql` files of `queries` and its subdirectories (`fragments/`), as
    ariadne-codegen reads them, or `queries` itself when it is a file."""
    return sorted(queries.glob("**/*.graphql")) if queries.is_dir() else [queries]


def _display(path: Path, relative_to: Path | None) -> str:
    if relative_to is not None:
        try:
            return str(path.resolve().relative_to(relative_to.resolve()))
        except ValueError:
            pass
    return str(path)


def _parse(source: str, shown: str) -> tuple[DocumentNode | None, list[OperationProblem]]:
    try:
        return parse(Source(source, shown)), []
    except GraphQLError as exc:
        loc = exc.locations[0] if exc.locations else None
        return None, [
            OperationProblem(shown, loc.line if loc else 1, loc.column if loc else 1, exc.message)
        ]


def document_problems(schema: GraphQLSchema, source: str, shown: str) -> list[OperationProblem]:
    """Every syntax and validation problem of one GraphQL document against `schema`, located as
    `shown:line:column` and, where it can be told, with the operation it is in."""
    document, problems = _parse(source, shown)
    if document is None:
        return problems
    names = _names_by_line(document)
    for error in validate(schema, document):
        loc = error.locations[0] if error.locations else None
        line = loc.line if loc else 1
        problems.append(
            OperationProblem(
                shown, line, loc.column if loc else 1, error.message, _owner(names, line)
            )
        )
    return problems


def load_operations(queries: Path, relative_to: Path | None = None) -> list[OperationInfo]:
    """Every operation in the `.graphql` files of `queries` (a directory or one file)."""
    found = []
    for path in _query_files(queries):
        shown = _display(path, relative_to)
        document, _ = _parse(path.read_text(encoding="utf-8"), shown)
        for definition in document.definitions if document else ():
            if not isinstance(definition, OperationDefinitionNode):
                continue
            roots = tuple(
                s.name.value
                for s in definition.selection_set.selections
                if isinstance(s, FieldNode)
            )
            found.append(
                OperationInfo(
                    name=definition.name.value if definition.name else None,
                    kind=definition.operation.value,
                    path=shown,
                    line=definition.loc.source.get_location(definition.loc.start).line
                    if definition.loc
                    else 1,
                    root_fields=roots,
                )
            )
    return found


def operation_problems(
    schema: GraphQLSchema, queries: Path, relative_to: Path | None = None
) -> list[OperationProblem]:
    """Every syntax and validation problem of our operations, plus anonymous or duplicate
    operation names, each located as `path:line:column`.

    The files are checked as one document, as ariadne-codegen reads them, so an operation may
    spread a fragment of another file; a fragment that no operation uses is a problem."""
    checked = with_client_directives(schema)
    problems: list[OperationProblem] = []
    seen: dict[str, OperationInfo] = {}
    definitions: list[DefinitionNode] = []
    owners: dict[str, list[tuple[int, str]]] = {}
    for path in _query_files(queries):
        shown = _display(path, relative_to)
        document, syntax = _parse(path.read_text(encoding="utf-8"), shown)
        problems.extend(syntax)
        if document is not None:
            definitions.extend(document.definitions)
            owners[shown] = _names_by_line(document)
    # Duplicate names are reported below, naming where the first one is.
    rules = [rule for rule in specified_rules if rule is not UniqueOperationNamesRule]
    for error in validate(checked, DocumentNode(definitions=tuple(definitions)), rules):
        loc = error.locations[0] if error.locations else None
        shown = error.source.name if error.source is not None else str(queries)
        line = loc.line if loc else 1
        problems.append(
            OperationProblem(
                shown,
                line,
                loc.column if loc else 1,
                error.message,
                _owner(owners.get(shown, []), line),
            )
        )
    for info in load_operations(queries, relative_to):
        if info.name is None:
            problems.append(OperationProblem(info.path, info.line, 1, "operation has no name"))
            continue
        first = seen.setdefault(info.name, info)
        if first is not info:
            problems.append(
                OperationProblem(
                    info.path,
                    info.line,
                    1,
                    f"operation name {info.name!r} is already used at {first.path}:{first.line}",
                    info.name,
                )
            )
    return problems


def _names_by_line(document: DocumentNode) -> list[tuple[int, str]]:
    spans = []
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and definition.loc:
            line = definition.loc.source.get_location(definition.loc.start).line
            spans.append((line, definition.name.value if definition.name else "<anonymous>"))
    return sorted(spans)


def _owner(spans: list[tuple[int, str]], line: int) -> str | None:
    owner = None
    for start, name in spans:
        if start <= line:
            owner = name
    return owner


def diff_schemas(
    old: GraphQLSchema,
    new: GraphQLSchema,
    queries: Path | None = None,
    relative_to: Path | None = None,
) -> SchemaDiff:
    """Breaking and dangerous changes from `old` to `new`, and which operations in `queries`
    validate against `old` but not against `new`."""
    result = SchemaDiff(
        breaking=sorted(find_breaking_changes(old, new), key=lambda c: c.description),
        dangerous=sorted(find_dangerous_changes(old, new), key=lambda c: c.description),
    )
    if queries is not None:
        before = {
            (p.path, p.line, p.column, p.message)
            for p in operation_problems(old, queries, relative_to)
        }
        result.broken_operations = [
            p
            for p in operation_problems(new, queries, relative_to)
            if (p.path, p.line, p.column, p.message) not in before
        ]
    return result


def coverage(
    schema: GraphQLSchema, queries: Path, relative_to: Path | None = None
) -> list[FieldCoverage]:
    """Each root field of the schema with the operations that call it (none: unused)."""
    callers: dict[tuple[str, str], list[str]] = {}
    for info in load_operations(queries, relative_to):
        root = {"query": "Query", "mutation": "Mutation", "subscription": "Subscription"}[info.kind]
        for name in info.root_fields:
            callers.setdefault((root, name), []).append(info.name or "<anonymous>")
    rows = []
    for root_type in _root_types(schema):
        for name in sorted(root_type.fields):
            ops = tuple(sorted(callers.get((root_type.name, name), [])))
            rows.append(FieldCoverage(root_type.name, name, ops))
    return rows


def _root_types(schema: GraphQLSchema) -> Iterable[Any]:
    return [t for t in (schema.query_type, schema.mutation_type, schema.subscription_type) if t]
