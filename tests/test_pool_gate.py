"""The async client's own pool lets no more requests in at once than it has connections: the rest
wait at its gate, not in httpcore's queue (whose scan is quadratic in what waits there)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx

from paradime_bolt import AsyncBoltClient
from paradime_bolt._transport import POOL_CONNECTIONS
from tests.support.fake_api import API_KEY, API_SECRET, ENDPOINT
from tests.support.payloads import progress

CALLS = POOL_CONNECTIONS + 50


def test_requests_past_the_pool_size_wait_at_the_gate(httpx_mock: Any) -> None:
    in_flight = 0
    most = 0
    full = asyncio.Event()
    release = asyncio.Event()

    async def answer(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        if in_flight == POOL_CONNECTIONS:
            full.set()
        await release.wait()
        in_flight -= 1
        assert json.loads(request.content)["operationName"] == "BoltRunProgress"
        return httpx.Response(200, json=progress("RUNNING"))

    httpx_mock.add_callback(answer, url=ENDPOINT, is_reusable=True)

    async def main() -> None:
        async with AsyncBoltClient(
            endpoint=ENDPOINT, api_key=API_KEY, api_secret=API_SECRET
        ) as bolt:
            calls = [asyncio.ensure_future(bolt.bolt_run_progress(7)) for _ in range(CALLS)]
            await full.wait()
            for _ in range(CALLS * 4):  # every waiting call gets its turns: none gets in
                await asyncio.sleep(0)
            assert in_flight == POOL_CONNECTIONS
            release.set()
            answers = await asyncio.gather(*calls)
            assert all(a.state == "RUNNING" for a in answers)

    asyncio.run(main())
    assert most == POOL_CONNECTIONS
