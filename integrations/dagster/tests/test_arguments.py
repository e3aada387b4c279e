"""Bad arguments are refused with a typed error before any run is triggered."""

from __future__ import annotations

from typing import Any

import pytest
from dagster import DagsterInstance, build_sensor_context

from dagster_paradime_bolt import (
    BoltResource,
    SensorCursorError,
    bolt_schedule_sensor,
    build_bolt_assets,
    build_bolt_job,
)
from paradime_bolt import BoltError, InvalidArgumentError


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"run_timeout": 0}, "run_timeout must be a positive, finite number"),
        ({"run_timeout": float("nan")}, "run_timeout must be a positive, finite number"),
        ({"poll_interval": -1}, "poll_interval must be a positive"),
        ({"poll_interval": 5, "max_poll_interval": 1}, "max_poll_interval must be at least"),
        ({"schedule_name": " "}, "schedule_name must be a non-empty string"),
        ({"outage_tolerance": -1}, "outage_tolerance must be a finite number of seconds, 0 or"),
        ({"outage_tolerance": float("inf")}, "outage_tolerance must be a finite number"),
    ],
)
def test_bad_waiting_arguments_are_refused_when_definitions_are_built(
    manifest: dict[str, Any], options: dict[str, Any], message: str
) -> None:
    arguments: dict[str, Any] = {"schedule_name": "full refresh", **options}
    with pytest.raises(InvalidArgumentError, match=message):
        build_bolt_assets(manifest=manifest, **arguments)
    schedule = arguments.pop("schedule_name")
    with pytest.raises(InvalidArgumentError, match=message):
        build_bolt_job(schedule, **arguments)


@pytest.mark.parametrize("cursor", ["12", '{"after": 3}', '{"after_run_id": "3"}', "{"])
def test_a_cursor_the_sensor_did_not_write_is_a_typed_error(
    cursor: str, bolt: BoltResource
) -> None:
    sensor = bolt_schedule_sensor("outside dagster")
    context = build_sensor_context(
        instance=DagsterInstance.ephemeral(), cursor=cursor, resources={"bolt": bolt}
    )
    with pytest.raises(SensorCursorError, match="reset it in the Dagster UI") as caught:
        sensor(context)
    assert isinstance(caught.value, BoltError)
