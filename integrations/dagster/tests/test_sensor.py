"""`bolt_schedule_sensor` records the runs Bolt started without Dagster, each exactly once."""

from __future__ import annotations

import json
from typing import Any

from dagster import (
    AssetCheckEvaluation,
    AssetMaterialization,
    DagsterInstance,
    SensorResult,
    build_sensor_context,
    materialize,
)

from dagster_paradime_bolt import BoltResource, bolt_schedule_sensor, build_bolt_assets

from .conftest import FAST, BoltEmulator

SCHEDULE = "outside dagster"


def _context(instance: DagsterInstance, bolt: BoltResource, cursor: str | None) -> Any:
    return build_sensor_context(instance=instance, cursor=cursor, resources={"bolt": bolt})


def test_the_sensor_records_a_run_started_outside_dagster_exactly_once(
    manifest: dict[str, Any], bolt: BoltResource, emulator: BoltEmulator
) -> None:
    instance = DagsterInstance.ephemeral()
    assets = build_bolt_assets(schedule_name=SCHEDULE, manifest=manifest, **FAST)
    by_dagster = materialize([assets], resources={"bolt": bolt}, instance=instance)
    assert by_dagster.success
    outside = emulator.client.trigger_and_wait(SCHEDULE, raise_on_failure=True, **FAST).run_id
    sensor = bolt_schedule_sensor(SCHEDULE, manifest=manifest)

    # As the daemon evaluates it.
    first = sensor.evaluate_tick(_context(instance, bolt, None))
    materializations = [e for e in first.asset_events if isinstance(e, AssetMaterialization)]
    checks = [e for e in first.asset_events if isinstance(e, AssetCheckEvaluation)]
    # Only the run Dagster did not start: `dbt run` built the six models, `dbt test` ran 13.
    assert {m.metadata["bolt_run_id"].value for m in materializations} == {outside}
    assert sorted(m.asset_key.to_user_string() for m in materializations) == sorted(
        [
            "stg_customers",
            "stg_orders",
            "stg_payments",
            "order_payments",
            "dim_customers",
            "fct_orders",
        ]
    )
    assert len(checks) == 13
    assert all(check.passed for check in checks)
    assert {c.metadata["bolt_run_id"].value for c in checks} == {outside}
    assert json.loads(first.cursor or "") == {"after_run_id": outside}

    # Called directly, as a test would.
    second = sensor(_context(instance, bolt, first.cursor))
    assert isinstance(second, SensorResult)
    assert second.asset_events == []
    assert second.skip_reason is not None
    assert second.cursor == first.cursor


def test_a_run_still_going_holds_back_the_runs_after_it(
    bolt: BoltResource, emulator: BoltEmulator
) -> None:
    """Without a manifest, keys come from each run's own manifest.json."""
    schedule = "sensor held back"
    sensor = bolt_schedule_sensor(schedule)
    instance = DagsterInstance.ephemeral()
    done = emulator.client.trigger_and_wait(schedule, raise_on_failure=True, **FAST).run_id
    first = sensor.evaluate_tick(_context(instance, bolt, None))
    assert {e.metadata["bolt_run_id"].value for e in first.asset_events} == {done}
    going = emulator.client.trigger_bolt_run(schedule, commands=["dbt build"]).run_id
    try:
        # `dbt build` of this schedule lasts a day: the run is going whenever the sensor looks.
        held = sensor.evaluate_tick(_context(instance, bolt, first.cursor))
        assert held.asset_events == []
        assert held.cursor == first.cursor
    finally:
        emulator.client.cancel_bolt_run(going)
    after_cancel = sensor.evaluate_tick(_context(instance, bolt, first.cursor))
    assert json.loads(after_cancel.cursor or "") == {"after_run_id": going}
