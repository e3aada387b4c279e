"""Arguments the schema cannot carry are refused by `InvalidArgumentError` before any request:
ids and limits outside GraphQL's 32-bit `Int`, `limit < 1`, `offset < 0`, NaN or infinite
timeouts and intervals. The server would answer them with HTTP 400."""

from __future__ import annotations

import math
from typing import Any

import pytest
from pytest_httpx import HTTPXMock

from paradime_bolt import ConfigurationError, InvalidArgumentError, check_wait_arguments
from tests.support.fake_api import GraphQLScript
from tests.support.twins import Twin

INT_MAX = 2**31 - 1
INT_MIN = -(2**31)

ID_METHODS = [
    ("cancel_bolt_run", "schedule_run_id"),
    ("bolt_run_status", "run_id"),
    ("bolt_run_progress", "run_id"),
    ("bolt_command", "command_id"),
    ("bolt_command_logs", "command_id"),
    ("bolt_resource_url", "resource_id"),
    ("retry_bolt_run", "schedule_run_id"),
    ("retry_all_bolt_run", "schedule_run_id"),
    ("wait_for_run", "run_id"),
    ("find_artifact", "run_id"),
]


@pytest.mark.parametrize(("method", "name"), ID_METHODS, ids=[m for m, _ in ID_METHODS])
@pytest.mark.parametrize("value", [INT_MAX + 1, INT_MIN - 1, 10**30])
def test_ids_outside_a_graphql_int_are_refused(
    method: str, name: str, value: int, twin: Twin, httpx_mock: HTTPXMock
) -> None:
    extra: tuple[Any, ...] = ("target/manifest.json",) if method == "find_artifact" else ()
    with pytest.raises(InvalidArgumentError, match=f"{name} must fit GraphQL's 32-bit Int"):
        twin.call(method, value, *extra)
    assert httpx_mock.get_requests() == []


@pytest.mark.parametrize("value", ["15509", 15509.0, True, None])
def test_ids_must_be_integers(value: object, twin: Twin, httpx_mock: HTTPXMock) -> None:
    with pytest.raises(InvalidArgumentError, match="run_id must be an integer"):
        twin.call("bolt_run_status", value)
    assert httpx_mock.get_requests() == []


def test_the_edges_of_a_graphql_int_are_sent(twin: Twin, script: GraphQLScript) -> None:
    script.on("BoltRunStatus", {"data": {"boltRunStatus": {"ok": True, "commands": []}}})
    twin.call("bolt_run_status", INT_MAX)
    twin.call("bolt_run_status", INT_MIN)
    assert [v for _, v in script.calls] == [{"runId": INT_MAX}, {"runId": INT_MIN}]


def test_integer_like_ids_are_sent_as_plain_integers(twin: Twin, script: GraphQLScript) -> None:
    class RunId:  # what numpy's integers do: usable as an index, not an int
        def __index__(self) -> int:
            return 15509

    script.on("BoltRunStatus", {"data": {"boltRunStatus": {"ok": True, "commands": []}}})
    twin.call("bolt_run_status", RunId())
    assert script.calls == [("BoltRunStatus", {"runId": 15509})]


PAGING = [
    ("list_bolt_schedules", {"limit": 0}, "limit must be at least 1, not 0"),
    ("list_bolt_schedules", {"limit": -5}, "limit must be at least 1"),
    ("list_bolt_schedules", {"limit": INT_MAX + 1}, "limit must fit GraphQL's 32-bit Int"),
    ("list_bolt_schedules", {"offset": -1}, "offset must be at least 0, not -1"),
    ("list_bolt_schedules", {"offset": INT_MAX + 1}, "offset must fit"),
    ("list_bolt_schedules", {"limit": 2.5}, "limit must be an integer"),
    ("list_bolt_runs", {"schedule_name": "daily run", "limit": 0}, "limit must be at least 1"),
    ("list_bolt_runs", {"schedule_name": "daily run", "offset": -1}, "offset must be at least 0"),
    ("list_bolt_runs", {"schedule_name": "daily run", "limit": 2**40}, "limit must fit"),
    ("trigger_bolt_run", {"schedule_name": "daily run", "pr_number": 2**31}, "pr_number must fit"),
]


@pytest.mark.parametrize(("method", "kwargs", "match"), PAGING)
def test_limits_offsets_and_numbers_the_schema_cannot_carry(
    method: str, kwargs: dict[str, Any], match: str, twin: Twin, httpx_mock: HTTPXMock
) -> None:
    with pytest.raises(InvalidArgumentError, match=match):
        twin.call(method, **kwargs)
    assert httpx_mock.get_requests() == []


@pytest.mark.parametrize("page_size", [0, INT_MAX + 1])
def test_page_sizes_the_schema_cannot_carry(
    page_size: int, twin: Twin, httpx_mock: HTTPXMock
) -> None:
    with pytest.raises(InvalidArgumentError, match="page_size must"):
        twin.collect("iter_schedules", page_size=page_size)
    assert httpx_mock.get_requests() == []


NOT_FINITE = [math.nan, math.inf, -math.inf]
WAITS = [
    *({"timeout": v} for v in NOT_FINITE),
    *({"poll_interval": v} for v in NOT_FINITE),
    *({"max_poll_interval": v} for v in NOT_FINITE),
    {"timeout": "60"},
    {"poll_interval": None},
]


@pytest.mark.parametrize("kwargs", WAITS, ids=repr)
@pytest.mark.parametrize("method", ["wait_for_run", "trigger_and_wait"])
def test_waits_the_clock_cannot_carry_are_refused_before_any_request(
    method: str, kwargs: dict[str, Any], twin: Twin, httpx_mock: HTTPXMock
) -> None:
    first: Any = 1 if method == "wait_for_run" else "daily run"
    with pytest.raises(InvalidArgumentError, match=r"must be a positive, finite number"):
        twin.call(method, first, **kwargs)
    assert httpx_mock.get_requests() == [], "trigger_and_wait starts no run it cannot wait for"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        *((w, rf"^{next(iter(w))} must be a positive, finite number") for w in WAITS),
        ({"outage_tolerance": -1}, "^outage_tolerance must be 0 or more"),
        ({"outage_tolerance": math.nan}, "^outage_tolerance must be 0 or more"),
    ],
    ids=repr,
)
def test_check_wait_arguments_refuses_what_a_wait_would(
    kwargs: dict[str, Any], message: str
) -> None:
    """The public check that lets code which starts the run itself refuse a wait first."""
    arguments: dict[str, Any] = {"timeout": 60.0, **kwargs}
    with pytest.raises(InvalidArgumentError, match=message):
        check_wait_arguments(**arguments)
    check_wait_arguments(timeout=None, outage_tolerance=0)  # no timeout, no outage allowed: fine


@pytest.mark.parametrize("poll_interval", [*NOT_FINITE, 0, -1])
def test_following_logs_needs_a_usable_interval(
    poll_interval: float, twin: Twin, httpx_mock: HTTPXMock
) -> None:
    with pytest.raises(InvalidArgumentError, match="poll_interval must be a positive, finite"):
        twin.collect("iter_command_logs", 1, poll_interval=poll_interval)
    assert httpx_mock.get_requests() == []


@pytest.mark.parametrize("timeout", [*NOT_FINITE, 0, -1, "5"])
def test_a_per_call_timeout_the_clock_cannot_carry(
    timeout: object, twin: Twin, httpx_mock: HTTPXMock
) -> None:
    with pytest.raises(InvalidArgumentError, match="timeout must be a positive, finite"):
        twin.call("bolt_run_status", 1, timeout=timeout)
    assert httpx_mock.get_requests() == []


@pytest.mark.parametrize("max_retries", [-1, 1.5, True])
def test_a_per_call_max_retries_must_be_a_count(
    max_retries: object, twin: Twin, httpx_mock: HTTPXMock
) -> None:
    with pytest.raises(InvalidArgumentError, match="max_retries must be a non-negative integer"):
        twin.call("bolt_run_status", 1, max_retries=max_retries)
    assert httpx_mock.get_requests() == []


@pytest.mark.parametrize("timeout", NOT_FINITE)
def test_a_client_timeout_the_clock_cannot_carry_is_a_configuration_error(
    timeout: float, twin: Twin, httpx_mock: HTTPXMock
) -> None:
    with pytest.raises(ConfigurationError, match="timeout must be a positive, finite"):
        twin.with_options(timeout=timeout).call("bolt_run_status", 1)
    assert httpx_mock.get_requests() == []
