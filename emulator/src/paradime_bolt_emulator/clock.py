"""A clock a test moves by hand, for `EmulatorServer(clock=...)`: runs then progress only when
the test says so, whatever the machine's load."""

from __future__ import annotations

import threading

DEFAULT_START = 1_724_799_537.0  # 2024-08-27 22:58:57 UTC, the docs' examples' day


class ManualClock:
    """Seconds since the epoch, moved forward by `advance()`; thread safe, since the server
    reads it from its threads."""

    def __init__(self, start: float = DEFAULT_START) -> None:
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        with self._lock:
            self._now += seconds
