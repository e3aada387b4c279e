"""BoltRunOperator and BoltArtifactOperator called as Airflow calls them (execute, defer,
execute_complete, on_kill, resume_execution), against the emulator over HTTP. Whole DAG runs
are in test_dag_runs.py."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from airflow.sdk.bases.operator import TRIGGER_FAIL_REPR, TriggerFailureReason
from airflow.sdk.exceptions import AirflowSkipException, TaskDeferralTimeout, TaskDeferred

from paradime_bolt import AlreadyRunningError, RunFailedError, RunState, RunTimeoutError
from paradime_bolt_airflow import BoltArtifactOperator, BoltRunOperator, BoltRunTrigger
from tests.conftest import running_run, task_context

pytestmark = pytest.mark.bolt_emulator(schedules="paradime_schedules.yml")


def run_operator(**kwargs: Any) -> BoltRunOperator:
    return BoltRunOperator(task_id="bolt", poll_interval=0.05, **kwargs)


def collect(trigger: BoltRunTrigger) -> dict[str, Any]:
    async def one() -> list[Any]:
        return [event.payload async for event in trigger.run()]

    [event] = asyncio.run(one())
    return event  # type: ignore[no-any-return]


def test_sync_mode_waits_and_returns_the_run_id(bolt_connection: Any) -> None:
    context = task_context()
    run_id = run_operator(schedule_name="daily run").execute(context)
    assert bolt_connection.client.bolt_run_progress(run_id).run_state is RunState.SUCCESS
    assert context["ti"].xcoms == {
        "run_id": run_id,
        "run_url": f"https://app.paradime.io/bolt/run_id/{run_id}",
    }


def test_commands_and_branch_apply_to_this_run_only(bolt_connection: Any) -> None:
    op = run_operator(slug="daily-run", commands=["dbt build --select orders"], branch="feat-1")
    run_id = op.execute(task_context())
    status = bolt_connection.client.bolt_run_status(run_id)
    assert [c.command for c in status.commands or []][-1] == "dbt build --select orders"
    [run] = [
        r for r in bolt_connection.client.list_bolt_runs("daily run").runs or [] if r.id == run_id
    ]
    assert run.git_info is not None and run.git_info.branch == "feat-1"


def test_execute_defers_to_the_trigger_and_execute_complete_returns_the_run(
    bolt_connection: Any,
) -> None:
    op = run_operator(schedule_name="daily run", deferrable=True)
    context = task_context()
    with pytest.raises(TaskDeferred) as deferred:
        op.execute(context)
    trigger = deferred.value.trigger
    assert isinstance(trigger, BoltRunTrigger)
    assert deferred.value.method_name == "execute_complete"
    assert trigger.run_id == context["ti"].xcoms["run_id"]
    assert trigger.poll_interval == 0.05
    event = collect(trigger)
    assert op.execute_complete(context, event) == trigger.run_id


def test_a_failed_run_logs_the_failing_command_then_fails_the_task(
    bolt_connection: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    for deferrable in (False, True):
        op = run_operator(schedule_name="broken tests", deferrable=deferrable)
        context = task_context()
        with pytest.raises(RunFailedError) as failed:
            if deferrable:
                try:
                    op.execute(context)
                except TaskDeferred as deferred:
                    op.execute_complete(context, collect(deferred.trigger))
            else:
                op.execute(context)
        assert (failed.value.command, failed.value.return_code) == ("dbt test", 1)
        logged = capsys.readouterr().out  # Airflow's task logger (structlog) writes here
        assert "failing command: dbt test (return code 1)" in logged
        assert "not_null_orders_order_id" in logged


def test_raise_on_failure_false_returns_the_failed_run(bolt_connection: Any) -> None:
    run_id = run_operator(schedule_name="broken tests", raise_on_failure=False).execute(
        task_context()
    )
    assert bolt_connection.client.bolt_run_progress(run_id).run_state is RunState.ERROR


def test_timeout_stops_waiting_and_leaves_the_run_going(bolt_connection: Any) -> None:
    op = run_operator(schedule_name="until cancelled", timeout=0.2)
    context = task_context()
    with pytest.raises(RunTimeoutError):
        op.execute(context)
    run_id = context["ti"].xcoms["run_id"]
    assert not bolt_connection.client.bolt_run_progress(run_id).run_state.is_terminal


def test_without_waiting_it_returns_at_once(bolt_connection: Any) -> None:
    run_id = run_operator(schedule_name="until cancelled", wait_for_completion=False).execute(
        task_context()
    )
    assert not bolt_connection.client.bolt_run_progress(run_id).run_state.is_terminal


def test_on_kill_while_waiting_cancels_the_run(bolt_connection: Any) -> None:
    op = run_operator(schedule_name="until cancelled")
    context = task_context()
    outcome: list[BaseException] = []

    def execute() -> None:
        try:
            op.execute(context)
        except BaseException as exc:  # noqa: BLE001 - what the task would end with
            outcome.append(exc)

    worker = threading.Thread(target=execute)
    worker.start()
    while "run_id" not in context["ti"].xcoms:  # the run has been triggered
        time.sleep(0.02)
    op.on_kill()
    worker.join()
    run_id = context["ti"].xcoms["run_id"]
    assert bolt_connection.client.bolt_run_progress(run_id).run_state is RunState.CANCELED
    [error] = outcome
    assert isinstance(error, RunFailedError) and error.state == "CANCELED"


def test_on_kill_with_cancel_on_kill_false_leaves_the_run(bolt_connection: Any) -> None:
    op = run_operator(
        schedule_name="until cancelled", wait_for_completion=False, cancel_on_kill=False
    )
    run_id = op.execute(task_context())
    op.on_kill()
    assert not bolt_connection.client.bolt_run_progress(run_id).run_state.is_terminal


def test_execution_timeout_while_deferred_cancels_the_run(bolt_connection: Any) -> None:
    """Airflow resumes a deferred task whose execution_timeout passed with `__fail__`."""
    op = run_operator(schedule_name="until cancelled", deferrable=True)
    context = task_context()
    with pytest.raises(TaskDeferred):
        op.execute(context)
    run_id = context["ti"].xcoms["run_id"]
    resumed = run_operator(schedule_name="until cancelled", deferrable=True)  # a fresh worker
    with pytest.raises(TaskDeferralTimeout):
        resumed.resume_execution(
            TRIGGER_FAIL_REPR, {"error": TriggerFailureReason.TRIGGER_TIMEOUT}, context
        )
    assert bolt_connection.client.bolt_run_progress(run_id).run_state is RunState.CANCELED


def test_reuse_existing_run_attaches_to_the_run_going(bolt_connection: Any) -> None:
    bolt = bolt_connection.client
    running = running_run(bolt)
    with pytest.raises(AlreadyRunningError):
        run_operator(schedule_name="until cancelled").execute(task_context())
    op = run_operator(
        schedule_name="until cancelled", reuse_existing_run=True, wait_for_completion=False
    )
    context = task_context()
    assert op.execute(context) == running
    assert context["ti"].xcoms["run_id"] == running


def test_retry_from_failure_reruns_the_previous_tries_run(bolt_connection: Any) -> None:
    bolt = bolt_connection.client
    store = task_context()["task_state_store"]
    op = run_operator(schedule_name="flaky snapshot", retry_from_failure=True)
    with pytest.raises(RunFailedError):
        op.execute(task_context(1, store))
    first = store.get("paradime_bolt_run_id")
    # Someone else's run fails meanwhile: it is now the schedule's latest failed run.
    other = bolt.trigger_and_wait("flaky snapshot").run_id
    assert bolt.bolt_run_progress(other).run_state is RunState.ERROR
    second = op.execute(task_context(2, store))
    runs = {r.id: r for r in bolt.list_bolt_runs("flaky snapshot", limit=10).runs or []}
    assert runs[second].parent_schedule_run_id == first
    assert bolt.bolt_run_progress(second).run_state is RunState.SUCCESS
    assert store.get("paradime_bolt_run_id") == second


def test_retry_from_failure_on_a_first_try_triggers_a_new_run(bolt_connection: Any) -> None:
    store = task_context()["task_state_store"]
    store.set("paradime_bolt_run_id", 12345)  # a stale value a first try must not use
    run_id = run_operator(schedule_name="daily run", retry_from_failure=True).execute(
        task_context(1, store)
    )
    runs = {r.id: r for r in bolt_connection.client.list_bolt_runs("daily run").runs or []}
    assert runs[run_id].parent_schedule_run_id is None


def test_a_skipped_run_skips_the_task() -> None:
    op = run_operator(schedule_name="daily run")
    with pytest.raises(AirflowSkipException):
        op.execute_complete(task_context(), {"run_id": 3, "status": "skipped", "state": "SKIPPED"})


def test_an_error_event_fails_the_task_with_its_message() -> None:
    op = run_operator(schedule_name="daily run")
    with pytest.raises(Exception, match="waiting for Bolt run 3 failed: boom"):
        op.execute_complete(task_context(), {"run_id": 3, "status": "error", "message": "boom"})


def test_the_arguments_are_checked_when_the_dag_is_parsed() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        BoltRunOperator(task_id="x")
    with pytest.raises(ValueError, match="exactly one"):
        BoltRunOperator(task_id="x", schedule_name="a", slug="a")
    with pytest.raises(ValueError, match="list of commands"):
        BoltRunOperator(task_id="x", schedule_name="a", commands="dbt run")
    with pytest.raises(ValueError, match="poll_interval"):
        BoltRunOperator(task_id="x", schedule_name="a", poll_interval=0)
    assert set(BoltRunOperator.template_fields) == {
        "schedule_name",
        "slug",
        "commands",
        "branch",
        "reason",
        "workspace_uid",
    }


def test_deferrable_defaults_to_airflows_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRFLOW__OPERATORS__DEFAULT_DEFERRABLE", "True")
    assert BoltRunOperator(task_id="x", schedule_name="a").deferrable is True
    monkeypatch.setenv("AIRFLOW__OPERATORS__DEFAULT_DEFERRABLE", "False")
    assert BoltRunOperator(task_id="x", schedule_name="a").deferrable is False


def test_the_artifact_of_a_failed_run_is_the_failing_commands(
    bolt_connection: Any, tmp_path: Path
) -> None:
    run_id = bolt_connection.client.trigger_and_wait("broken tests").run_id
    op = BoltArtifactOperator(task_id="artifact", run_id=str(run_id), dest=tmp_path / "out")
    written = Path(op.execute(task_context()))
    assert written == tmp_path / "out" / "run_results.json"
    artifact = bolt_connection.client.find_artifact(run_id, "target/run_results.json")
    assert artifact.command == "dbt test"
    assert written.read_bytes() == _download(bolt_connection.client, artifact.resource_id, tmp_path)


def _download(bolt: Any, resource_id: int, tmp_path: Path) -> bytes:
    return Path(bolt.download_resource(resource_id, tmp_path / "expected.json")).read_bytes()


def test_the_artifact_destination_must_be_absolute(bolt_connection: Any) -> None:
    op = BoltArtifactOperator(task_id="artifact", run_id=1, dest="artifacts")
    with pytest.raises(ValueError, match="absolute"):
        op.execute(task_context())


def test_a_later_command_s_copy_is_not_taken_for_a_failed_run(
    bolt_connection: Any, tmp_path: Path
) -> None:
    """With continue_on_error, `dbt docs generate` runs after the failing `dbt test` and writes
    a run_results.json of its own: the failed run's artifact is still the failing command's."""
    import json

    bolt = bolt_connection.client
    run_id = bolt.trigger_and_wait("broken tests", continue_on_error=True).run_id
    assert bolt.find_artifact(run_id, "target/run_results.json").command == "dbt docs generate"
    op = BoltArtifactOperator(task_id="artifact", run_id=run_id, dest=tmp_path)
    results = json.loads(Path(op.execute(task_context())).read_text())
    assert any(result["status"] == "fail" for result in results["results"])
