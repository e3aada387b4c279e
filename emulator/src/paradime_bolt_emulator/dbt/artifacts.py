"""The files an emulated dbt command leaves behind: manifest, run results, compiled SQL, dbt.log.

The JSON files carry dbt's real top-level keys, so tools that read dbt artifacts can parse them;
their content follows the same ``DbtRun`` the console log was rendered from, so a failing
``dbt test`` has results with status ``fail`` in ``run_results.json``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from paradime_bolt_emulator.timefmt import format_iso_z

from .project import ADAPTER, DBT_VERSION, NODES, PROJECT, DbtRun, Node, NodeResult, selectors

JSON_TYPE = "application/json"
TEXT_TYPE = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class Artifact:
    """One produced file: its path relative to the project, media type and bytes."""

    path: str
    content_type: str
    content: bytes


def _json(path: str, data: dict[str, Any]) -> Artifact:
    return Artifact(path, JSON_TYPE, json.dumps(data, indent=2).encode())


def _text(path: str, text: str) -> Artifact:
    return Artifact(path, TEXT_TYPE, text.encode())


def _metadata(schema: str, generated_ts: float, invocation_id: str) -> dict[str, Any]:
    return {
        "dbt_schema_version": f"https://schemas.getdbt.com/dbt/{schema}",
        "dbt_version": DBT_VERSION,
        "generated_at": format_iso_z(generated_ts),
        "invocation_id": invocation_id,
        "env": {},
    }


def _node_entry(node: Node, generated_ts: float) -> dict[str, Any]:
    """A node as manifest.json describes it."""
    refs = [parent.split(".")[-1] for parent in node.parents if not parent.startswith("source.")]
    sources = [
        ["raw", parent.split(".")[-1]] for parent in node.parents if parent.startswith("source.")
    ]
    entry: dict[str, Any] = {
        "database": "ANALYTICS",
        "schema": "DBT_PROD",
        "name": node.name,
        "resource_type": node.resource_type,
        "package_name": PROJECT,
        "path": node.original_file_path.split("/", 1)[-1],
        "original_file_path": node.original_file_path,
        "unique_id": node.unique_id,
        "fqn": node.fqn,
        "alias": node.name,
        "checksum": {
            "name": "sha256",
            "checksum": hashlib.sha256(node.raw_code.encode()).hexdigest(),
        },
        "config": {"enabled": True, "materialized": node.materialized, "tags": [], "meta": {}},
        "tags": [],
        "description": "",
        "columns": {
            column.split()[-1]: {
                "name": column.split()[-1],
                "description": "",
                "meta": {},
                "tags": [],
            }
            for column in node.columns
        },
        "meta": {},
        "created_at": generated_ts,
        "relation_name": node.relation_name,
        "raw_code": node.raw_code,
        "language": "sql",
        "refs": [{"name": ref, "package": None, "version": None} for ref in refs],
        "sources": sources,
        "depends_on": {"macros": [], "nodes": list(node.parents)},
    }
    if node.has_sql:
        entry.update(
            compiled_path=node.target_path("compiled"),
            compiled=True,
            compiled_code=node.compiled_code,
        )
    return entry


def _source_entry(node: Node, generated_ts: float) -> dict[str, Any]:
    """A source as manifest.json describes it."""
    return {
        "database": "RAW",
        "schema": "JAFFLE",
        "name": node.name,
        "resource_type": "source",
        "package_name": PROJECT,
        "path": node.original_file_path,
        "original_file_path": node.original_file_path,
        "unique_id": node.unique_id,
        "fqn": [PROJECT, "staging", "raw", node.name],
        "source_name": "raw",
        "identifier": node.name,
        "loaded_at_field": "_loaded_at",
        "freshness": {
            "warn_after": {"count": 12, "period": "hour"},
            "error_after": {"count": 24, "period": "hour"},
            "filter": None,
        },
        "columns": {column: {"name": column, "description": ""} for column in node.columns},
        "relation_name": node.relation_name,
        "created_at": generated_ts,
    }


_MACROS = (
    (
        "macro.dbt_snowflake.snowflake__create_table_as",
        "dbt_snowflake",
        "macros/materializations/table.sql",
    ),
    ("macro.dbt.run_query", "dbt", "macros/etc/statement.sql"),
    (f"macro.{PROJECT}.cents_to_dollars", PROJECT, "macros/cents_to_dollars.sql"),
)


def _macros(generated_ts: float) -> dict[str, Any]:
    return {
        unique_id: {
            "name": unique_id.split(".")[-1],
            "resource_type": "macro",
            "package_name": package,
            "path": path,
            "original_file_path": path,
            "unique_id": unique_id,
            "macro_sql": "{% macro " + unique_id.split(".")[-1] + "() %}{% endmacro %}",
            "depends_on": {"macros": []},
            "description": "",
            "meta": {},
            "arguments": [],
            "created_at": generated_ts,
        }
        for unique_id, package, path in _MACROS
    }


def _children() -> dict[str, list[str]]:
    """Each unique id's direct children, for child_map and graph_summary."""
    children: dict[str, list[str]] = {node.unique_id: [] for node in NODES}
    for node in NODES:
        for parent in node.parents:
            children[parent].append(node.unique_id)
    return children


def manifest(generated_ts: float, invocation_id: str) -> dict[str, Any]:
    """target/manifest.json: every node of the project, with parent and child maps."""
    metadata = _metadata("manifest/v12.json", generated_ts, invocation_id)
    metadata.update(
        project_name=PROJECT,
        project_id=hashlib.sha256(PROJECT.encode()).hexdigest()[:32],
        user_id=None,
        send_anonymous_usage_stats=False,
        adapter_type=ADAPTER,
    )
    return {
        "metadata": metadata,
        "nodes": {
            node.unique_id: _node_entry(node, generated_ts)
            for node in NODES
            if node.resource_type != "source"
        },
        "sources": {
            node.unique_id: _source_entry(node, generated_ts)
            for node in NODES
            if node.resource_type == "source"
        },
        "macros": _macros(generated_ts),
        "docs": {},
        "exposures": {},
        "metrics": {},
        "groups": {},
        "selectors": {},
        "disabled": {},
        "parent_map": {node.unique_id: list(node.parents) for node in NODES},
        "child_map": _children(),
        "group_map": {},
        "saved_queries": {},
        "semantic_models": {},
        "unit_tests": {},
    }


def _timing(result: NodeResult, start: float, end: float) -> list[dict[str, str]]:
    """dbt's compile and execute timings of one node; none for a skipped node."""
    if result.status == "skipped":
        return []
    middle = (start + end) / 2
    return [
        {
            "name": "compile",
            "started_at": format_iso_z(start),
            "completed_at": format_iso_z(middle),
        },
        {"name": "execute", "started_at": format_iso_z(middle), "completed_at": format_iso_z(end)},
    ]


def _adapter_response(result: NodeResult) -> dict[str, Any]:
    if result.message is None or result.status != "success":
        return {}
    code, _, rows = result.message.partition(" ")
    return {"_message": result.message, "code": code, "rows_affected": int(rows or 0)}


def run_results(run: DbtRun, start_ts: float, end_ts: float, invocation_id: str) -> dict[str, Any]:
    """target/run_results.json: one result per executed node, statuses as dbt writes them."""
    slots = max(1, len(run.results))
    step = (end_ts - start_ts) / slots
    results = []
    for index, result in enumerate(run.results):
        node = result.node
        compiled = node.has_sql and result.status != "skipped"
        results.append(
            {
                "status": result.status,
                "timing": _timing(result, start_ts + step * index, start_ts + step * (index + 1)),
                "thread_id": f"Thread-{index % 8 + 1} (worker)",
                "execution_time": result.execution_time,
                "adapter_response": _adapter_response(result),
                "message": result.message,
                "failures": result.failures,
                "unique_id": node.unique_id,
                "compiled": compiled,
                "compiled_code": node.compiled_code if compiled else None,
                "relation_name": node.relation_name,
                "batch_results": None,
            }
        )
    return {
        "metadata": _metadata("run-results/v6.json", end_ts, invocation_id),
        "results": results,
        "elapsed_time": run.elapsed_time,
        "args": {
            "which": run.subcommand.replace(" ", "-"),
            "invocation_command": run.command,
            "select": selectors(run.command),
            "exclude": [],
            "target": "prod",
            "threads": 8,
            "project_dir": "/workspace/repo",
            "profiles_dir": "/workspace/.dbt",
            "log_level": "info",
            "partial_parse": True,
            "vars": {},
        },
    }


def sources(run: DbtRun, start_ts: float, end_ts: float, invocation_id: str) -> dict[str, Any]:
    """target/sources.json: the freshness of each source, written by ``dbt source freshness``."""
    return {
        "metadata": _metadata("sources/v3.json", end_ts, invocation_id),
        "results": [
            {
                "unique_id": result.node.unique_id,
                "max_loaded_at": format_iso_z(
                    end_ts - (93600 if result.status == "error" else 3600)
                ),
                "snapshotted_at": format_iso_z(end_ts),
                "max_loaded_at_time_ago_in_s": 93600.0 if result.status == "error" else 3600.0,
                "status": result.status,
                "criteria": {
                    "warn_after": {"count": 12, "period": "hour"},
                    "error_after": {"count": 24, "period": "hour"},
                    "filter": None,
                },
                "adapter_response": {},
                "timing": _timing(result, start_ts, end_ts),
                "thread_id": "Thread-1 (worker)",
                "execution_time": result.execution_time,
            }
            for result in run.results
        ],
        "elapsed_time": run.elapsed_time,
    }


def semantic_manifest() -> dict[str, Any]:
    """target/semantic_manifest.json: this project defines no semantic models or metrics."""
    return {
        "semantic_models": [],
        "metrics": [],
        "project_configuration": {
            "time_spine_table_configurations": [],
            "metadata": None,
            "dsi_package_version": {
                "major_version": "0",
                "minor_version": "5",
                "patch_version": "1",
            },
            "time_spines": [],
        },
        "saved_queries": [],
    }


def graph_summary(invocation_id: str) -> dict[str, Any]:
    """target/graph_summary.json: the DAG as numbered nodes with their successors."""
    index = {node.unique_id: number for number, node in enumerate(NODES)}
    children = _children()
    return {
        "_invocation_id": invocation_id,
        "linked": {
            str(index[node.unique_id]): {
                "name": node.unique_id,
                "type": node.resource_type,
                "succ": [index[child] for child in children[node.unique_id]],
            }
            for node in NODES
        },
    }


def _run_sql(node: Node) -> str:
    """The SQL dbt ran for a node, as written to target/run."""
    relation = node.relation_name
    if node.resource_type == "test":
        return (
            "select\n    count(*) as failures,\n    count(*) != 0 as should_warn,\n"
            "    count(*) != 0 as should_error\n"
            f"from (\n{node.compiled_code}\n) dbt_internal_test\n"
        )
    if node.materialized == "view":
        return f"create or replace view {relation}\nas (\n{node.compiled_code}\n);\n"
    return f"create or replace transient table {relation}\nas (\n{node.compiled_code}\n);\n"


def build_artifacts(
    run: DbtRun,
    *,
    start_ts: float,
    end_ts: float,
    invocation_id: str,
    stdout: str,
    stderr: str,
) -> list[Artifact]:
    """Every file the command produced, in the order the docs' boltCommand example lists them."""
    if not run.writes_artifacts:
        return []
    files = [
        _json("target/manifest.json", manifest(end_ts, invocation_id)),
        _json("target/semantic_manifest.json", semantic_manifest()),
        _json("target/graph_summary.json", graph_summary(invocation_id)),
    ]
    built = [result for result in run.results if result.node.has_sql and result.status != "skipped"]
    files += [
        _text(result.node.target_path("compiled"), result.node.compiled_code) for result in built
    ]
    if run.executes_sql:
        files += [_text(result.node.target_path("run"), _run_sql(result.node)) for result in built]
    if run.writes_run_results:
        files.append(
            _json("target/run_results.json", run_results(run, start_ts, end_ts, invocation_id))
        )
    if run.subcommand == "source freshness":
        files.append(_json("target/sources.json", sources(run, start_ts, end_ts, invocation_id)))
    banner = f"{'=' * 30} {format_iso_z(start_ts)} | {invocation_id} {'=' * 30}\n"
    files.append(_text("logs/dbt.log", banner + stdout + stderr))
    return files
