"""Issue 22's waiting rules, in-process against the emulator: outages waited through, the
execution deadline in the trigger, a new try after its previous try's run, a run attached to
that is never cancelled, progress in the log, one client per connection in a triggerer. The
same promises in Airflow's real services are in tests/real."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from airflow.sdk.exceptions import AirflowTaskTimeout, TaskDeferred

from paradime_bolt import AsyncBoltClient, ClientClosedError, RunState
from paradime_bolt_airflow import BoltHook, BoltRunOperator, BoltRunSensor, BoltRunTrigger
from paradime_bolt_airflow._common import ProgressLog
from tests.conftest import running_run, task_context

pytestmark = pytest.mark.bolt_emulator(schedules="paradime_schedules.yml")


async def _collect(trigger: BoltRunTrigger) -> list[Any]:
    return [event.payload async for event in trigger.run()]


def test_an_outage_while_the_trigger_waits_is_waited_through(bolt_connection: Any) -> None:
    bolt = bolt_connection.client
    run_id = bolt.trigger_bolt_run("daily run").run_id
    bolt_connection.outage(3)  # the port closes now, and opens again in 3 s
    [event] = asyncio.run(_collect(BoltRunTrigger(run_id, poll_interval=0.05)))
    assert (event["status"], event["state"]) == ("success", "SUCCESS")


def test_outage_tolerance_zero_ends_the_wait_at_the_first_outage(bolt_connection: Any) -> None:
    run_id = running_run(bolt_connection.client)
    bolt_connection.outage(30)
    try:
        trigger = BoltRunTrigger(run_id, poll_interval=0.05, outage_tolerance=0)
        [event] = asyncio.run(_collect(trigger))
    finally:
        bolt_connection.wait_outage_over()
    assert event["status"] == "error"
    assert "unreachable" in event["message"]


def test_past_its_execution_deadline_the_trigger_says_so(bolt_connection: Any) -> None:
    run_id = running_run(bolt_connection.client)
    trigger = BoltRunTrigger(
        run_id, poll_interval=0.05, end_time=time.time() + 3600, execution_deadline=time.time() - 1
    )
    [event] = asyncio.run(_collect(trigger))
    assert (event["status"], event["state"]) == ("execution_timeout", "RUNNING")
    assert bolt_connection.client.bolt_run_progress(run_id).run_state is RunState.RUNNING


def test_the_execution_timeout_event_cancels_the_run_and_fails_the_task(
    bolt_connection: Any,
) -> None:
    op = BoltRunOperator(
        task_id="bolt",
        schedule_name="until cancelled",
        deferrable=True,
        poll_interval=0.05,
        execution_timeout=timedelta(minutes=5),
    )
    context = task_context()
    with pytest.raises(TaskDeferred) as deferred:
        op.execute(context)
    trigger = deferred.value.trigger
    assert trigger.execution_deadline is not None
    assert trigger.execution_deadline == pytest.approx(time.time() + 300, abs=120)
    assert deferred.value.timeout is not None  # the backstop, past the deadline
    run_id = context["ti"].xcoms["run_id"]
    event = {"run_id": run_id, "status": "execution_timeout", "state": "RUNNING"}
    with pytest.raises(AirflowTaskTimeout, match="execution_timeout"):
        op.execute_complete(context, event)
    assert bolt_connection.client.bolt_run_progress(run_id).run_state is RunState.CANCELED


def test_a_run_attached_to_is_never_cancelled_by_the_task(bolt_connection: Any) -> None:
    bolt = bolt_connection.client
    theirs = running_run(bolt)
    op = BoltRunOperator(
        task_id="bolt",
        schedule_name="until cancelled",
        deferrable=True,
        reuse_existing_run=True,
        poll_interval=0.05,
    )
    context = task_context()
    with pytest.raises(TaskDeferred) as deferred:
        op.execute(context)
    assert deferred.value.trigger.cancel_on_kill is False
    assert context["task_state_store"].get("paradime_bolt_run_id") is None
    event = {"run_id": theirs, "status": "execution_timeout", "state": "RUNNING"}
    with pytest.raises(AirflowTaskTimeout):
        op.execute_complete(context, event)
    op.on_kill()
    assert bolt.bolt_run_progress(theirs).run_state is RunState.RUNNING


def test_the_sensor_fails_at_its_execution_timeout_and_leaves_the_run(
    bolt_connection: Any,
) -> None:
    run_id = running_run(bolt_connection.client)
    sensor = BoltRunSensor(task_id="wait", run_id=run_id, outage_tolerance=45)
    with pytest.raises(AirflowTaskTimeout):
        sensor.execute_complete(
            task_context(), {"run_id": run_id, "status": "execution_timeout", "state": "RUNNING"}
        )
    assert bolt_connection.client.bolt_run_progress(run_id).run_state is RunState.RUNNING


def test_a_new_try_waits_for_its_previous_tries_run_to_end_then_starts_its_own(
    bolt_connection: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """A clear of a deferred task: the old trigger's on_kill cancels the old run, maybe after
    the new try has started. The new try must not fail with AlreadyRunningError."""
    bolt = bolt_connection.client
    store = task_context()["task_state_store"]
    previous = running_run(bolt)
    store.set("paradime_bolt_run_id", previous)
    op = BoltRunOperator(task_id="bolt", schedule_name="until cancelled", wait_for_completion=False)
    outcome: list[Any] = []
    worker = threading.Thread(target=lambda: outcome.append(op.execute(task_context(2, store))))
    worker.start()
    logged = ""
    while "waiting up to" not in logged:  # the new try is waiting for the old run
        assert worker.is_alive(), logged
        logged += capsys.readouterr().out
        time.sleep(0.05)
    bolt.cancel_bolt_run(previous)  # what the old trigger's on_kill does
    worker.join()
    [run_id] = outcome
    assert run_id != previous
    assert bolt.bolt_run_progress(previous).run_state is RunState.CANCELED
    assert store.get("paradime_bolt_run_id") == run_id
    bolt.cancel_bolt_run(run_id)


def test_progress_is_logged_on_each_change_and_not_on_each_poll() -> None:
    lines: list[str] = []
    log = SimpleNamespace(info=lambda fmt, *args: lines.append(fmt % args))

    def progress(state: str, *running: str) -> Any:
        commands = [SimpleNamespace(command=c, start_dttm="t", end_dttm=None) for c in running]
        return SimpleNamespace(state=state, commands=commands)

    report = ProgressLog(log, 7, every=3600)
    for seen in (
        progress("STARTING"),
        progress("RUNNING", "dbt run"),
        progress("RUNNING", "dbt run"),
    ):
        report(seen)
    report(progress("RUNNING", "dbt test"))
    assert lines == [
        "Bolt run 7 is STARTING",
        "Bolt run 7 is RUNNING: command `dbt run`",
        "Bolt run 7 is RUNNING: command `dbt test`",
    ]
    often = ProgressLog(log, 7, every=0)
    often(progress("RUNNING", "dbt run"))
    often(progress("RUNNING", "dbt run"))
    assert lines[-1].startswith("Bolt run 7 is still RUNNING: command `dbt run` (for ")


def test_the_triggers_of_one_loop_share_one_client_and_close_it(
    bolt_connection: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[AsyncBoltClient] = []
    original = BoltHook.get_async_client

    def recording(self: BoltHook, settings: Any = None) -> AsyncBoltClient:
        client = original(self, settings)
        made.append(client)
        return client

    monkeypatch.setattr(BoltHook, "get_async_client", recording)
    bolt = bolt_connection.client
    runs = [bolt.trigger_bolt_run(name).run_id for name in ("daily run", "broken tests")]

    async def wait_all() -> list[list[Any]]:
        triggers = [BoltRunTrigger(run_id, poll_interval=0.05) for run_id in runs * 5]
        return await asyncio.gather(*(_collect(t) for t in triggers))

    events = [event for batch in asyncio.run(wait_all()) for event in batch]
    assert sorted({e["status"] for e in events}) == ["failed", "success"]
    assert len(made) == 1
    with pytest.raises(ClientClosedError):  # closed when the last trigger was done
        asyncio.run(made[0].bolt_run_progress(runs[0]))
    asyncio.run(wait_all())  # another event loop: a client of its own
    assert len(made) == 2


@pytest.mark.parametrize("make", [BoltRunOperator, BoltRunSensor], ids=["operator", "sensor"])
def test_outage_tolerance_is_checked_alike_by_the_operator_and_the_sensor(make: Any) -> None:
    """One check (_common.seconds) behind both: 0 or more seconds, a timedelta too; else a
    ValueError naming the argument, when the DAG is parsed."""
    arguments: dict[str, Any] = (
        {"schedule_name": "daily run"} if make is BoltRunOperator else {"run_id": 3}
    )
    assert make(task_id="ok", outage_tolerance=0, **arguments).outage_tolerance == 0.0
    made = make(task_id="td", outage_tolerance=timedelta(minutes=2), **arguments)
    assert made.outage_tolerance == 120.0
    for bad in (-1, float("nan"), "ten", True):
        with pytest.raises(ValueError, match=r"outage_tolerance must be a number of seconds"):
            make(task_id="bad", outage_tolerance=bad, **arguments)
