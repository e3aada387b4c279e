"""Retries: queries on transient failures with backoff and Retry-After; mutations only when the
request provably never reached the server, so a flaky network never starts a run twice."""

from __future__ import annotations

import random

import httpx
import pytest
from pytest_httpx import HTTPXMock

from paradime_bolt import (
    RateLimitError,
    RequestTimeoutError,
    ServerError,
    TransportError,
)
from paradime_bolt._exceptions import HTTPStatusError
from paradime_bolt._retry import RetryPolicy, parse_retry_after
from tests.support.twins import Twin

STATUS = {"data": {"boltRunStatus": {"ok": True, "state": "SUCCESS", "commands": []}}}
TRIGGERED = {"data": {"triggerBoltRun": {"runId": 9}}}


@pytest.fixture
def retrying(twin: Twin) -> Twin:
    return twin.with_options(max_retries=3)


@pytest.mark.parametrize(
    "failure",
    [
        {"exception": httpx.ConnectError("refused")},
        {"exception": httpx.ReadTimeout("slow")},
        {"exception": httpx.RemoteProtocolError("dropped")},
        {"status_code": 502},
        {"status_code": 503},
        {"status_code": 504},
        {"status_code": 429},
    ],
    ids=["connect", "read-timeout", "dropped", "502", "503", "504", "429"],
)
def test_queries_are_retried_on_transient_failures(
    failure: dict[str, object], retrying: Twin, httpx_mock: HTTPXMock
) -> None:
    if "exception" in failure:
        httpx_mock.add_exception(failure["exception"])  # type: ignore[arg-type]
    else:
        httpx_mock.add_response(status_code=failure["status_code"])  # type: ignore[arg-type]
    httpx_mock.add_response(json=STATUS)
    assert retrying.call("bolt_run_status", 1).state == "SUCCESS"
    assert len(httpx_mock.get_requests()) == 2
    assert len(retrying.sleeps) == 1


def test_429_honours_retry_after(retrying: Twin, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(status_code=429, headers={"Retry-After": "3"})
    httpx_mock.add_response(json=STATUS)
    retrying.call("bolt_run_status", 1)
    assert retrying.sleeps == [3.0]


def test_a_retry_after_beyond_the_cap_is_not_waited_for(
    retrying: Twin, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(status_code=429, headers={"Retry-After": "3600"})
    with pytest.raises(RateLimitError):
        retrying.call("bolt_run_status", 1)
    assert retrying.sleeps == []


def test_a_503_storm_gives_up_after_max_retries(retrying: Twin, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(status_code=503, is_reusable=True)
    with pytest.raises(ServerError) as info:
        retrying.call("bolt_run_status", 1)
    assert info.value.status_code == 503
    assert len(httpx_mock.get_requests()) == 4
    assert len(retrying.sleeps) == 3
    assert retrying.sleeps == sorted(retrying.sleeps), "backoff grows"


def test_per_call_max_retries_overrides_the_client(retrying: Twin, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(status_code=503, is_reusable=True)
    with pytest.raises(ServerError):
        retrying.call("bolt_run_status", 1, max_retries=0)
    assert len(httpx_mock.get_requests()) == 1


@pytest.mark.parametrize("status", [400, 401, 500])
def test_other_statuses_are_not_retried(status: int, retrying: Twin, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(status_code=status)
    with pytest.raises(HTTPStatusError):
        retrying.call("bolt_run_status", 1)
    assert len(httpx_mock.get_requests()) == 1


def test_graphql_errors_are_not_retried(retrying: Twin, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json={"data": None, "errors": [{"message": "boom"}]})
    with pytest.raises(Exception, match="boom"):
        retrying.call("bolt_run_status", 1)
    assert len(httpx_mock.get_requests()) == 1


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        ({"exception": httpx.ReadTimeout("slow")}, RequestTimeoutError),
        ({"exception": httpx.RemoteProtocolError("dropped")}, TransportError),
        ({"exception": httpx.ReadError("reset")}, TransportError),
        ({"status_code": 502}, ServerError),
        ({"status_code": 503}, ServerError),
        ({"status_code": 429}, RateLimitError),
    ],
    ids=["read-timeout", "dropped", "reset", "502", "503", "429"],
)
@pytest.mark.parametrize(
    ("method", "args"),
    [("trigger_bolt_run", ("daily run",)), ("cancel_bolt_run", (5,))],
)
def test_mutations_are_never_retried_once_the_request_may_have_arrived(
    failure: dict[str, object],
    error: type[Exception],
    method: str,
    args: tuple[object, ...],
    retrying: Twin,
    httpx_mock: HTTPXMock,
) -> None:
    if "exception" in failure:
        httpx_mock.add_exception(failure["exception"])  # type: ignore[arg-type]
    else:
        httpx_mock.add_response(status_code=failure["status_code"])  # type: ignore[arg-type]
    with pytest.raises(error):
        retrying.call(method, *args)
    assert len(httpx_mock.get_requests()) == 1, "a mutation must never be sent twice"


@pytest.mark.parametrize(
    "exception",
    [httpx.ConnectError("refused"), httpx.ConnectTimeout("no route"), httpx.PoolTimeout("pool")],
)
def test_mutations_are_retried_when_the_connection_was_never_made(
    exception: Exception, retrying: Twin, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_exception(exception)
    httpx_mock.add_response(json=TRIGGERED)
    assert retrying.call("trigger_bolt_run", "daily run").run_id == 9
    assert len(httpx_mock.get_requests()) == 2


def test_backoff_is_exponential_capped_and_jittered() -> None:
    policy = RetryPolicy(initial_delay=0.5, max_delay=8.0, rng=random.Random(1))
    error = ServerError("x", status_code=502)
    delays = [policy.delay(n, error) for n in range(8)]
    for n, delay in enumerate(delays):
        nominal = min(0.5 * 2**n, 8.0)
        assert 0.75 * nominal <= delay <= nominal
    assert max(delays) <= 8.0
    assert len({round(d, 6) for d in delays[5:]}) > 1, "jitter spreads capped delays"


def test_retry_after_forms() -> None:
    assert parse_retry_after({"Retry-After": "2"}) == 2.0
    assert parse_retry_after({"retry-after-ms": "1500"}) == 1.5
    assert (
        parse_retry_after({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, now=1445412470.0)
        == 10.0
    )
    assert parse_retry_after({"Retry-After": "soon"}) is None
    assert parse_retry_after({}) is None
