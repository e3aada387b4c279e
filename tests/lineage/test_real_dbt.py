"""Lineage of runs of real dbt (the example project through the emulator's --dbt-project, on
DuckDB): dbt's own artifacts, the namespace from the profiles.yml the runs used, column types
from catalog.json, and the singular test that fails on purpose as a FAIL event (issue 24)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from paradime_bolt.lineage import RunLineage, build_run_lineage, load_profile

from .spec import validate_event

pytestmark = pytest.mark.real_dbt

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "dbt_project"
FAILING = "test.bolt_example.assert_order_amount_at_least_min"


@pytest.fixture(scope="module")
def profiles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("profiles")
    database = folder / "warehouse.duckdb"
    (folder / "profiles.yml").write_text(
        f"bolt_example:\n  target: dev\n  outputs:\n"
        f"    dev: {{type: duckdb, path: '{database}', threads: 1}}\n"
    )
    return folder


@pytest.fixture(scope="module")
def real(bolt_emulator_factory: Any, profiles: Path) -> Any:
    return bolt_emulator_factory(dbt_project=EXAMPLE, profiles_dir=profiles)


def events_of(lineage: RunLineage) -> list[dict[str, Any]]:
    return [json.loads(line) for line in lineage.json_lines()]


def relation(node: dict[str, Any]) -> str:
    table = node["name"] if node["resource_type"] == "source" else node["alias"]
    return ".".join(part for part in (node["database"], node["schema"], table) if part)


def test_a_real_build_gives_the_ref_graph_with_catalog_columns(real: Any, profiles: Path) -> None:
    run = real.client.trigger_and_wait(
        "daily build",
        commands=["dbt build", "dbt docs generate"],
        timeout=900,
        poll_interval=0.2,
        max_poll_interval=1.0,
    )
    assert run.run_state.value == "SUCCESS"
    profile = load_profile(profiles)
    assert profile.namespace == f"duckdb://{profiles / 'warehouse.duckdb'}"
    lineage = build_run_lineage(real.client, run.run_id, profile=profile, job_name="daily build")
    assert lineage.warnings == []
    events = events_of(lineage)
    for event in events:
        validate_event(event)
    manifest = real.client.download_json_artifact(run.run_id, "target/manifest.json")
    assert manifest["metadata"]["dbt_version"].startswith("1.11.")
    nodes = {**manifest["nodes"], **manifest["sources"]}
    built = {
        e["job"]["facets"]["dbt_node"]["unique_id"]: e
        for e in events
        if e["eventType"] == "COMPLETE"
        and e["job"]["facets"]["jobType"]["jobType"] in ("MODEL", "SEED", "SNAPSHOT")
    }
    expected = {
        key for key in manifest["nodes"] if key.split(".")[0] in ("model", "seed", "snapshot")
    }
    assert set(built) == expected
    for unique_id in expected:
        event = built[unique_id]
        (output,) = event["outputs"]
        assert (output["namespace"], output["name"]) == (
            profile.namespace,
            relation(nodes[unique_id]),
        )
        parents = {
            relation(nodes[parent])
            for parent in manifest["parent_map"][unique_id]
            if parent.split(".")[0] in ("model", "seed", "source", "snapshot")
        }
        assert {i["name"] for i in event["inputs"]} == parents, unique_id
        assert event["run"]["facets"]["parent"]["job"]["name"] == "daily build"
    # catalog.json (dbt docs generate) gives the warehouse's column types
    fct = built["model.bolt_example.fct_orders"]["outputs"][0]
    types = {field["name"]: field.get("type") for field in fct["facets"]["schema"]["fields"]}
    assert types and all(types.values())


def test_the_failing_singular_test_of_a_real_run_is_a_fail_event(real: Any, profiles: Path) -> None:
    run = real.client.trigger_and_wait(
        "strict tests", timeout=900, poll_interval=0.2, max_poll_interval=1.0
    )
    assert run.run_state.value == "ERROR"
    lineage = build_run_lineage(real.client, run.run_id, profile=load_profile(profiles))
    events = events_of(lineage)
    for event in events:
        validate_event(event)
    ended = {e["job"]["name"]: e["eventType"] for e in events if e["eventType"] != "START"}
    assert ended[FAILING] == "FAIL"
    assert events[-1]["eventType"] == "FAIL"
    assert events[-1]["run"]["runId"] == lineage.run_uuid
