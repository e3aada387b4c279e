"""A background thread that advances runs on a short interval, so run events fire on time.

Requests advance runs too, so the emulator is correct without the ticker (as in in-process tests
that never run the ASGI lifespan); the ticker only makes events independent of traffic.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

logger = logging.getLogger(__name__)


class Ticker:
    """Calls ``advance(clock())`` every ``interval`` seconds until stopped."""

    def __init__(
        self, advance: Callable[[float], None], clock: Callable[[], float], interval: float
    ) -> None:
        self._advance = advance
        self._clock = clock
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread (once)."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._loop, name="bolt-emulator-ticker", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        """Stop the thread and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self._advance(self._clock())
            except Exception:
                logger.exception("advancing runs failed")
