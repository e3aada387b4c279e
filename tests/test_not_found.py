"""An unknown schedule, run, command or resource is one error, `NotFoundError`, whichever
operation asked and whichever way the server said so (`ok: false` or a GraphQL error)."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_httpx import HTTPXMock

from paradime_bolt import (
    AlreadyRunningError,
    GraphQLResponseError,
    NotFoundError,
    OperationFailedError,
)
from tests.support.fake_api import GraphQLScript
from tests.support.payloads import field_error
from tests.support.twins import Twin

NOT_FOUND_BY_OK_FALSE = [
    ("bolt_schedule_name", ("nope",), "BoltScheduleName", "boltScheduleName", "schedule"),
    ("list_bolt_runs", ("nope",), "ListBoltRuns", "listBoltRuns", "schedule"),
    ("suspend_bolt_schedule", ("nope",), "SuspendBoltSchedule", "suspendBoltSchedule", "schedule"),
    ("bolt_run_status", (404,), "BoltRunStatus", "boltRunStatus", "run"),
    ("bolt_run_progress", (404,), "BoltRunProgress", "boltRunStatus", "run"),
    ("bolt_command", (404,), "BoltCommand", "boltCommand", "command"),
    ("bolt_command_logs", (404,), "BoltCommandLogs", "boltCommandLogs", "command"),
    ("bolt_resource_url", (404,), "BoltResourceUrl", "boltResourceUrl", "resource"),
]


@pytest.mark.parametrize(
    ("method", "args", "operation", "field", "kind"),
    NOT_FOUND_BY_OK_FALSE,
    ids=[case[0] for case in NOT_FOUND_BY_OK_FALSE],
)
def test_ok_false_from_a_lookup_is_not_found(
    method: str,
    args: tuple[Any, ...],
    operation: str,
    field: str,
    kind: str,
    twin: Twin,
    script: GraphQLScript,
) -> None:
    answer: dict[str, Any] = {"ok": False}
    if field == "boltCommandLogs":  # its lines, cursor and finished are required
        answer.update(lines=[], cursor="0:0", finished=False)
    script.on(operation, {"data": {field: answer}})
    with pytest.raises(NotFoundError) as info:
        twin.call(method, *args)
    error = info.value
    assert isinstance(error, OperationFailedError), "existing handlers keep catching it"
    assert (error.operation, error.kind) == (operation, kind)
    assert next(iter(error.arguments.values())) == args[0]
    assert error.errors == []
    assert str(error).startswith(f"{operation}: no {kind} with ")
    assert f"={args[0]!r}" in str(error)
    assert "ok: false" in str(error)


def test_refusing_to_cancel_is_not_a_not_found(twin: Twin, script: GraphQLScript) -> None:
    # cancelBoltRun says ok: false for a finished run as well as an unknown one
    script.on("CancelBoltRun", {"data": {"cancelBoltRun": {"ok": False}}})
    with pytest.raises(OperationFailedError) as info:
        twin.call("cancel_bolt_run", 404)
    assert not isinstance(info.value, NotFoundError)


NOT_FOUND_BY_GRAPHQL = [
    (
        "trigger_bolt_run",
        ("nope",),
        "TriggerBoltRun",
        "triggerBoltRun",
        "ScheduleNotFoundException: no schedule with scheduleName 'nope'",
        "schedule",
    ),
    (
        "retry_bolt_run_from_failure",
        ("nope",),
        "RetryBoltRunFromFailure",
        "retryBoltRunFromFailure",
        "ScheduleNotFoundException: no schedule with scheduleName 'nope'",
        "schedule",
    ),
    (
        "retry_bolt_run",
        (404,),
        "RetryBoltRun",
        "retryBoltRun",
        "RunNotFoundException: no run with id 404",
        "run",
    ),
    (
        "retry_all_bolt_run",
        (404,),
        "RetryAllBoltRun",
        "retryAllBoltRun",
        "RunNotFoundException: no run with id 404",
        "run",
    ),
    (
        "cancel_bolt_run",
        (404,),
        "CancelBoltRun",
        "cancelBoltRun",
        "RunNotFoundException: no run with id 404",
        "run",
    ),
    (
        "bolt_run_status",
        (404,),
        "BoltRunStatus",
        "boltRunStatus",
        "RunNotFoundException: no run with id 404",
        "run",
    ),
]


@pytest.mark.parametrize(
    ("method", "args", "operation", "field", "message", "kind"),
    NOT_FOUND_BY_GRAPHQL,
    ids=[case[0] for case in NOT_FOUND_BY_GRAPHQL],
)
def test_a_graphql_not_found_error_is_not_found(
    method: str,
    args: tuple[Any, ...],
    operation: str,
    field: str,
    message: str,
    kind: str,
    twin: Twin,
    script: GraphQLScript,
) -> None:
    script.on(operation, field_error(field, message))
    with pytest.raises(NotFoundError) as info:
        twin.call(method, *args)
    error = info.value
    assert (error.operation, error.kind) == (operation, kind)
    assert [e.message for e in error.errors] == [message]
    assert error.errors[0].path == (field,)
    assert error.data == {field: None}
    assert message in str(error), "what the server said stays in the message"
    assert str(error).startswith(f"{operation}: no {kind} with ")
    assert error.__cause__ is None


def test_the_not_found_code_is_enough(twin: Twin, script: GraphQLScript) -> None:
    script.on("BoltCommand", field_error("boltCommand", "no such thing", code="NOT_FOUND"))
    with pytest.raises(NotFoundError) as info:
        twin.call("bolt_command", 404)
    assert info.value.kind == "command"
    assert info.value.arguments == {"command_id": 404}


def test_the_exception_name_says_what_is_missing(twin: Twin, script: GraphQLScript) -> None:
    # a retry by schedule whose latest run is gone: the server names the run, not the schedule
    script.on(
        "RetryBoltRunFromFailure",
        field_error("retryBoltRunFromFailure", "RunNotFoundException: run 3 is gone"),
    )
    with pytest.raises(NotFoundError) as info:
        twin.call("retry_bolt_run_from_failure", "daily run")
    assert info.value.kind == "run"
    assert info.value.arguments == {"schedule_name": "daily run"}


@pytest.mark.parametrize(
    "message",
    [
        "NothingToRetryException: schedule 'daily run' has no failed run to retry",
        "Cannot query field 'nope' on type 'Query'.",
    ],
)
def test_other_graphql_errors_stay_graphql_errors(
    message: str, twin: Twin, script: GraphQLScript
) -> None:
    script.on("RetryBoltRunFromFailure", field_error("retryBoltRunFromFailure", message))
    with pytest.raises(GraphQLResponseError) as info:
        twin.call("retry_bolt_run_from_failure", "daily run")
    assert not isinstance(info.value, NotFoundError)


def test_already_running_is_not_a_not_found(twin: Twin, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(
        json=field_error(
            "triggerBoltRun", "AlreadyRunningException: schedule is running", code="NOT_FOUND"
        )
    )
    with pytest.raises(AlreadyRunningError):
        twin.call("trigger_bolt_run", "daily run")


def test_waiting_for_an_unknown_run_is_not_found(twin: Twin, script: GraphQLScript) -> None:
    script.on("BoltRunProgress", {"data": {"boltRunStatus": {"ok": False}}})
    with pytest.raises(NotFoundError, match="no run with run_id=404") as info:
        twin.call("wait_for_run", 404, poll_interval=1, max_poll_interval=1)
    assert script.count("BoltRunProgress") == 1
    assert info.value.kind == "run"
