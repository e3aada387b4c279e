"""The async client's own pool lets no more requests in at once than it has connections: the rest
wait at its gate, not in httpcore's queue (whose scan is quadratic in what waits there). Clients
sharing the pool share the gate; a pool the caller passes is not gated."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx

from paradime_bolt import AsyncBoltClient
from paradime_bolt._transport import POOL_CONNECTIONS
from tests.support.fake_api import API_KEY, API_SECRET, ENDPOINT
from tests.support.payloads import progress

CALLS = POOL_CONNECTIONS + 50
CREDENTIALS: dict[str, Any] = {"endpoint": ENDPOINT, "api_key": API_KEY, "api_secret": API_SECRET}
# Only a bound for a wrong implementation to fail by, never a margin: a right one is not timed.
BOUND = 600


class _HeldAnswers:
    """pytest-httpx's answer to BoltRunProgress, held until released; counts the requests in
    flight and sets `reached` once `expected` of them are."""

    def __init__(self, httpx_mock: Any, expected: int) -> None:
        self.in_flight = 0
        self.most = 0
        self.expected = expected
        self.reached = asyncio.Event()
        self.release = asyncio.Event()
        httpx_mock.add_callback(self.answer, url=ENDPOINT, is_reusable=True)

    async def answer(self, request: httpx.Request) -> httpx.Response:
        assert json.loads(request.content)["operationName"] == "BoltRunProgress"
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        if self.in_flight == self.expected:
            self.reached.set()
        await self.release.wait()
        self.in_flight -= 1
        return httpx.Response(200, json=progress("RUNNING"))

    async def run(self, clients: list[AsyncBoltClient], settle: Callable[[], Any]) -> None:
        """CALLS calls spread over `clients`; once `expected` are in flight, `settle`, then
        release them all: every call must end with the answer."""
        calls = [
            asyncio.ensure_future(clients[i % len(clients)].bolt_run_progress(7))
            for i in range(CALLS)
        ]
        await asyncio.wait_for(self.reached.wait(), BOUND)
        await settle()
        self.release.set()
        answers = await asyncio.gather(*calls)
        assert all(answer.state == "RUNNING" for answer in answers)


async def _every_waiting_call_takes_its_turns() -> None:
    for _ in range(CALLS * 4):
        await asyncio.sleep(0)


def test_requests_past_the_pool_size_wait_at_the_gate(httpx_mock: Any) -> None:
    held = _HeldAnswers(httpx_mock, POOL_CONNECTIONS)

    async def main() -> None:
        async with AsyncBoltClient(**CREDENTIALS) as bolt:
            await held.run([bolt], _every_waiting_call_takes_its_turns)
            assert held.most == POOL_CONNECTIONS

    asyncio.run(main())


def test_clients_sharing_the_pool_share_its_gate(httpx_mock: Any) -> None:
    held = _HeldAnswers(httpx_mock, POOL_CONNECTIONS)

    async def main() -> None:
        async with AsyncBoltClient(**CREDENTIALS) as bolt:
            sharers = [bolt, bolt.with_options(max_retries=0), bolt.with_workspace("other")]
            await held.run(sharers, _every_waiting_call_takes_its_turns)
            assert held.most == POOL_CONNECTIONS

    asyncio.run(main())


def test_a_pool_the_caller_passes_is_not_gated(httpx_mock: Any) -> None:
    held = _HeldAnswers(httpx_mock, CALLS)  # every call in flight at once

    async def nothing() -> None:
        return None

    async def main() -> None:
        async with (
            httpx.AsyncClient() as pool,
            AsyncBoltClient(**CREDENTIALS, http_client=pool) as bolt,
        ):
            await held.run([bolt], nothing)
        assert held.most == CALLS

    asyncio.run(main())
