"""`build_bolt_assets` materialized in process against the emulator over HTTP."""

from __future__ import annotations

from typing import Any

from dagster import AssetCheckKey, AssetKey, DagsterInstance, materialize

from dagster_paradime_bolt import BoltResource, build_bolt_assets

from .conftest import FAST

MODELS = [
    "stg_customers",
    "stg_orders",
    "stg_payments",
    "order_payments",
    "dim_customers",
    "fct_orders",
]
ASSETS = {AssetKey("country_codes"), AssetKey("orders_snapshot"), *map(AssetKey, MODELS)}


def test_a_full_materialization_records_every_model_and_test(
    manifest: dict[str, Any], bolt: BoltResource
) -> None:
    assets = build_bolt_assets(schedule_name="full refresh", manifest=manifest, **FAST)
    result = materialize([assets], resources={"bolt": bolt}, instance=DagsterInstance.ephemeral())
    assert result.success
    materialized = {m.asset_key: m for m in result.asset_materializations_for_node(assets.op.name)}
    assert set(materialized) == ASSETS
    checks = result.get_asset_check_evaluations()
    assert {check.asset_check_key for check in checks} == set(assets.check_keys)
    assert len(checks) == 13
    assert all(check.passed for check in checks)

    run_id = materialized[AssetKey("fct_orders")].metadata["bolt_run_id"].value
    assert isinstance(run_id, int)
    for materialization in materialized.values():
        metadata = materialization.metadata
        assert metadata["status"].value == "success"
        assert metadata["bolt_run_id"].value == run_id
        assert metadata["bolt_run_url"].value == f"https://app.paradime.io/bolt/run_id/{run_id}"
        assert metadata["execution_time"].value > 0
    seed = materialized[AssetKey("country_codes")].metadata
    assert seed["rows_affected"].value == 249  # the seed's "INSERT 249"
    assert seed["dbt_command"].value == "dbt seed"
    assert materialized[AssetKey("fct_orders")].metadata["dbt_command"].value == "dbt run"
    not_null = next(c for c in checks if c.check_name == "not_null_stg_orders_order_id")
    assert not_null.metadata["failures"].value == 0
    assert not_null.metadata["dbt_command"].value == "dbt test"
