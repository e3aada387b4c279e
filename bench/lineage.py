"""Building a 500-model run's OpenLineage events from its artifacts, already downloaded.

The artifacts are made here in dbt 1.11's shapes (manifest v12, run_results v6, catalog v1):
`dbt build` of a layered DAG of models (each reads two of the layer before, with compiled SQL
that OpenLineage parses for column lineage) and one test per model; the time covers
`lineage_from_artifacts` and the events' JSON (what `runs lineage --json` prints).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from bench._support import Stats

if TYPE_CHECKING:
    from bench.benchmarks import Row

TARGET = 1.0
SCHEMA = "https://schemas.getdbt.com/dbt/{}.json"
COLUMNS = ("id", "amount", "customer_id", "updated_at")


def _model(index: int, parents: list[str]) -> dict[str, Any]:
    name = f"model_{index:04d}"
    sources = " join ".join(
        f"analytics.prod.{parent.rsplit('.', 1)[-1]} as p{n}" for n, parent in enumerate(parents)
    )
    columns = "p0.id, p0.amount, p0.customer_id, p0.updated_at"
    sql = f"select {columns} from {sources or 'raw.events p0'}"  # noqa: S608 - no database
    if len(parents) > 1:
        sql += " on p0.id = p1.id"
    return {
        "database": "analytics",
        "schema": "prod",
        "name": name,
        "alias": name,
        "resource_type": "model",
        "unique_id": f"model.bench.{name}",
        "original_file_path": f"models/{name}.sql",
        "columns": {c: {"name": c, "description": f"the {c}"} for c in COLUMNS},
        "compiled_code": sql,
        "config": {"materialized": "table", "tags": [], "meta": {}},
        "tags": [],
        "meta": {},
        "description": f"model {index}",
        "depends_on": {"nodes": parents},
    }


def artifacts(models: int) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """manifest.json, run_results.json and catalog.json of `dbt build` of `models` models."""
    nodes: dict[str, Any] = {}
    parent_map: dict[str, list[str]] = {}
    ids: list[str] = []
    for index in range(models):
        node = _model(index, ids[-2:])  # the two models before it (none for the first)
        nodes[node["unique_id"]] = node
        parent_map[node["unique_id"]] = node["depends_on"]["nodes"]
        ids.append(node["unique_id"])
        test = f"test.bench.not_null_{node['name']}_id"
        nodes[test] = {
            "database": "analytics",
            "schema": "prod_dbt_test__audit",
            "name": f"not_null_{node['name']}_id",
            "alias": f"not_null_{node['name']}_id",
            "resource_type": "test",
            "unique_id": test,
            "original_file_path": "models/schema.yml",
            "columns": {},
            "config": {"severity": "ERROR"},
            "test_metadata": {"name": "not_null", "kwargs": {"column_name": "id"}},
            "column_name": "id",
            "tags": [],
            "meta": {},
        }
        parent_map[test] = [node["unique_id"]]
    timing = [
        {
            "name": "execute",
            "started_at": "2026-01-01T00:00:00Z",
            "completed_at": "2026-01-01T00:00:01Z",
        }
    ]
    results = [
        {
            "unique_id": key,
            "status": "pass" if key.startswith("test.") else "success",
            "timing": timing,
            "adapter_response": {"rows_affected": 10},
            "failures": 0 if key.startswith("test.") else None,
        }
        for key in nodes
    ]
    manifest = {
        "metadata": {"dbt_schema_version": SCHEMA.format("manifest/v12"), "project_name": "bench"},
        "nodes": nodes,
        "sources": {},
        "exposures": {},
        "parent_map": parent_map,
    }
    run_results = {
        "metadata": {
            "dbt_schema_version": SCHEMA.format("run-results/v6"),
            "dbt_version": "1.11.16",
            "invocation_id": "00000000-0000-4000-8000-000000000000",
        },
        "results": results,
        "args": {"which": "build"},
    }
    catalog = {
        "nodes": {
            key: {
                "columns": {
                    c: {"name": c, "type": "INTEGER", "index": i} for i, c in enumerate(COLUMNS)
                },
                "stats": {},
            }
            for key in ids
        }
    }
    return manifest, run_results, catalog


def lineage_build_cost(smoke: bool) -> list[Row]:
    """The time to build (and serialise) the events of a `models`-model run."""
    from bench.benchmarks import Row
    from paradime_bolt.lineage import CommandArtifacts, RunArtifacts, lineage_from_artifacts

    models = 20 if smoke else 500
    rounds = 1 if smoke else 5
    manifest, run_results, catalog = artifacts(models)
    run = RunArtifacts(
        run_id=1,
        state="SUCCESS",
        commands=[CommandArtifacts(1, "dbt build", 0, manifest, run_results, catalog)],
    )
    built: list[float] = []
    printed: list[float] = []
    count = 0
    for round_ in range(rounds + 1):
        started = time.perf_counter()
        lineage = lineage_from_artifacts(run, namespace="snowflake://bench")
        middle = time.perf_counter()
        count = sum(1 for _ in lineage.json_lines())
        ended = time.perf_counter()
        if lineage.warnings:
            raise RuntimeError(f"lineage of the bench run warned: {lineage.warnings}")
        if round_:  # the first round warms the imports and the SQL parser
            built.append(middle - started)
            printed.append(ended - started)
    what = f"OpenLineage events of a {models}-model dbt build (a test each), artifacts downloaded"
    note = f"{count} events; column lineage parsed from each model's SQL"
    build, total = Stats.of(built), Stats.of(printed)
    return [
        Row(f"lineage: {what}: lineage_from_artifacts", build, None, None, "s",
            f"< {TARGET:g} s", build.median < TARGET, note),
        Row(f"lineage: {what}: lineage_from_artifacts + JSON Lines (runs lineage --json)", total,
            None, None, "s", "", None, note),
    ]  # fmt: skip
