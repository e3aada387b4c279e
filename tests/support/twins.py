"""`Twin`: one test, run on the sync and on the async client with the same arguments."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from paradime_bolt import AsyncBoltClient, BoltClient, SimulatedClock

from .fake_api import API_KEY, API_SECRET, ENDPOINT


class Twin:
    """Calls a client method on the sync or the async client, with the same arguments.

    With `simulated_time` (the default, for tests against a scripted server) the clients wait on
    a `SimulatedClock`: every wait is recorded in `sleeps` and advances the clock at once, so
    retries, polling and timeouts are instant and deterministic. Against a real server (the
    emulator) pass `simulated_time=False`.
    """

    def __init__(self, kind: str, *, simulated_time: bool = True, **client_kwargs: Any) -> None:
        self.kind = kind
        self.simulated_time = simulated_time
        self.clock = SimulatedClock()
        self.client_kwargs: dict[str, Any] = {
            "endpoint": ENDPOINT,
            "api_key": API_KEY,
            "api_secret": API_SECRET,
            "max_retries": 0,
            **({"clock": self.clock} if simulated_time else {}),
            **client_kwargs,
        }

    def __repr__(self) -> str:
        return f"Twin({self.kind})"

    @property
    def sleeps(self) -> list[float]:
        return self.clock.sleeps

    def _sync(self) -> BoltClient:
        return BoltClient(**self.client_kwargs)

    def _async(self) -> AsyncBoltClient:
        return AsyncBoltClient(**self.client_kwargs)

    def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.call_on(lambda client: client, method, *args, **kwargs)

    def call_on(self, derive: Callable[[Any], Any], method: str, *args: Any, **kwargs: Any) -> Any:
        """Calls `method` on `derive(client)`, such as `lambda c: c.with_options(timeout=5)`."""
        if self.kind == "sync":
            with self._sync() as client:
                return getattr(derive(client), method)(*args, **kwargs)

        async def run() -> Any:
            async with self._async() as client:
                return await getattr(derive(client), method)(*args, **kwargs)

        return asyncio.run(run())

    def collect(self, method: str, *args: Any, **kwargs: Any) -> list[Any]:
        """Runs an iterator method to the end, inside the client's lifetime."""
        if self.kind == "sync":
            with self._sync() as client:
                return list(getattr(client, method)(*args, **kwargs))

        async def run() -> list[Any]:
            async with self._async() as client:
                return [item async for item in getattr(client, method)(*args, **kwargs)]

        return asyncio.run(run())

    def with_options(self, **client_kwargs: Any) -> Twin:
        kwargs = {k: v for k, v in self.client_kwargs.items() if k != "clock"}
        return Twin(self.kind, simulated_time=self.simulated_time, **{**kwargs, **client_kwargs})
