"""Emulated latency: every GraphQL request waits ``latency_ms`` first, without blocking the loop.

In process (``httpx.ASGITransport``), with the wait itself replaced by one the test releases, so
nothing depends on how fast the machine is: concurrent requests are all seen waiting at once,
which shows the wait does not hold up the event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from paradime_bolt_emulator import EmulatorServer
from paradime_bolt_emulator.api import app as app_module

from .support import HEADERS

pytestmark = pytest.mark.e2e

LATENCY_MS = 150
QUERY = {"query": "{ listBoltSchedules { totalCount } }"}


class HeldSleeps:
    """Stands in for the latency's ``asyncio.sleep``: records each wait and holds it until released.

    Concurrency is then shown by events, not by timing: every request is waiting at once before
    any is let through, which a wait that blocked the event loop could never reach.
    """

    def __init__(self) -> None:
        self.waits: list[float] = []
        self.release = asyncio.Event()
        self.all_waiting = asyncio.Event()
        self.expected = 0

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        if len(self.waits) >= self.expected:
            self.all_waiting.set()
        await self.release.wait()


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> HeldSleeps:
    held = HeldSleeps()
    monkeypatch.setattr(app_module, "asyncio", SimpleNamespace(sleep=held.sleep))
    return held


async def _send(
    app: Any, sleeps: HeldSleeps, requests: int, path: str = "/graphql", **kwargs: Any
) -> list[int]:
    """Send ``requests`` concurrent requests; release the waits once all are waiting."""
    transport = httpx.ASGITransport(app=app)
    sleeps.expected = requests
    async with httpx.AsyncClient(transport=transport, base_url="http://emulator.test") as http:
        if path == "/graphql":
            calls = [http.post(path, json=QUERY, **kwargs) for _ in range(requests)]
        else:
            calls = [http.get(path) for _ in range(requests)]
        tasks = [asyncio.ensure_future(call) for call in calls]
        if not sleeps.release.is_set():
            await asyncio.wait_for(sleeps.all_waiting.wait(), timeout=60)  # a guard, not a margin
        sleeps.release.set()
        responses = await asyncio.gather(*tasks)
        return [response.status_code for response in responses]


def test_graphql_requests_wait_concurrently(
    make_app: Callable[..., Any], sleeps: HeldSleeps
) -> None:
    app = make_app(latency_ms=LATENCY_MS)
    statuses = asyncio.run(_send(app, sleeps, 5, headers=HEADERS))
    assert statuses == [200] * 5
    assert sleeps.waits == [LATENCY_MS / 1000] * 5  # all five were waiting at the same time


def test_a_rejected_request_waits_too_but_the_health_check_does_not(
    make_app: Callable[..., Any], sleeps: HeldSleeps
) -> None:
    app = make_app(latency_ms=LATENCY_MS)
    assert asyncio.run(_send(app, sleeps, 1)) == [401]
    assert sleeps.waits == [LATENCY_MS / 1000]
    assert asyncio.run(_send(app, sleeps, 1, "/healthz")) == [200]
    assert sleeps.waits == [LATENCY_MS / 1000], "the health check did not wait"


def test_no_latency_by_default(make_app: Callable[..., Any], sleeps: HeldSleeps) -> None:
    sleeps.release.set()
    assert asyncio.run(_send(make_app(), sleeps, 3, headers=HEADERS)) == [200] * 3
    assert sleeps.waits == []


def test_the_server_takes_latency_and_webhook_urls_as_overrides() -> None:
    server = EmulatorServer(latency_ms=25, webhook_urls=["http://127.0.0.1:9/hooks"])
    assert server.config.latency_ms == 25
    assert server.config.webhook_urls == ("http://127.0.0.1:9/hooks",)
    assert EmulatorServer(server.config, webhook_urls=[]).config.webhook_urls == ()
