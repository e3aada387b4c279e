"""A clock the test moves by hand, for an emulator the client tests start themselves."""

from __future__ import annotations

import threading


class FakeClock:
    """A clock the test moves by hand, for an emulator (`EmulatorServer(clock=...)`); thread safe,
    since the server reads it from its threads. Starts at 2024-08-27 22:58:57 UTC by default."""

    def __init__(self, start: float = 1_724_799_537.0) -> None:
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        with self._lock:
            self._now += seconds
