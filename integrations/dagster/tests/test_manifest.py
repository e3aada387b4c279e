"""Reading a manifest: assets, deps, sources, checks, keys, and clear errors for bad input."""

from __future__ import annotations

import copy
import json
import runpy
from pathlib import Path
from typing import Any

import pytest
from dagster import AssetCheckKey, AssetKey, Definitions

from dagster_paradime_bolt import BoltResource, ManifestError, build_bolt_assets, load_project
from paradime_bolt import BoltError

PROJECT = "demo_sales_project"


def test_every_model_seed_and_snapshot_is_an_asset_with_its_deps(
    manifest: dict[str, Any],
) -> None:
    assets = build_bolt_assets(schedule_name="daily run", manifest=manifest)
    assert assets.keys == {
        AssetKey(name)
        for name in (
            "country_codes",
            "orders_snapshot",
            "stg_customers",
            "stg_orders",
            "stg_payments",
            "order_payments",
            "dim_customers",
            "fct_orders",
        )
    }
    deps = assets.asset_deps
    assert deps[AssetKey("dim_customers")] == {
        AssetKey("stg_customers"),
        AssetKey("stg_orders"),
        AssetKey("country_codes"),
    }
    # Sources are upstream assets outside this definition, keyed [source, table].
    assert deps[AssetKey("stg_orders")] == {AssetKey(["raw", "orders"])}
    assert deps[AssetKey("orders_snapshot")] == {AssetKey(["raw", "orders"])}
    spec = next(s for s in assets.specs if s.key == AssetKey("fct_orders"))
    assert spec.metadata["dbt/unique_id"] == f"model.{PROJECT}.fct_orders"
    assert spec.metadata["dbt/materialization"] == "table"
    assert spec.kinds == {"dbt", "snowflake"}
    assert spec.skippable
    assert assets.can_subset
    defs = Definitions(assets=[assets], resources={"bolt": BoltResource()})
    Definitions.validate_loadable(defs)


def test_each_test_is_a_check_on_the_model_it_is_attached_to(manifest: dict[str, Any]) -> None:
    assets = build_bolt_assets(schedule_name="daily run", manifest=manifest)
    assert AssetCheckKey(AssetKey("stg_orders"), "not_null_stg_orders_order_id") in (
        assets.check_keys
    )
    relationships = "relationships_fct_orders_customer_id__customer_id__ref_dim_customers_"
    check = next(spec for spec in assets.check_specs if spec.name == relationships)
    assert check.asset_key == AssetKey("fct_orders")
    assert [dep.asset_key for dep in check.additional_deps] == [AssetKey("dim_customers")]
    singular = AssetCheckKey(AssetKey("fct_orders"), "assert_total_payment_amount_is_positive")
    assert singular in assets.check_keys
    assert len(assets.check_keys) == 13


def test_attached_node_meta_asset_keys_versions_and_disabled_nodes(
    manifest: dict[str, Any],
) -> None:
    changed = copy.deepcopy(manifest)
    nodes = changed["nodes"]
    relationships = (
        f"test.{PROJECT}.relationships_fct_orders_customer_id__customer_id__ref_dim_customers_"
    )
    nodes[relationships]["attached_node"] = f"model.{PROJECT}.dim_customers"
    nodes[f"model.{PROJECT}.stg_orders"]["meta"] = {"dagster": {"asset_key": ["staging", "orders"]}}
    nodes[f"model.{PROJECT}.stg_payments"]["version"] = 2
    nodes[f"snapshot.{PROJECT}.orders_snapshot"]["config"]["enabled"] = False
    project = load_project(changed)
    keys = {node.asset_key for node in project.nodes.values()}
    assert AssetKey(["staging", "orders"]) in keys
    assert AssetKey("stg_payments_v2") in keys
    assert AssetKey("orders_snapshot") not in keys
    assert project.check_key(project.tests[relationships]).asset_key == AssetKey("dim_customers")
    # Dependencies follow the renamed key.
    fct = project.nodes[f"model.{PROJECT}.fct_orders"]
    assert project.asset_key(fct.parents[0]) == AssetKey(["staging", "orders"])


def test_a_manifest_path_is_read_once_when_the_definitions_are_built(
    manifest: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest))
    assets = build_bolt_assets(schedule_name="daily run", manifest=path)
    path.unlink()
    assert len(assets.keys) == 8


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", "is not valid JSON"),
        ("[]", "is not a JSON object"),
        ('{"metadata": {}}', "has no 'nodes' object"),
        (
            '{"nodes": {"model.p.a": {"resource_type": "model", "fqn": ["p", "a"]}}}',
            "has no 'name'",
        ),
        ('{"nodes": {"model.p.a": {"resource_type": "model", "name": "a"}}}', "has no 'fqn'"),
    ],
)
def test_a_bad_manifest_file_raises_a_manifest_error_naming_the_problem(
    tmp_path: Path, content: str, problem: str
) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(content)
    with pytest.raises(ManifestError, match=problem) as caught:
        build_bolt_assets(schedule_name="daily run", manifest=path)
    assert isinstance(caught.value, BoltError)
    assert str(path) in str(caught.value)


def test_a_missing_manifest_says_how_to_fetch_one(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="dagster-paradime-bolt fetch-manifest"):
        build_bolt_assets(schedule_name="daily run", manifest=tmp_path / "nope.json")


def test_two_nodes_with_one_asset_key_are_refused(manifest: dict[str, Any]) -> None:
    changed = copy.deepcopy(manifest)
    changed["nodes"][f"model.{PROJECT}.stg_orders"]["meta"] = {
        "dagster": {"asset_key": ["fct_orders"]}
    }
    with pytest.raises(ManifestError, match="have the same asset key 'fct_orders'"):
        load_project(changed)


DEFINITIONS = """
from dagster import Definitions
from dagster_paradime_bolt import BoltResource, bolt_schedule_sensor, build_bolt_assets

daily = build_bolt_assets(schedule_name="daily run", manifest="dbt/manifest.json")
sensor = bolt_schedule_sensor("daily run", manifest="dbt/manifest.json")
defs = Definitions(assets=[daily], sensors=[sensor], resources={"bolt": BoltResource()})
"""


def _project(tmp_path: Path, manifest: dict[str, Any] | None) -> Path:
    """A folder with definitions.py and, when given, dbt/manifest.json beside it."""
    folder = tmp_path / "project"
    (folder / "dbt").mkdir(parents=True)
    (folder / "definitions.py").write_text(DEFINITIONS)
    if manifest is not None:
        (folder / "dbt" / "manifest.json").write_text(json.dumps(manifest))
    return folder


def test_a_relative_manifest_path_is_read_beside_the_definitions_file_whatever_the_cwd(
    manifest: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _project(tmp_path, manifest)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    namespace = runpy.run_path(str(folder / "definitions.py"))
    Definitions.validate_loadable(namespace["defs"])
    assert len(namespace["daily"].keys) == 8


def test_a_missing_relative_manifest_names_the_absolute_path_tried(
    manifest: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _project(tmp_path, None)
    # The working directory has a manifest at that relative path: the error points at it.
    (tmp_path / "dbt").mkdir()
    (tmp_path / "dbt" / "manifest.json").write_text(json.dumps(manifest))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ManifestError) as caught:
        runpy.run_path(str(folder / "definitions.py"))
    message = str(caught.value)
    assert f"cannot read the manifest {str(folder / 'dbt' / 'manifest.json')!r}" in message
    assert f"'dbt/manifest.json' read from the folder {str(folder)!r}" in message
    assert f"{str(tmp_path / 'dbt' / 'manifest.json')!r} exists" in message


def test_load_project_reads_a_relative_path_from_the_working_directory_or_relative_to(
    manifest: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    monkeypatch.chdir(tmp_path)
    assert len(load_project("manifest.json").nodes) == 8
    other = tmp_path / "other"
    other.mkdir()
    with pytest.raises(ManifestError) as caught:
        load_project("manifest.json", relative_to=other)
    assert repr(str(other / "manifest.json")) in str(caught.value)
    monkeypatch.chdir(other)
    with pytest.raises(ManifestError, match="read from the working directory") as caught:
        load_project("manifest.json")
    assert repr(str(other / "manifest.json")) in str(caught.value)
