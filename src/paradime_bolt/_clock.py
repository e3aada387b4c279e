"""The client's clock: what retries, waiting for runs and following logs read and wait on."""

from __future__ import annotations

import time

__all__ = ["Clock", "SimulatedClock"]


class Clock:
    """Real time: `time.monotonic`, `time.sleep`, `asyncio.sleep`.

    Every wait of a client goes through its clock (`clock=`): the back-off between retries,
    the polls of `wait_for_run`, the pauses of a log being followed. Clients made from it
    (`with_options`, `with_workspace`) share it. A subclass changes time for all of them at
    once: `SimulatedClock` makes every wait instant, for tests.
    """

    def now(self) -> float:
        """Seconds on a clock that never goes back; only differences mean anything."""
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        """Waits, for `BoltClient`."""
        time.sleep(seconds)

    async def asleep(self, seconds: float) -> None:
        """Waits, for `AsyncBoltClient`; asyncio is imported here, so a sync client never
        loads it."""
        import asyncio

        await asyncio.sleep(seconds)


class SimulatedClock(Clock):
    """Time that passes only when the client waits: each wait is recorded in `sleeps` and moves
    `now()` on at once, so retries, polling and timeouts are instant and exact in tests.

        clock = SimulatedClock()
        bolt = BoltClient(clock=clock)
        bolt.wait_for_run(run_id, timeout=60)   # against a test server; no real waiting
        clock.sleeps                             # [1.0, 1.5, 2.25, ...]
    """

    def __init__(self, start: float = 0.0) -> None:
        self.time = start
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.time

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.time += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)

    def advance(self, seconds: float) -> None:
        """Moves time on without a wait of the client (the world moving meanwhile)."""
        self.time += seconds
