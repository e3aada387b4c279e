"""`build_bolt_assets` materialized in process against the emulator over HTTP."""

from __future__ import annotations

import logging
from typing import Any

from dagster import AssetKey, AssetSelection, DagsterInstance, materialize

from dagster_paradime_bolt import BoltResource, build_bolt_assets

from .conftest import FAST, BoltEmulator

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
        execution_time = metadata["execution_time"].value
        assert isinstance(execution_time, float)
        assert execution_time > 0
    seed = materialized[AssetKey("country_codes")].metadata
    assert seed["rows_affected"].value == 249  # the seed's "INSERT 249"
    assert seed["dbt_command"].value == "dbt seed"
    assert materialized[AssetKey("fct_orders")].metadata["dbt_command"].value == "dbt run"
    not_null = next(c for c in checks if c.check_name == "not_null_stg_orders_order_id")
    assert not_null.metadata["failures"].value == 0
    assert not_null.metadata["dbt_command"].value == "dbt test"


def _bolt_run(result: Any, node_name: str) -> int:
    """The Bolt run a materialization came from."""
    materializations = result.asset_materializations_for_node(node_name)
    run_ids = {m.metadata["bolt_run_id"].value for m in materializations}
    assert len(run_ids) == 1
    run_id = run_ids.pop()
    assert isinstance(run_id, int)
    return run_id


def test_a_subset_runs_only_the_chosen_nodes_and_their_tests(
    manifest: dict[str, Any], bolt: BoltResource, emulator: BoltEmulator
) -> None:
    assets = build_bolt_assets(schedule_name="subset refresh", manifest=manifest, **FAST)
    result = materialize(
        [assets],
        resources={"bolt": bolt},
        instance=DagsterInstance.ephemeral(),
        selection=[AssetKey("stg_orders"), AssetKey("fct_orders")],
    )
    assert result.success
    materialized = {m.asset_key for m in result.asset_materializations_for_node(assets.op.name)}
    assert materialized == {AssetKey("stg_orders"), AssetKey("fct_orders")}
    checks = {check.asset_check_key for check in result.get_asset_check_evaluations()}
    assert checks == {key for key in assets.check_keys if key.asset_key in materialized}
    assert len(checks) == 6

    commands = emulator.client.bolt_run_status(_bolt_run(result, assets.op.name)).commands or []
    dbt = [command.command for command in commands if command.command.startswith("dbt build")]
    assert len(dbt) == 1
    assert dbt[0].startswith(
        "dbt build --select fqn:demo_sales_project.staging.stg_orders "
        "fqn:demo_sales_project.marts.core.fct_orders fqn:"
    )
    assert dbt[0].endswith(" --indirect-selection empty")


def test_a_subset_without_its_checks_runs_no_tests(
    manifest: dict[str, Any], bolt: BoltResource, emulator: BoltEmulator
) -> None:
    assets = build_bolt_assets(schedule_name="subset refresh", manifest=manifest, **FAST)
    result = materialize(
        [assets],
        resources={"bolt": bolt},
        instance=DagsterInstance.ephemeral(),
        selection=AssetSelection.assets("country_codes", "dim_customers").without_checks(),
    )
    assert result.success
    materialized = {m.asset_key for m in result.asset_materializations_for_node(assets.op.name)}
    assert materialized == {AssetKey("country_codes"), AssetKey("dim_customers")}
    assert result.get_asset_check_evaluations() == []
    run_id = _bolt_run(result, assets.op.name)
    results = emulator.client.download_json_artifact(run_id, "target/run_results.json")
    assert [r["unique_id"] for r in results["results"]] == [
        "seed.demo_sales_project.country_codes",
        "model.demo_sales_project.dim_customers",
    ]


def _step_failure(result: Any) -> Any:
    failure = next(event for event in result.all_events if event.is_step_failure)
    return failure.step_failure_data.user_failure_data


def test_a_failing_test_gives_a_failed_check(manifest: dict[str, Any], bolt: BoltResource) -> None:
    assets = build_bolt_assets(schedule_name="failing test", manifest=manifest, **FAST)
    result = materialize(
        [assets],
        resources={"bolt": bolt},
        instance=DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    checks = {check.check_name: check for check in result.get_asset_check_evaluations()}
    failed = checks["not_null_stg_orders_order_id"]
    assert not failed.passed
    assert failed.asset_key == AssetKey("stg_orders")
    assert failed.metadata["failures"].value == 2
    assert failed.metadata["status"].value == "fail"
    assert checks["unique_stg_orders_order_id"].passed
    # dbt build skips what is downstream of a failed test: no check result for a skipped test.
    assert "not_null_fct_orders_order_id" not in checks
    materialized = {m.asset_key for m in result.asset_materializations_for_node(assets.op.name)}
    assert AssetKey("stg_orders") in materialized
    assert AssetKey("fct_orders") not in materialized  # skipped
    # The run ended ERROR, so the step fails too, after reporting all of the above.
    assert not result.success
    description = _step_failure(result).description
    assert "ended ERROR" in description
    assert "test not_null_stg_orders_order_id (fail, 2 failing rows" in description


def test_a_failing_model_fails_the_step_with_the_others_materialized(
    manifest: dict[str, Any], bolt: BoltResource
) -> None:
    assets = build_bolt_assets(schedule_name="failing model", manifest=manifest, **FAST)
    result = materialize(
        [assets],
        resources={"bolt": bolt},
        instance=DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    assert not result.success
    materialized = {m.asset_key for m in result.asset_materializations_for_node(assets.op.name)}
    assert materialized == {AssetKey(name) for name in MODELS if name != "fct_orders"}
    failure = _step_failure(result)
    assert "model fct_orders (error: 100038 (22018): Numeric value 'n/a' is not recognized)" in (
        failure.description
    )
    assert "`dbt run` exited with return code 1" in failure.description
    assert failure.metadata["bolt_run_state"].value == "ERROR"
    # Everything that succeeded was reported before the failure.
    kinds = [event.event_type_value for event in result.all_events]
    assert kinds.index("STEP_FAILURE") > max(
        index for index, kind in enumerate(kinds) if kind == "ASSET_MATERIALIZATION"
    )


def _warnings(instance: DagsterInstance, run_id: str) -> list[str]:
    return [
        entry.user_message
        for entry in instance.all_logs(run_id)
        if entry.level == logging.WARNING and entry.dagster_event is None
    ]


def test_selected_assets_the_run_did_not_build_are_named_in_a_warning(
    manifest: dict[str, Any], bolt: BoltResource
) -> None:
    # "job schedule" runs `dbt run` and `dbt test`: the seed and the snapshot are never built.
    assets = build_bolt_assets(schedule_name="job schedule", manifest=manifest, **FAST)
    instance = DagsterInstance.ephemeral()
    result = materialize([assets], resources={"bolt": bolt}, instance=instance)
    assert result.success
    materialized = {m.asset_key for m in result.asset_materializations_for_node(assets.op.name)}
    assert materialized == set(map(AssetKey, MODELS))
    run_id = _bolt_run(result, assets.op.name)
    assert _warnings(instance, result.run_id) == [
        f"2 of 8 selected assets were not materialized by Bolt run {run_id} of schedule "
        "'job schedule': no dbt command of the run built country_codes, orders_snapshot."
    ]


def test_no_warning_when_the_run_built_every_selected_asset(
    manifest: dict[str, Any], bolt: BoltResource
) -> None:
    assets = build_bolt_assets(schedule_name="subset refresh", manifest=manifest, **FAST)
    instance = DagsterInstance.ephemeral()
    selection = AssetSelection.assets("stg_orders", "country_codes")
    result = materialize([assets], selection=selection, resources={"bolt": bolt}, instance=instance)
    assert result.success
    assert len(result.asset_materializations_for_node(assets.op.name)) == 2
    assert _warnings(instance, result.run_id) == []


def _with_app_url(bolt: BoltResource, app_url: str) -> BoltResource:
    return BoltResource(
        endpoint=bolt.endpoint, api_key=bolt.api_key, api_secret=bolt.api_secret, app_url=app_url
    )


def test_run_links_point_to_the_resources_app_url(
    manifest: dict[str, Any], bolt: BoltResource
) -> None:
    assets = build_bolt_assets(schedule_name="subset refresh", manifest=manifest, **FAST)
    other_app = _with_app_url(bolt, "https://paradime.example.com/")
    result = materialize(
        [assets],
        selection=AssetSelection.assets("stg_orders"),
        resources={"bolt": other_app},
        instance=DagsterInstance.ephemeral(),
    )
    run_id = _bolt_run(result, assets.op.name)
    (materialization,) = result.asset_materializations_for_node(assets.op.name)
    url = materialization.metadata["bolt_run_url"].value
    assert url == f"https://paradime.example.com/bolt/run_id/{run_id}"


def test_an_unusable_app_url_fails_the_step_before_a_run_starts(
    manifest: dict[str, Any], bolt: BoltResource, emulator: BoltEmulator
) -> None:
    assets = build_bolt_assets(schedule_name="never run", manifest=manifest, **FAST)
    broken = _with_app_url(bolt, "app.paradime.io")
    result = materialize(
        [assets],
        resources={"bolt": broken},
        instance=DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    assert not result.success
    event = next(event for event in result.all_events if event.is_step_failure)
    error = event.step_failure_data.error
    assert error is not None
    assert "app_url must be an http(s) URL" in error.to_string()
    assert emulator.client.list_bolt_runs("never run").runs == []
