"""paradime_bolt.lineage on the emulator's runs: every event valid against the OpenLineage spec,
outputs the models' relations, inputs the ref() graph, FAIL for what failed, the Bolt run as the
parent of every node event; what cannot be built is a warning, never an error (issue 24)."""

from __future__ import annotations

import asyncio
import copy
import json
from dataclasses import replace
from typing import Any

import pytest

from paradime_bolt.lineage import (
    ParentJob,
    RunLineage,
    abuild_run_lineage,
    build_run_lineage,
    fetch_run_artifacts,
    lineage_from_artifacts,
)

from .spec import validate_event

NS = "snowflake://xy12345.eu-west-1"


def events_of(lineage: RunLineage) -> list[dict[str, Any]]:
    return [json.loads(line) for line in lineage.json_lines()]


def relation(node: dict[str, Any]) -> str:
    table = node["name"] if node["resource_type"] == "source" else node["alias"]
    return ".".join([node["database"], node["schema"], table])


@pytest.fixture(scope="module")
def build(bolt: Any, runs: dict[str, int]) -> RunLineage:
    return build_run_lineage(bolt.client, runs["seed build test"], namespace=NS)


def test_every_event_validates_against_the_openlineage_spec(
    build: RunLineage, bolt: Any, runs: dict[str, int]
) -> None:
    failed = build_run_lineage(bolt.client, runs["model fails"], namespace=NS)
    events = events_of(build) + events_of(failed)
    assert len(events) > 40
    for event in events:
        validate_event(event)


def test_the_async_twin_builds_the_same_events(bolt: Any, runs: dict[str, int]) -> None:
    async def build() -> RunLineage:
        async with bolt.async_client() as client:
            return await abuild_run_lineage(client, runs["seed build test"], namespace=NS)

    sync = events_of(build_run_lineage(bolt.client, runs["seed build test"], namespace=NS))
    asynchronous = events_of(asyncio.run(build()))
    # node run ids are fresh per build; the jobs, states and datasets are the same
    shape = [(e["eventType"], e["job"]["name"], e["inputs"], e["outputs"]) for e in sync]
    assert shape == [
        (e["eventType"], e["job"]["name"], e["inputs"], e["outputs"]) for e in asynchronous
    ]


def test_outputs_are_the_models_relations_and_inputs_follow_the_ref_graph(
    build: RunLineage, bolt: Any, runs: dict[str, int]
) -> None:
    manifest = bolt.client.download_json_artifact(runs["seed build test"], "target/manifest.json")
    nodes = {**manifest["nodes"], **manifest["sources"]}
    completes = {
        e["job"]["facets"]["dbt_node"]["unique_id"]: e
        for e in events_of(build)
        if e["eventType"] == "COMPLETE"
        and e["job"]["facets"].get("jobType", {}).get("jobType") in ("MODEL", "SEED")
    }
    models = [key for key in manifest["nodes"] if key.startswith("model.")]
    assert models
    for model in models:
        event = completes[model]
        assert [(o["namespace"], o["name"]) for o in event["outputs"]] == [
            (NS, relation(nodes[model]))
        ]
        parents = {relation(nodes[parent]) for parent in manifest["parent_map"][model]}
        assert {i["name"] for i in event["inputs"]} == parents
        assert {i["namespace"] for i in event["inputs"]} <= {NS}
    # the seed read by dim_customers is among its inputs, and was loaded by its own job
    seed = "seed.demo_sales_project.country_codes"
    assert seed in manifest["parent_map"]["model.demo_sales_project.dim_customers"]
    assert completes[seed]["outputs"][0]["name"] == relation(nodes[seed])
    assert completes[seed]["job"]["facets"]["jobType"]["jobType"] == "SEED"


def test_the_bolt_run_is_the_parent_of_every_node_event(build: RunLineage) -> None:
    events = events_of(build)
    first, last = events[0], events[-1]
    assert (first["eventType"], last["eventType"]) == ("START", "COMPLETE")
    assert first["job"] == last["job"]
    assert first["job"]["name"] == f"bolt.run.{build.run_id}"
    assert first["run"]["runId"] == last["run"]["runId"] == build.run_uuid
    for event in events[1:-1]:
        parent = event["run"]["facets"]["parent"]
        assert parent["run"]["runId"] == build.run_uuid
        assert (parent["job"]["namespace"], parent["job"]["name"]) == (
            "paradime-bolt",
            first["job"]["name"],
        )
        assert parent["root"]["run"]["runId"] == build.run_uuid


def test_failed_models_and_tests_give_fail_events(bolt: Any, runs: dict[str, int]) -> None:
    failed = events_of(build_run_lineage(bolt.client, runs["model fails"], namespace=NS))
    results = bolt.client.download_json_artifact(runs["model fails"], "target/run_results.json")
    errored = {r["unique_id"] for r in results["results"] if r["status"] == "error"}
    assert errored
    fails = {
        e["job"]["facets"]["dbt_node"]["unique_id"]
        for e in failed
        if e["eventType"] == "FAIL" and e["job"]["facets"]["jobType"]["jobType"] == "MODEL"
    }
    assert fails == errored
    assert failed[-1]["eventType"] == "FAIL"  # the Bolt run itself


def test_failed_tests_give_fail_events(bolt: Any, runs: dict[str, int]) -> None:
    run_id = runs["tests fail"]
    events = events_of(build_run_lineage(bolt.client, run_id, namespace=NS))
    results = bolt.client.download_json_artifact(run_id, "target/run_results.json")
    manifest = bolt.client.download_json_artifact(run_id, "target/manifest.json")
    failing = {r["unique_id"] for r in results["results"] if r["status"] == "fail"}
    assert failing
    ended = {
        (e["job"]["name"], e["job"]["facets"]["dbt_node"]["unique_id"]): e["eventType"]
        for e in events
        if e["eventType"] in ("COMPLETE", "FAIL") and "dbt_node" in e["job"]["facets"]
    }
    for test in failing:
        node = manifest["nodes"][test]
        if node.get("test_metadata"):  # a generic test: its model's assertions event fails
            model = next(p for p in manifest["parent_map"][test] if p.startswith("model."))
            states = {state for (name, uid), state in ended.items() if uid == model}
            assert "FAIL" in states, test
        else:  # a singular test has an event of its own
            assert ended[(test, test)] == "FAIL"
    passing = {r["unique_id"] for r in results["results"] if r["status"] == "pass"}
    singular = [t for t in passing if not manifest["nodes"][t].get("test_metadata")]
    for test in singular:
        assert ended[(test, test)] == "COMPLETE"
    assert events[-1]["eventType"] == "FAIL"


def test_a_parent_job_above_the_run_is_its_parent_and_the_root_of_all(
    bolt: Any, runs: dict[str, int]
) -> None:
    parent = ParentJob(
        "airflow",
        "dag.task",
        "0190a0a0-0000-7000-8000-000000000001",
        root_namespace="airflow",
        root_name="dag",
        root_run_id="0190a0a0-0000-7000-8000-00000000000a",
    )
    lineage = build_run_lineage(
        bolt.client, runs["seed build test"], namespace=NS, job_name="bolt.daily", parent=parent
    )
    events = events_of(lineage)
    above = events[0]["run"]["facets"]["parent"]["job"]
    assert (above["namespace"], above["name"]) == ("airflow", "dag.task")
    assert events[0]["run"]["facets"]["parent"]["run"]["runId"] == parent.run_id
    for event in events[1:-1]:
        assert event["run"]["facets"]["parent"]["job"]["name"] == "bolt.daily"
        assert event["run"]["facets"]["parent"]["root"]["job"]["name"] == "dag"


def test_a_run_that_failed_before_dbt_ran_gives_its_own_events_and_a_warning(
    bolt: Any, runs: dict[str, int]
) -> None:
    lineage = build_run_lineage(bolt.client, runs["deps fails"], namespace=NS)
    assert [e["eventType"] for e in events_of(lineage)] == ["START", "FAIL"]
    assert any("no dbt command left target/manifest.json" in w for w in lineage.warnings)


def test_missing_run_results_and_unknown_schema_versions_are_warnings(
    bolt: Any, runs: dict[str, int]
) -> None:
    artifacts = fetch_run_artifacts(bolt.client, runs["seed build test"])
    seed, run, test = artifacts.commands
    no_results = replace(run, run_results=None)
    newer = copy.deepcopy(test.manifest)
    assert newer is not None
    newer["metadata"]["dbt_schema_version"] = "https://schemas.getdbt.com/dbt/manifest/v13.json"
    older = copy.deepcopy(seed.run_results)
    assert older is not None
    older["metadata"]["dbt_schema_version"] = "https://schemas.getdbt.com/dbt/run-results/v1.json"
    changed = replace(
        artifacts,
        commands=[replace(seed, run_results=older), no_results, replace(test, manifest=newer)],
    )
    lineage = lineage_from_artifacts(changed, namespace=NS)
    warnings = "\n".join(lineage.warnings)
    assert f"command {run.command_id} (dbt run) left no target/run_results.json" in warnings
    assert "run_results.json schema v1 is older" in warnings
    assert "manifest.json schema v13 is newer" in warnings
    events = events_of(lineage)
    for event in events:
        validate_event(event)
    names = {e["job"]["name"] for e in events}
    assert any(name.endswith(".test") for name in names)  # v13 still read, best effort
    assert not any(name.endswith(".seed") for name in names)  # v1 skipped
    assert not any(name.endswith("fct_orders") for name in names)  # no run results


def test_the_warehouse_must_be_named_once(bolt: Any, runs: dict[str, int]) -> None:
    from paradime_bolt import InvalidArgumentError

    artifacts = fetch_run_artifacts(bolt.client, runs["deps fails"])
    with pytest.raises(InvalidArgumentError, match="namespace= or profile="):
        lineage_from_artifacts(artifacts)
    with pytest.raises(InvalidArgumentError, match="not a URI"):
        lineage_from_artifacts(artifacts, namespace="my warehouse")


def test_json_lines_are_openlineages_own_serialisation(build: RunLineage) -> None:
    from openlineage.client.serde import Serde

    assert list(build.json_lines()) == [Serde.to_json(event) for event in build.events]
