"""Emulated latency: every GraphQL request waits ``latency_ms`` first, without blocking the loop.

In process (``httpx.ASGITransport``), so a test costs about one latency period: concurrent
requests overlap their waits, which shows the wait does not hold up the event loop.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import httpx

from paradime_bolt.emulator import EmulatorServer

from .support import HEADERS

LATENCY_MS = 150
QUERY = {"query": "{ listBoltSchedules { totalCount } }"}


async def _timed(app: Any, requests: int, path: str = "/graphql") -> tuple[float, list[int]]:
    """Send ``requests`` concurrent requests; how long they took together, and their statuses."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://emulator.test") as http:
        started = time.monotonic()
        if path == "/graphql":
            calls = [http.post(path, json=QUERY, headers=HEADERS) for _ in range(requests)]
        else:
            calls = [http.get(path) for _ in range(requests)]
        responses = await asyncio.gather(*calls)
        return time.monotonic() - started, [response.status_code for response in responses]


def test_graphql_requests_wait_concurrently(make_app: Callable[..., Any]) -> None:
    app = make_app(latency_ms=LATENCY_MS)
    elapsed, statuses = asyncio.run(_timed(app, 5))
    assert statuses == [200] * 5
    assert elapsed >= LATENCY_MS / 1000
    assert elapsed < 3 * LATENCY_MS / 1000  # one wait, not five in a row (0.75 s)


def test_a_rejected_request_waits_too_but_the_health_check_does_not(
    make_app: Callable[..., Any],
) -> None:
    app = make_app(latency_ms=LATENCY_MS)

    async def unauthorised() -> tuple[float, int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://emulator.test") as http:
            started = time.monotonic()
            response = await http.post("/graphql", json=QUERY)
            return time.monotonic() - started, response.status_code

    elapsed, status = asyncio.run(unauthorised())
    assert status == 401
    assert elapsed >= LATENCY_MS / 1000
    health, statuses = asyncio.run(_timed(app, 1, "/healthz"))
    assert statuses == [200]
    assert health < LATENCY_MS / 1000


def test_no_latency_by_default(make_app: Callable[..., Any]) -> None:
    elapsed, statuses = asyncio.run(_timed(make_app(), 3))
    assert statuses == [200] * 3
    assert elapsed < LATENCY_MS / 1000


def test_the_server_takes_latency_and_webhook_urls_as_overrides() -> None:
    server = EmulatorServer(latency_ms=25, webhook_urls=["http://127.0.0.1:9/hooks"])
    assert server.config.latency_ms == 25
    assert server.config.webhook_urls == ("http://127.0.0.1:9/hooks",)
    assert EmulatorServer(server.config, webhook_urls=[]).config.webhook_urls == ()
