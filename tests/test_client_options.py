"""`with_options`: another timeout or number of retries for every method of a client made from
another, over the same connection pool and clock; and `clock=`, the time every wait goes by."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from pytest_httpx import HTTPXMock

from paradime_bolt import (
    AsyncBoltClient,
    BoltClient,
    ClientClosedError,
    InvalidArgumentError,
    RunTimeoutError,
    ServerError,
    SimulatedClock,
)
from tests.support import payloads as p
from tests.support.fake_api import API_KEY, API_SECRET, ENDPOINT, GraphQLScript
from tests.support.twins import Twin

STATUS = p.status("SUCCESS")


def unavailable(_variables: object) -> httpx.Response:
    return httpx.Response(503, json={"errors": [{"message": "unavailable"}]})


URL = "https://files.example/manifest.json?signature=x"
CREDENTIALS: dict[str, Any] = {"endpoint": ENDPOINT, "api_key": API_KEY, "api_secret": API_SECRET}


def test_an_operation_uses_the_options_of_its_client(twin: Twin, script: GraphQLScript) -> None:
    script.on("BoltRunStatus", unavailable, STATUS)
    status = twin.call_on(lambda c: c.with_options(max_retries=1), "bolt_run_status", 7)
    assert status.state == "SUCCESS"
    assert script.count("BoltRunStatus") == 2, "the 503 was retried once"


def test_the_client_it_was_made_from_is_unchanged(twin: Twin, script: GraphQLScript) -> None:
    script.on("BoltRunStatus", unavailable, STATUS)

    def derive(client: Any) -> Any:
        made = client.with_options(timeout=4, max_retries=1)
        assert (made.config.timeout, made.config.max_retries) == (4, 1)
        assert (client.config.timeout, client.config.max_retries) == (30.0, 0)
        return client

    with pytest.raises(ServerError):
        twin.call_on(derive, "bolt_run_status", 7)
    assert script.count("BoltRunStatus") == 1


@pytest.mark.parametrize(
    ("helper", "args"),
    [
        ("wait_for_run", (31,)),
        ("iter_schedules", ()),
        ("find_artifact", (9, "target/manifest.json")),
        ("download_resource", (1, "{tmp}/m.json")),
    ],
)
def test_the_workflows_honour_with_options(
    helper: str,
    args: tuple[Any, ...],
    twin: Twin,
    script: GraphQLScript,
    httpx_mock: HTTPXMock,
    tmp_path: Path,
) -> None:
    script.on("BoltRunProgress", unavailable, _run())
    script.on("BoltRunStatus", unavailable, STATUS)
    script.on(
        "ListBoltSchedules",
        unavailable,
        p.schedules(),
    )
    script.on("BoltCommand", unavailable, p.command_details(9, (30, "target/manifest.json")))
    script.on("BoltResourceUrl", unavailable, p.resource_url(URL))
    httpx_mock.add_response(url=URL, json={"nodes": {}}, is_optional=True)
    arguments = [a.replace("{tmp}", str(tmp_path)) if isinstance(a, str) else a for a in args]

    def derive(client: Any) -> Any:
        return client.with_options(timeout=7, max_retries=1)

    if helper.startswith("iter_"):
        twin.call_on(lambda c: _Collect(derive(c), helper), "run", *arguments)
    else:
        twin.call_on(
            derive, helper, *arguments, **({"poll_interval": 1} if "wait" in helper else {})
        )
    requests = [r for r in httpx_mock.get_requests() if str(r.url) == ENDPOINT]
    assert {r.extensions["timeout"]["read"] for r in requests} == {7}
    assert sum(1 for _ in script.calls) > len({n for n, _ in script.calls}), "a 503 was retried"


def test_a_bad_option_is_an_invalid_argument_before_any_request(twin: Twin) -> None:
    for options in ({"timeout": -1}, {"max_retries": -1}, {"max_retries": True}):
        with pytest.raises(InvalidArgumentError, match=r"timeout|max_retries"):
            twin.call_on(lambda c, o=options: c.with_options(**o), "bolt_run_status", 7)


def test_it_shares_the_pool_and_a_closed_client_closes_it(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url=ENDPOINT, json=STATUS, is_reusable=True)
    bolt = BoltClient(**CREDENTIALS)
    quick = bolt.with_options(timeout=2)
    assert quick._transport.http is bolt._transport.http
    quick.bolt_run_status(1)
    quick.close()
    bolt.bolt_run_status(1)
    bolt.close()
    with pytest.raises(ClientClosedError, match="this client is closed"):
        quick.with_options(max_retries=0).bolt_run_status(1)
    assert [r.extensions["timeout"]["read"] for r in httpx_mock.get_requests()] == [2, 30]


def test_its_timeout_applies_over_a_caller_owned_http_client(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url=ENDPOINT, json=STATUS, is_reusable=True)
    with (
        httpx.Client(timeout=3) as own,
        BoltClient(**CREDENTIALS, http_client=own) as bolt,
    ):
        bolt.bolt_run_status(1)
        bolt.with_options(timeout=9).bolt_run_status(1)
        bolt.with_options(max_retries=0).bolt_run_status(1)
    assert [r.extensions["timeout"]["read"] for r in httpx_mock.get_requests()] == [3, 9, 3]


def test_every_wait_goes_by_the_clock_it_was_given(script: GraphQLScript) -> None:
    running = _run("RUNNING")
    script.on("BoltRunStatus", unavailable, STATUS)
    script.on("BoltRunProgress", running, running, _run())
    clock = SimulatedClock(start=100.0)
    with BoltClient(**CREDENTIALS, clock=clock, max_retries=1) as bolt:
        assert bolt.clock is clock
        assert bolt.with_options(timeout=5).clock is clock
        assert bolt.with_workspace("ws").clock is clock
        bolt.wait_for_run(7, poll_interval=2, max_poll_interval=3)
    retry_delay = clock.sleeps[-1]
    assert clock.sleeps[:2] == [2, 3] and 0 < retry_delay <= 1
    assert clock.now() == 100.0 + 5 + retry_delay


def test_the_async_client_waits_by_its_clock_too(script: GraphQLScript) -> None:
    import asyncio

    script.on("BoltRunProgress", _run("RUNNING"))
    clock = SimulatedClock()

    async def run() -> None:
        async with AsyncBoltClient(**CREDENTIALS, clock=clock) as bolt:
            await bolt.wait_for_run(7, timeout=10, poll_interval=4, max_poll_interval=4)

    with pytest.raises(RunTimeoutError, match="did not finish within 10s"):
        asyncio.run(run())
    assert clock.sleeps == [4, 4, 2]


class _Collect:
    """An iterator method as a plain method, so Twin can call it on a derived client."""

    def __init__(self, client: Any, method: str) -> None:
        self.client, self.method = client, method

    def run(self, *args: Any) -> Any:
        if isinstance(self.client, BoltClient):
            return list(getattr(self.client, self.method)(*args))

        async def collect() -> list[Any]:
            return [item async for item in getattr(self.client, self.method)(*args)]

        return collect()


def _run(state: str = "SUCCESS") -> dict[str, Any]:
    return p.progress(state, p.command(3, "dbt run", 0))
