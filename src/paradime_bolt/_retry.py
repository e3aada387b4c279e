"""When to retry a request, and how long to wait first.

Queries are idempotent: they are retried on any transport failure, on 429 and on 502/503/504.
Mutations (trigger, cancel, retry runs) are retried only when the request provably never reached
the server, i.e. the connection was never made, so a flaky network can never start a run twice.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Mapping
from typing import Final

import httpx

from ._exceptions import (
    APIError,
    HTTPStatusError,
    TransportError,
)

__all__ = ["RetryPolicy", "never_reached_server"]

RETRYABLE_STATUS: Final = frozenset({429, 502, 503, 504})
INITIAL_DELAY: Final = 0.5
MAX_DELAY: Final = 8.0
MAX_RETRY_AFTER: Final = 60.0


def never_reached_server(exc: BaseException) -> bool:
    """True when httpx failed before any byte of the request could have been sent."""
    return isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)


class RetryPolicy:
    """Decides whether attempt `n` (0-based) may be followed by another, and after what delay."""

    def __init__(
        self,
        *,
        initial_delay: float = INITIAL_DELAY,
        max_delay: float = MAX_DELAY,
        max_retry_after: float = MAX_RETRY_AFTER,
        rng: random.Random | None = None,
    ) -> None:
        self.initial_delay = initial_delay
        self.max_delay = max_delay
        self.max_retry_after = max_retry_after
        self._rng = rng or random.Random()

    def should_retry(self, error: APIError, *, is_mutation: bool, sent: bool) -> bool:
        """Whether this failure may be retried. `sent` is False when the request never left."""
        if is_mutation:
            return not sent
        if isinstance(error, TransportError):
            return True
        if isinstance(error, HTTPStatusError) and error.status_code in RETRYABLE_STATUS:
            hinted = self.retry_after(error)
            return hinted is None or hinted <= self.max_retry_after
        return False

    def delay(self, attempt: int, error: APIError) -> float:
        """Seconds to wait before the retry that follows attempt `attempt` (0-based)."""
        hinted = self.retry_after(error)
        if hinted is not None:
            return min(hinted, self.max_retry_after)
        backoff: float = min(self.initial_delay * (2.0**attempt), self.max_delay)
        return backoff * (0.75 + 0.25 * self._rng.random())

    @staticmethod
    def retry_after(error: APIError) -> float | None:
        """The server's Retry-After hint in seconds, on a 429 or 503, if it gave a valid one."""
        if not isinstance(error, HTTPStatusError):
            return None
        if error.status_code not in (429, 503):  # a download's storage answers 429 too
            return None
        return parse_retry_after(error.headers)


def parse_retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Reads `Retry-After` as seconds or as an HTTP date; None when absent or unreadable."""
    lowered = {k.lower(): v for k, v in headers.items()}
    raw = lowered.get("retry-after-ms")
    if raw is not None:
        try:
            return max(float(raw) / 1000.0, 0.0)
        except ValueError:
            pass
    raw = lowered.get("retry-after")
    if raw is None:
        return None
    raw = raw.strip()
    try:
        return max(float(raw), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    current = time.time() if now is None else now
    return max(when.timestamp() - current, 0.0)
