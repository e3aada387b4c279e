"""The workflows against the emulator over real HTTP, on both twins."""

from __future__ import annotations

import pytest

from paradime_bolt import (
    RequestTimeoutError,
    RunFailedError,
    RunState,
    RunTimeoutError,
)
from paradime_bolt_emulator import EmulatorServer
from tests.support.e2e import UNTIL_CANCELLED
from tests.support.twins import Twin

pytestmark = pytest.mark.e2e

FAST = {"poll_interval": 0.05, "max_poll_interval": 0.2, "timeout": 60}


def test_a_failing_run_raises_with_the_failing_command_and_its_output(live: Twin) -> None:
    with pytest.raises(RunFailedError) as info:
        live.call("trigger_and_wait", "broken tests", raise_on_failure=True, **FAST)
    error = info.value
    assert (error.state, error.command, error.return_code) == ("ERROR", "dbt test", 1)
    assert "Failure in test" in error.output_tail
    status = error.status
    assert [c.command for c in status.commands][-1] == "dbt test", "later commands never ran"


def test_cancel_on_timeout_cancels_the_run(live: Twin) -> None:
    run = live.call("trigger_bolt_run", UNTIL_CANCELLED)
    with pytest.raises(RunTimeoutError) as info:
        live.call(
            "wait_for_run", run.run_id, timeout=0.3, poll_interval=0.05, cancel_on_timeout=True
        )
    assert info.value.canceled is True
    final = live.call("wait_for_run", run.run_id, **FAST)
    assert final.run_state is RunState.CANCELED


def test_iter_schedules_pages_through_everything(fresh_live: Twin) -> None:
    everything = fresh_live.collect("iter_schedules", show_inactive=True, page_size=2)
    active = fresh_live.collect("iter_schedules", page_size=3)
    names = [s.name for s in everything]
    assert len(names) == len(set(names)) == 7
    assert "legacy nightly" in names
    assert "legacy nightly" not in {s.name for s in active}
    assert len(active) == 6


def test_follow_a_commands_logs_until_it_finishes(live: Twin) -> None:
    run = live.call("trigger_bolt_run", "daily run")
    progress = live.call("bolt_run_progress", run.run_id)
    while not progress.commands:
        progress = live.call("bolt_run_progress", run.run_id)
    lines = live.collect("iter_command_logs", progress.commands[0].id, poll_interval=0.05)
    assert lines
    assert {line.stream for line in lines} <= {"STDOUT", "STDERR"}
    live.call("wait_for_run", run.run_id, **FAST)


def test_retry_from_failure_passes_on_a_flaky_schedule(fresh_live: Twin) -> None:
    first = fresh_live.call("trigger_and_wait", "flaky snapshot", **FAST)
    assert first.run_state is RunState.ERROR
    retried = fresh_live.call("retry_bolt_run", first.run_id)
    final = fresh_live.call("wait_for_run", retried.run_id, **FAST)
    assert final.run_state is RunState.SUCCESS
    runs = fresh_live.call("list_bolt_runs", "flaky snapshot").runs
    assert [r.id for r in runs] == [retried.run_id, first.run_id]
    assert runs[0].parent_schedule_run_id == first.run_id


def test_suspend_and_resume(live: Twin) -> None:
    assert live.call("suspend_bolt_schedule", "hourly refresh").ok
    assert live.call("bolt_schedule_name", "hourly refresh").suspended is True
    live.call("suspend_bolt_schedule", slug="hourly-refresh", suspend=False)
    assert live.call("bolt_schedule_name", slug="hourly-refresh").suspended is False


def test_a_slow_answer_times_out_as_a_typed_error() -> None:
    with EmulatorServer(port=0, latency_ms=500) as server:
        for kind in ("sync", "async"):
            slow = Twin(
                kind,
                endpoint=server.endpoint,
                api_key=server.api_key,
                api_secret=server.api_secret,
                timeout=0.1,
            )
            with pytest.raises(RequestTimeoutError):
                slow.call("list_bolt_schedules")
