"""`paradime-bolt schema pull|diff|check|coverage`: see API drift before it reaches users."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ._errors import CliError, ExitCode
from ._options import json_option
from ._state import get_state

__all__ = ["schema"]

_EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
_QUERIES = click.option(
    "--queries",
    type=click.Path(exists=True, path_type=Path),
    default="queries",
    show_default=True,
    help="The directory (or file) of operations to check against the schema.",
)


@click.group("schema")
def schema() -> None:
    """Pull the API's schema, diff two schemas, check and map our operations.

    \b
    Examples:
      paradime-bolt schema pull -o /tmp/live.graphql
      paradime-bolt schema diff schema.graphql /tmp/live.graphql
      paradime-bolt schema coverage
    """


@schema.command("pull")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default="schema.graphql",
    show_default=True,
    help="Where to write the schema.",
)
@click.option(
    "--from-emulator",
    is_flag=True,
    help="Introspect a fresh embedded emulator instead of PARADIME_API_ENDPOINT.",
)
@click.pass_context
def pull(ctx: click.Context, output: Path, from_emulator: bool) -> None:
    """Introspect the endpoint and write its schema, sorted, under a provenance header.

    The same API always gives the same bytes. When the server refuses introspection nothing is
    written and the existing file is left as it was.

    \b
    Example:
      PARADIME_API_ENDPOINT=... paradime-bolt schema pull -o schema.graphql
    """
    from paradime_bolt.schema_tools import introspect, render_pulled_schema, write_atomically

    state = get_state(ctx)
    out = state.open_output()
    if from_emulator:
        try:
            from paradime_bolt_emulator import EmulatorServer
        except ImportError as exc:
            raise CliError(
                "--from-emulator needs the emulator extra",
                ExitCode.CONFIGURATION,
                hint="pip install 'paradime-bolt[emulator]'",
            ) from exc
        with EmulatorServer(port=0) as server:
            pulled = introspect(server.endpoint, server.api_key, server.api_secret)
            text = render_pulled_schema(pulled, server.endpoint)
    else:
        with state.client() as bolt:
            config = bolt.config
        pulled = introspect(
            config.endpoint,
            config.api_key,
            config.api_secret.get_secret_value(),
            workspace_uid=config.workspace_uid,
        )
        text = render_pulled_schema(pulled, config.endpoint)
    write_atomically(output, text)
    types = len([name for name in pulled.type_map if not name.startswith("__")])
    out.note(f"wrote {output} ({types} types)")


@schema.command("diff")
@click.argument("old", type=_EXISTING_FILE)
@click.argument("new", type=_EXISTING_FILE)
@_QUERIES
@json_option
@click.pass_context
def diff(ctx: click.Context, old: Path, new: Path, queries: Path, as_json: bool) -> None:
    """Breaking and dangerous changes from OLD to NEW, and the operations they break.

    Each operation in --queries that validates against OLD but not against NEW is named with
    file:line:column. Exits 1 when a breaking change affects one of those operations.

    \b
    Example:
      paradime-bolt schema diff schema.graphql /tmp/live.graphql
    """
    from paradime_bolt.schema_tools import diff_schemas, load_schema

    out = get_state(ctx).open_output(json_mode=as_json)
    result = diff_schemas(load_schema(old), load_schema(new), queries, Path.cwd())
    if as_json:
        out.document(
            {
                "breaking": [_change(c) for c in result.breaking],
                "dangerous": [_change(c) for c in result.dangerous],
                "broken_operations": [_problem(p) for p in result.broken_operations],
            }
        )
    else:
        for change in result.breaking:
            out.line(f"BREAKING   {change.type.name:<32} {change.description}")
        for dangerous in result.dangerous:
            out.line(f"DANGEROUS  {dangerous.type.name:<32} {dangerous.description}")
        if not result.breaking and not result.dangerous:
            out.line("no breaking or dangerous changes")
        for problem in result.broken_operations:
            out.line(f"{problem}  ({problem.operation or 'unknown operation'})")
        if result.broken_operations:
            out.note(f"{len(result.broken_operations)} problem(s) in our operations")
    if result.breaks_our_operations:
        ctx.exit(1)


@schema.command("check")
@click.argument("schema_file", metavar="SCHEMA", type=_EXISTING_FILE, default="schema.graphql")
@_QUERIES
@click.pass_context
def check(ctx: click.Context, schema_file: Path, queries: Path) -> None:
    """Validate every operation against SCHEMA; each problem as file:line:column.

    Anonymous and duplicate operation names are problems too. Exits 1 on any problem.

    \b
    Example:
      paradime-bolt schema check schema.graphql --queries queries
    """
    from paradime_bolt.schema_tools import load_operations, load_schema, operation_problems

    out = get_state(ctx).open_output()
    problems = operation_problems(load_schema(schema_file), queries, Path.cwd())
    for problem in problems:
        out.line(str(problem))
    if problems:
        out.note(f"{len(problems)} problem(s)")
        ctx.exit(1)
    out.note(f"{len(load_operations(queries))} operations validate against {schema_file}")


@schema.command("coverage")
@click.argument("schema_file", metavar="SCHEMA", type=_EXISTING_FILE, default="schema.graphql")
@_QUERIES
@json_option
@click.pass_context
def coverage(ctx: click.Context, schema_file: Path, queries: Path, as_json: bool) -> None:
    """Each root field of SCHEMA with the operations that call it; marks the unused ones.

    \b
    Example:
      paradime-bolt schema coverage --json | jq '.fields[] | select(.used | not)'
    """
    from paradime_bolt.schema_tools import coverage as field_coverage
    from paradime_bolt.schema_tools import load_schema

    out = get_state(ctx).open_output(json_mode=as_json)
    rows = field_coverage(load_schema(schema_file), queries, Path.cwd())
    if as_json:
        out.document(
            {
                "fields": [
                    {
                        "root": r.root,
                        "field": r.field,
                        "operations": list(r.operations),
                        "used": r.used,
                    }
                    for r in rows
                ]
            }
        )
        return
    out.table(
        ["root", "field", "operations"],
        [[r.root, r.field, ", ".join(r.operations) or "UNUSED"] for r in rows],
    )
    unused = [r for r in rows if not r.used]
    out.note(f"{len(rows) - len(unused)} of {len(rows)} root fields used by an operation")


def _change(change: Any) -> dict[str, str]:
    return {"type": change.type.name, "description": change.description}


def _problem(problem: Any) -> dict[str, Any]:
    return {
        "path": problem.path,
        "line": problem.line,
        "column": problem.column,
        "message": problem.message,
        "operation": problem.operation,
    }
