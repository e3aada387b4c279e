"""BoltRunTrigger: the one event `run()` yields for each outcome, against the emulator; its
serialisation; and `on_kill` (a user killed the task) against cancellation (the triggerer
stopping), which must leave the run going."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest

from paradime_bolt import RunFailedError, RunState
from paradime_bolt_airflow import BoltRunTrigger
from tests.conftest import running_run

pytestmark = pytest.mark.bolt_emulator(schedules="paradime_schedules.yml")


def events(trigger: BoltRunTrigger) -> list[Any]:
    async def collect() -> list[Any]:
        return [event.payload async for event in trigger.run()]

    return asyncio.run(collect())


def trigger_for(run_id: int, **kwargs: Any) -> BoltRunTrigger:
    return BoltRunTrigger(run_id, poll_interval=0.05, **kwargs)


def test_serialize_is_json_and_round_trips() -> None:
    trigger = BoltRunTrigger(
        15509,
        "bolt_eu",
        workspace_uid="analytics",
        poll_interval=2.5,
        end_time=1.7e9,
        execution_deadline=1.6e9,
        outage_tolerance=90.0,
    )
    classpath, kwargs = trigger.serialize()
    assert classpath == "paradime_bolt_airflow.triggers.BoltRunTrigger"
    kwargs = json.loads(json.dumps(kwargs))
    again = BoltRunTrigger(**kwargs)
    assert again.serialize() == (classpath, kwargs)
    assert kwargs == {
        "run_id": 15509,
        "conn_id": "bolt_eu",
        "workspace_uid": "analytics",
        "poll_interval": 2.5,
        "end_time": 1.7e9,
        "execution_deadline": 1.6e9,
        "cancel_on_kill": True,
        "outage_tolerance": 90.0,
    }


def test_a_run_that_succeeds(bolt_connection: Any) -> None:
    run_id = bolt_connection.client.trigger_bolt_run("daily run").run_id
    [event] = events(trigger_for(run_id))
    assert event == {
        "run_id": run_id,
        "status": "success",
        "state": "SUCCESS",
        "message": "run SUCCESS",
    }


def test_a_run_that_fails_names_its_failing_command(bolt_connection: Any) -> None:
    run_id = bolt_connection.client.trigger_bolt_run("broken tests").run_id
    [event] = events(trigger_for(run_id))
    assert event["status"] == "failed"
    assert event["state"] == "ERROR"
    json.dumps(event)  # the event is stored by Airflow: JSON only
    error = RunFailedError.from_dict(event["failure"])  # the client's one round trip
    assert (error.run_id, error.command, error.return_code) == (run_id, "dbt test", 1)
    assert "not_null_orders_order_id" in error.output_tail
    assert isinstance(error.command_id, int)


def test_a_run_cancelled_elsewhere(bolt_connection: Any) -> None:
    bolt = bolt_connection.client
    run_id = bolt.trigger_bolt_run("until cancelled").run_id

    async def cancel_then_wait() -> list[Any]:
        trigger = trigger_for(run_id)
        collected = asyncio.ensure_future(_collect(trigger))
        await asyncio.to_thread(bolt.cancel_bolt_run, run_id)
        return await collected

    [event] = asyncio.run(cancel_then_wait())
    assert (event["status"], event["state"]) == ("canceled", "CANCELED")


async def _collect(trigger: BoltRunTrigger) -> list[Any]:
    return [event.payload async for event in trigger.run()]


@pytest.mark.parametrize("schedule", ["until cancelled", "starting all day"])
def test_past_its_end_time_it_times_out_and_leaves_the_run_going(
    bolt_connection: Any, schedule: str
) -> None:
    bolt = bolt_connection.client
    if schedule == "until cancelled":
        run_id = running_run(bolt)
    else:
        run_id = bolt.trigger_bolt_run(schedule).run_id
    [event] = events(trigger_for(run_id, end_time=time.time() - 1))
    assert event["status"] == "timeout"
    expected = "RUNNING" if schedule == "until cancelled" else "STARTING"
    assert event["state"] == expected  # STARTING is waited on, never a failure
    assert bolt.bolt_run_progress(run_id).state == expected


def test_an_unknown_run_is_one_error_event(bolt_connection: Any) -> None:
    [event] = events(trigger_for(999_999))
    assert event["status"] == "error"
    assert "999999" in event["message"]


def test_refused_credentials_are_an_error_event_without_the_secret(
    bolt_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "wrong-secret-NEVER-PRINT-ME"
    monkeypatch.setenv(
        "AIRFLOW_CONN_PARADIME_BOLT_DEFAULT",
        json.dumps(
            {
                "conn_type": "paradime_bolt",
                "host": bolt_emulator.endpoint,
                "login": "k",
                "password": secret,
            }
        ),
    )
    [event] = events(trigger_for(1))
    assert event["status"] == "error"
    assert "401" in event["message"] or "refused" in event["message"].lower()
    assert secret not in json.dumps(event)


def test_a_missing_connection_is_an_error_event() -> None:
    [event] = events(BoltRunTrigger(1, "no_such_connection"))
    assert event["status"] == "error"
    assert "no_such_connection" in event["message"]


def test_on_kill_cancels_the_run(bolt_connection: Any) -> None:
    bolt = bolt_connection.client
    run_id = bolt.trigger_bolt_run("until cancelled").run_id
    asyncio.run(trigger_for(run_id).on_kill())
    assert bolt.bolt_run_progress(run_id).run_state is RunState.CANCELED


def test_on_kill_without_cancel_on_kill_leaves_the_run(bolt_connection: Any) -> None:
    bolt = bolt_connection.client
    run_id = running_run(bolt)
    asyncio.run(trigger_for(run_id, cancel_on_kill=False).on_kill())
    assert bolt.bolt_run_progress(run_id).run_state is RunState.RUNNING


def test_on_kill_of_a_run_that_ended_is_quiet(bolt_connection: Any) -> None:
    run_id = bolt_connection.client.trigger_and_wait("daily run").run_id
    asyncio.run(trigger_for(run_id).on_kill())
    assert bolt_connection.client.bolt_run_progress(run_id).run_state is RunState.SUCCESS


def test_the_triggerer_stopping_cancels_the_trigger_not_the_run(bolt_connection: Any) -> None:
    """What a triggerer restart or hand-over does: the trigger's task is cancelled and cleanup()
    runs; the run goes on, for the next triggerer to pick up."""
    bolt = bolt_connection.client
    run_id = running_run(bolt)

    async def stop_while_waiting() -> None:
        trigger = trigger_for(run_id)
        task = asyncio.ensure_future(_collect(trigger))
        await asyncio.sleep(0.2)  # not a margin: the test holds whether it polled yet or not
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await trigger.cleanup()

    asyncio.run(stop_while_waiting())
    assert bolt.bolt_run_progress(run_id).run_state is RunState.RUNNING


def test_a_transient_api_error_is_retried_not_an_event(
    httpx_mock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    endpoint = "https://api.test.paradime.io/api/v1/ws/graphql"
    monkeypatch.setenv(
        "AIRFLOW_CONN_PARADIME_BOLT_DEFAULT",
        json.dumps({"conn_type": "paradime_bolt", "host": endpoint, "password": "prdm_wsp_t"}),
    )
    ended = {"data": {"boltRunStatus": {"ok": True, "state": "SUCCESS", "commands": []}}}
    httpx_mock.add_response(url=endpoint, status_code=503)  # the first poll: retried
    httpx_mock.add_response(url=endpoint, json=ended, is_reusable=True)
    [event] = events(trigger_for(7))
    assert (event["status"], event["state"]) == ("success", "SUCCESS")
    assert len(httpx_mock.get_requests()) == 3  # 503, the retried poll, the final status
