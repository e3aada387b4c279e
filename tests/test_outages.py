"""Waiting through an API that stops answering (`outage_tolerance`), the JSON round trip of
`RunFailedError`, and `cancel_on_interrupt`. Both twins, against a scripted fake server, on a
simulated clock: the outages last simulated seconds, so nothing here waits."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import httpx
import pytest

from paradime_bolt import (
    DEFAULT_OUTAGE_TOLERANCE,
    APIUnreachableError,
    AuthenticationError,
    InvalidArgumentError,
    RunFailedError,
    RunTimeoutError,
)
from paradime_bolt.models import RunState
from tests.support import payloads as p
from tests.support.fake_api import GraphQLScript
from tests.support.twins import Twin

FAST = {"poll_interval": 1.0, "max_poll_interval": 1.0}


def refused(_variables: dict[str, Any]) -> Any:
    raise httpx.ConnectError("[Errno 111] Connection refused")


def dropped(_variables: dict[str, Any]) -> Any:
    raise httpx.RemoteProtocolError("Server disconnected without sending a response.")


def answer(status: int) -> httpx.Response:
    return httpx.Response(status, text="<html>upstream unavailable</html>")


def test_the_default_tolerance_is_ten_minutes() -> None:
    assert DEFAULT_OUTAGE_TOLERANCE == 600.0


def test_a_wait_goes_on_through_an_outage_and_says_when_it_starts_and_ends(
    twin: Twin, script: GraphQLScript, caplog: pytest.LogCaptureFixture
) -> None:
    outage = [refused] * 6 + [dropped, answer(503), answer(502), answer(500), answer(429)]
    script.on("BoltRunProgress", p.progress("RUNNING"), *outage, p.progress("SUCCESS"))
    script.on("BoltRunStatus", p.status("SUCCESS"))
    caplog.set_level(logging.INFO, logger="paradime_bolt")

    status = twin.call("wait_for_run", 7, **FAST)

    assert status.run_state is RunState.SUCCESS
    assert script.count("BoltRunProgress") == 13
    # After the first poll's 1 s: pauses double from 1 s and stop growing at 30 s.
    assert twin.sleeps == [1.0, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0, 30.0, 30.0, 30.0]
    messages = [r.getMessage() for r in caplog.records if r.name == "paradime_bolt"]
    started = [m for m in messages if m.startswith("Bolt API unreachable")]
    ended = [m for m in messages if m.startswith("Bolt API answering again")]
    assert len(started) == 1 and "run 7" in started[0] and "Connection refused" in started[0]
    assert ended == ["Bolt API answering again after 211s; still waiting for run 7"]


def test_a_wait_gives_up_after_outage_tolerance_seconds_in_a_row(
    twin: Twin, script: GraphQLScript
) -> None:
    script.on("BoltRunProgress", p.progress("RUNNING"), refused)

    with pytest.raises(APIUnreachableError) as info:
        twin.call("wait_for_run", 7, outage_tolerance=100, **FAST)

    error = info.value
    assert (error.run_id, error.unreachable_for) == (7, 100.0)
    assert "unreachable for 100s" in str(error) and "Connection refused" in error.last_error
    assert isinstance(error.__cause__, httpx.ConnectError) or "refused" in str(error.__cause__)
    # 1 s after the first poll, then 1+2+4+8+16+30+30 = 91 s, and the last 9 s up to the limit.
    assert twin.sleeps == [1.0, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 9.0]


def test_the_tolerance_counts_failures_in_a_row_only(twin: Twin, script: GraphQLScript) -> None:
    blip = [refused] * 5  # 1+2+4+8 = 15 s of failure, then an answer
    script.on(
        "BoltRunProgress",
        p.progress("RUNNING"),
        *blip,
        p.progress("RUNNING"),
        *blip,
        p.progress("SUCCESS"),
    )
    script.on("BoltRunStatus", p.status("SUCCESS"))
    status = twin.call("wait_for_run", 7, outage_tolerance=20, **FAST)
    assert status.run_state is RunState.SUCCESS


def test_zero_tolerance_gives_up_at_the_first_transient_failure(
    twin: Twin, script: GraphQLScript
) -> None:
    script.on("BoltRunProgress", p.progress("RUNNING"), answer(503))
    with pytest.raises(APIUnreachableError) as info:
        twin.call("wait_for_run", 7, outage_tolerance=0, **FAST)
    assert info.value.unreachable_for == 0.0
    assert script.count("BoltRunProgress") == 2


def test_an_error_that_is_not_an_outage_ends_the_wait_at_once(
    twin: Twin, script: GraphQLScript
) -> None:
    script.on("BoltRunProgress", p.progress("RUNNING"), answer(401))
    with pytest.raises(AuthenticationError):
        twin.call("wait_for_run", 7, **FAST)
    assert script.count("BoltRunProgress") == 2


def test_the_wait_timeout_bounds_the_outage(twin: Twin, script: GraphQLScript) -> None:
    script.on("BoltRunProgress", p.progress("RUNNING"), refused)
    with pytest.raises(RunTimeoutError) as info:
        twin.call("wait_for_run", 7, timeout=20, **FAST)
    assert (info.value.run_id, info.value.state) == (7, "RUNNING")
    assert twin.clock.now() == 20.0


def test_a_timeout_whose_cancel_finds_no_api_is_still_a_timeout(
    twin: Twin, script: GraphQLScript
) -> None:
    script.on("BoltRunProgress", p.progress("RUNNING"))
    script.on("CancelBoltRun", refused)
    with pytest.raises(RunTimeoutError) as info:
        twin.call("wait_for_run", 7, timeout=3, cancel_on_timeout=True, **FAST)
    assert (info.value.state, info.value.canceled) == ("RUNNING", False)
    assert script.count("CancelBoltRun") == 1


def test_the_final_status_is_read_through_an_outage_too(twin: Twin, script: GraphQLScript) -> None:
    script.on("BoltRunProgress", p.progress("SUCCESS"))
    script.on("BoltRunStatus", refused, refused, answer(504), p.status("SUCCESS"))
    assert twin.call("wait_for_run", 7, **FAST).run_state is RunState.SUCCESS
    assert twin.sleeps == [1.0, 2.0, 4.0]


def test_trigger_and_wait_passes_the_tolerance_on(twin: Twin, script: GraphQLScript) -> None:
    script.on("TriggerBoltRun", {"data": {"triggerBoltRun": {"runId": 7}}})
    script.on("BoltRunProgress", p.progress("RUNNING"), refused)
    with pytest.raises(APIUnreachableError):
        twin.call("trigger_and_wait", "daily", outage_tolerance=5, **FAST)


@pytest.mark.parametrize("bad", [-1, float("nan"), float("inf"), "600", True, None])
def test_an_invalid_tolerance_is_refused_before_any_request(
    twin: Twin, script: GraphQLScript, bad: object
) -> None:
    for method, args in (("wait_for_run", (7,)), ("trigger_and_wait", ("daily",))):
        with pytest.raises(InvalidArgumentError, match="outage_tolerance"):
            twin.call(method, *args, outage_tolerance=bad)
    assert script.calls == []


# -- RunFailedError as JSON ---------------------------------------------------------------------


def test_a_run_failure_round_trips_through_json() -> None:
    error = RunFailedError(
        42,
        state="ERROR",
        command="dbt test",
        command_id=9,
        return_code=1,
        stdout_tail="1 of 3 FAIL",
        stderr_tail="Failure in test not_null",
    )
    fields = json.loads(json.dumps(error.to_dict()))
    again = RunFailedError.from_dict(fields)
    assert str(again) == str(error)
    assert again.to_dict() == error.to_dict()
    assert (again.command_id, again.output_tail) == (9, "Failure in test not_null")


def test_from_dict_needs_only_the_run_id() -> None:
    error = RunFailedError.from_dict({"run_id": "5", "unknown": 1})
    assert (error.run_id, error.state, error.command, error.output_tail) == (5, None, None, "")


# -- cancel_on_interrupt ------------------------------------------------------------------------


def _guarded(twin: Twin, interrupt: BaseException | None, script: GraphQLScript) -> Any:
    """Runs a guarded block that raises `interrupt`; returns (guard, what escaped)."""
    script.on("BoltRunProgress", p.progress("RUNNING"))

    def sync_block() -> Any:
        from paradime_bolt import BoltClient

        with BoltClient(**twin.client_kwargs) as bolt:
            guard = None
            try:
                with bolt.cancel_on_interrupt(7) as guard:
                    bolt.bolt_run_progress(7)
                    if interrupt is not None:
                        raise interrupt
            except BaseException as escaped:  # noqa: BLE001 - the test looks at what escaped
                return guard, escaped
            return guard, None

    async def async_block() -> Any:
        from paradime_bolt import AsyncBoltClient

        async with AsyncBoltClient(**twin.client_kwargs) as bolt:
            guard = None
            try:
                async with bolt.cancel_on_interrupt(7) as guard:
                    await bolt.bolt_run_progress(7)
                    if interrupt is not None:
                        raise interrupt
            except BaseException as escaped:  # noqa: BLE001
                return guard, escaped
            return guard, None

    if twin.kind == "sync":
        return sync_block()
    return asyncio.run(async_block())


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt(), SystemExit(143)])
def test_an_interrupt_cancels_the_run_then_goes_on(
    twin: Twin, script: GraphQLScript, interrupt: BaseException
) -> None:
    script.on("CancelBoltRun", {"data": {"cancelBoltRun": {"ok": True}}})
    guard, escaped = _guarded(twin, interrupt, script)
    assert escaped is interrupt
    assert (guard.interrupted, guard.canceled, guard.error) == (True, True, None)
    assert ("CancelBoltRun", {"scheduleRunId": 7}) in script.calls


def test_a_cancelled_task_cancels_the_run_on_the_async_client(script: GraphQLScript) -> None:
    twin = Twin("async")
    script.on("CancelBoltRun", {"data": {"cancelBoltRun": {"ok": True}}})
    guard, escaped = _guarded(twin, asyncio.CancelledError(), script)
    assert isinstance(escaped, asyncio.CancelledError)
    assert guard.canceled is True


def test_an_error_is_not_an_interrupt(twin: Twin, script: GraphQLScript) -> None:
    guard, escaped = _guarded(twin, ValueError("a bug"), script)
    assert isinstance(escaped, ValueError)
    assert (guard.interrupted, guard.canceled) == (False, False)
    assert script.count("CancelBoltRun") == 0


def test_a_run_that_could_not_be_cancelled_is_said_so(twin: Twin, script: GraphQLScript) -> None:
    script.on("CancelBoltRun", answer(401))
    guard, escaped = _guarded(twin, KeyboardInterrupt(), script)
    assert isinstance(escaped, KeyboardInterrupt)
    assert guard.canceled is False
    assert isinstance(guard.error, AuthenticationError)


def test_a_run_that_had_ended_is_not_an_error(twin: Twin, script: GraphQLScript) -> None:
    script.on("CancelBoltRun", {"data": {"cancelBoltRun": {"ok": False}}})
    guard, escaped = _guarded(twin, KeyboardInterrupt(), script)
    assert isinstance(escaped, KeyboardInterrupt)
    assert guard.canceled is False and guard.error is not None


def test_a_cancel_whose_answer_a_second_interrupt_cut_off_still_counts(
    twin: Twin, script: GraphQLScript
) -> None:
    """The first cancel reaches Bolt but a second interrupt lands before its answer; the second
    try hears that the run has ended, and the run is CANCELED: the guard says cancelled."""
    tries = []

    def cancel(_variables: dict[str, Any]) -> Any:
        tries.append(1)
        if len(tries) == 1:
            raise KeyboardInterrupt  # the repeated signal, during the first request
        return {"data": {"cancelBoltRun": {"ok": False}}}

    script.on("CancelBoltRun", cancel)
    script.on("BoltRunProgress", p.progress("RUNNING"), p.progress("CANCELED"))
    guard, escaped = _guarded(twin, KeyboardInterrupt(), script)
    assert isinstance(escaped, KeyboardInterrupt)
    assert (guard.interrupted, guard.canceled, guard.error) == (True, True, None)
    assert len(tries) == 2
