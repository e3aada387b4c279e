"""Every kind of failure becomes its own `BoltError` subclass, on both twins."""

from __future__ import annotations

import httpx
import pytest
from pytest_httpx import HTTPXMock

from paradime_bolt import (
    AlreadyRunningError,
    APIError,
    AuthenticationError,
    BoltError,
    GraphQLResponseError,
    HTTPStatusError,
    InvalidArgumentError,
    InvalidResponseError,
    NotFoundError,
    OperationFailedError,
    RateLimitError,
    RequestTimeoutError,
    ServerError,
    TransportError,
)
from tests.support.twins import Twin


def test_connect_failure_is_a_transport_error(twin: Twin, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_exception(httpx.ConnectError("Connection refused"))
    with pytest.raises(TransportError, match=r"could not reach .*Connection refused") as info:
        twin.call("bolt_run_status", run_id=1)
    assert not isinstance(info.value, RequestTimeoutError)
    assert info.value.operation == "BoltRunStatus"
    assert info.value.__cause__ is None, "the httpx exception does not travel with ours"


def test_read_failure_is_a_transport_error(twin: Twin, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_exception(httpx.RemoteProtocolError("Server disconnected"))
    with pytest.raises(TransportError, match="Server disconnected"):
        twin.call("bolt_run_status", run_id=1)


def test_timeout_is_its_own_error(twin: Twin, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_exception(httpx.ReadTimeout("timed out"))
    with pytest.raises(RequestTimeoutError, match="timed out") as info:
        twin.call("bolt_run_status", run_id=1)
    assert isinstance(info.value, TransportError)


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (401, AuthenticationError),
        (403, AuthenticationError),
        (404, HTTPStatusError),
        (429, RateLimitError),
        (500, ServerError),
        (503, ServerError),
    ],
)
def test_http_status_errors_carry_the_code(
    status: int, error: type[HTTPStatusError], twin: Twin, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(status_code=status, json={"errors": [{"message": "nope"}]})
    with pytest.raises(error) as info:
        twin.call("bolt_run_status", run_id=1)
    assert type(info.value) is error
    assert info.value.status_code == status
    assert f"HTTP {status}" in str(info.value)
    assert "nope" in str(info.value)


def test_graphql_errors_keep_every_message_path_and_partial_data(
    twin: Twin, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(
        json={
            "data": {"boltRunStatus": {"ok": True, "state": "RUNNING", "commands": None}},
            "errors": [
                {"message": "commands unavailable", "path": ["boltRunStatus", "commands"]},
                {"message": "second problem", "locations": [{"line": 1, "column": 2}]},
            ],
        }
    )
    with pytest.raises(GraphQLResponseError) as info:
        twin.call("bolt_run_status", run_id=1)
    error = info.value
    assert error.messages == ["commands unavailable", "second problem"]
    assert error.errors[0].path == ("boltRunStatus", "commands")
    assert error.errors[1].locations == ((1, 2),)
    assert error.data == {"boltRunStatus": {"ok": True, "state": "RUNNING", "commands": None}}
    assert "commands unavailable (at boltRunStatus.commands)" in str(error)


def test_already_running_is_recognised(twin: Twin, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(
        json={
            "data": {"triggerBoltRun": None},
            "errors": [{"message": "AlreadyRunningException: schedule is running"}],
        }
    )
    with pytest.raises(AlreadyRunningError, match="AlreadyRunningException"):
        twin.call("trigger_bolt_run", "daily run")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (
            {"content": b"<html>Bad gateway</html>", "headers": {"content-type": "text/html"}},
            "not JSON",
        ),
        ({"json": ["a", "list"]}, "not an object"),
        ({"json": {"unrelated": 1}}, "no `data`"),
        ({"json": {"data": None}}, "no `data`"),
        ({"json": {"data": "text"}}, "not an object"),
        ({"json": {"data": {"boltRunStatus": None}}}, "`boltRunStatus` is null"),
        (
            {"json": {"data": {"boltRunStatus": {"state": "SUCCESS"}}}},
            r"boltRunStatus\.ok: Field required",
        ),
        (
            {"json": {"data": {"boltRunStatus": {"ok": True, "state": {"x": 1}, "commands": []}}}},
            r"boltRunStatus\.state",
        ),
        (
            {"json": {"data": {"boltRunStatus": {"ok": True, "commands": [{"id": "x"}]}}}},
            r"boltRunStatus\.commands\.0\.id",
        ),
    ],
    ids=[
        "html",
        "list",
        "no-data",
        "null-data",
        "string-data",
        "null-payload",
        "missing-ok",
        "wrong-type",
        "bad-command",
    ],
)
def test_invalid_responses(
    kwargs: dict[str, object], match: str, twin: Twin, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(**kwargs)  # type: ignore[arg-type]
    with pytest.raises(InvalidResponseError, match=match) as info:
        twin.call("bolt_run_status", run_id=1)
    assert info.value.operation == "BoltRunStatus"
    assert info.value.__cause__ is None, "no json or pydantic exception travels with ours"


def test_ok_false_names_the_operation_and_what_was_asked(twin: Twin, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json={"data": {"cancelBoltRun": {"ok": False}}})
    with pytest.raises(OperationFailedError) as info:
        twin.call("cancel_bolt_run", 404)
    assert info.value.operation == "CancelBoltRun"
    assert info.value.arguments == {"schedule_run_id": 404}
    assert str(info.value) == "CancelBoltRun returned ok: false for schedule_run_id=404"


def test_ok_false_for_a_lookup_names_what_is_missing(twin: Twin, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json={"data": {"boltScheduleName": {"ok": False}}})
    with pytest.raises(NotFoundError) as info:
        twin.call("bolt_schedule_name", "no such schedule")
    assert info.value.operation == "BoltScheduleName"
    assert info.value.arguments == {"schedule_name": "no such schedule"}
    assert str(info.value) == (
        "BoltScheduleName: no schedule with schedule_name='no such schedule' "
        "(the API answered ok: false)"
    )


@pytest.mark.parametrize(
    ("method", "payload"),
    [
        ("cancel_bolt_run", {"cancelBoltRun": {"ok": False}}),
        ("bolt_run_status", {"boltRunStatus": {"ok": False}}),
        ("bolt_command", {"boltCommand": {"ok": False}}),
        ("bolt_resource_url", {"boltResourceUrl": {"ok": False}}),
    ],
)
def test_ok_false_for_every_operation_that_has_ok(
    method: str, payload: dict[str, object], twin: Twin, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json={"data": payload})
    with pytest.raises(OperationFailedError, match=r"ok: false") as info:
        twin.call(method, 404)
    assert "=404" in str(info.value)


@pytest.mark.parametrize(
    ("method", "kwargs", "match"),
    [
        ("bolt_schedule_name", {}, "exactly one of schedule_name= and slug="),
        ("bolt_schedule_name", {"schedule_name": "a", "slug": "a"}, "exactly one"),
        ("bolt_schedule_name", {"schedule_name": "  "}, "schedule_name must be a non-empty"),
        ("trigger_bolt_run", {"schedule_name": "a", "commands": "dbt run"}, "a list of commands"),
        ("trigger_bolt_run", {"schedule_name": "a", "commands": []}, "must not be empty"),
        ("trigger_bolt_run", {"schedule_name": "a", "branch": ""}, "branch must be"),
    ],
)
def test_bad_arguments_fail_before_any_request(
    method: str, kwargs: dict[str, object], match: str, twin: Twin, httpx_mock: HTTPXMock
) -> None:
    with pytest.raises(InvalidArgumentError, match=match):
        twin.call(method, **kwargs)
    assert httpx_mock.get_requests() == []


def test_every_error_is_a_bolt_error() -> None:
    for cls in (
        TransportError,
        RequestTimeoutError,
        HTTPStatusError,
        AuthenticationError,
        RateLimitError,
        ServerError,
        GraphQLResponseError,
        AlreadyRunningError,
        InvalidResponseError,
        OperationFailedError,
        NotFoundError,
    ):
        assert issubclass(cls, APIError)
        assert issubclass(cls, BoltError)
    assert issubclass(InvalidArgumentError, BoltError)
