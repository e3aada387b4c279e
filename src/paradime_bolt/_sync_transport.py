"""`SyncTransport`: sends operations over an `httpx.Client`, with retries.

Written by scripts/unasync.py from `_async_transport.py`; do not edit. What the two transports
share is in `_transport.py`.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import Any

import httpx

from ._clock import Clock
from ._config import ClientConfig, RequestOptions, RequestSettings
from ._downloads import check_complete, storage_error
from ._exceptions import APIError, ConfigurationError
from ._response import Reply
from ._retry import RetryPolicy, never_reached_server
from ._transport import (
    _MAKING_POOL,
    NO_OPTIONS,
    T,
    _gate,
    _is_mutation,
    _payload,
    _Pool,
    _proxied,
    _TransportCore,
    check_proxy,
)

__all__ = ["SyncTransport"]


class SyncTransport(_TransportCore):
    """Sends operations over an `httpx.Client`, its own or one the caller owns."""

    def __init__(
        self,
        config: ClientConfig,
        http_client: httpx.Client | None = None,
        *,
        clock: Clock | None = None,
        policy: RetryPolicy | None = None,
        settings: RequestSettings | None = None,
        parent: SyncTransport | None = None,
        proxy: str | None = None,
    ) -> None:
        super().__init__(
            config,
            owns_client=http_client is None,
            policy=policy or RetryPolicy(),
            clock=clock or Clock(),
            settings=settings,
            parent=parent,
        )
        if http_client is not None and not isinstance(http_client, httpx.Client):
            raise ConfigurationError(
                f"http_client= must be an httpx.Client, not {type(http_client).__name__}"
            )
        self.pool: httpx.Client | None = http_client
        # Held while a request is in the pool, so no more wait in httpcore's queue than it has
        # connections: our own pool's gate (its sharers hold the same); a caller's pool has none.
        self.gate: contextlib.AbstractContextManager[Any] = contextlib.nullcontext()
        if parent is not None:
            self.gate = parent.gate
        elif http_client is None:
            self.gate = _gate()
        self.proxy = check_proxy(proxy, None)
        if self.proxy is not None:  # made now, so a proxy httpx cannot use fails here
            self.pool = self.make_pool()

    def make_pool(self) -> httpx.Client:
        return _proxied(_Pool, self.proxy, timeout=self.config.timeout, follow_redirects=False)

    @property
    def http(self) -> httpx.Client:
        """The connection pool. One the client owns is made on first use: an httpx client
        loads the TLS certificates when it is made, most of the cost of building a client."""
        if isinstance(self.parent, SyncTransport):
            return self.parent.http
        if self.pool is None:
            with _MAKING_POOL:
                if self.pool is None:
                    self.pool = self.make_pool()
        return self.pool

    def sharing(
        self, config: ClientConfig, settings: RequestSettings | None = None
    ) -> SyncTransport:
        """A transport with other settings over this one's connection pool, which it never
        closes (closing this one closes it for both); the clock and the retry policy are shared
        too. Its requests are sent with `settings`, by default this one's."""
        return SyncTransport(
            config,
            None,
            clock=self.clock,
            policy=self.policy,
            settings=settings or self.settings,
            parent=self,
        )

    def execute(
        self,
        query: str,
        operation_name: str | None,
        variables: dict[str, Any],
        *,
        options: RequestOptions = NO_OPTIONS,
    ) -> Reply:
        self.check_open()
        settings = self.settings.override(options)
        payload = _payload(query, operation_name, variables)

        number = 0

        def attempt() -> Reply:
            nonlocal number
            number += 1
            started = time.perf_counter()
            try:
                with self.gate:
                    response = self.http.post(
                        self.url,
                        content=payload,
                        headers=self.headers(),
                        timeout=settings.timeout,
                    )
            except httpx.HTTPError as exc:
                self.log_attempt(operation_name, number, started, type(exc).__name__)
                raise
            self.log_attempt(operation_name, number, started, response.status_code)
            return self.reply(response, operation_name)

        return self.with_retries(
            attempt,
            operation_name,
            is_mutation=_is_mutation(query),
            max_retries=settings.max_retries,
        )

    def with_retries(
        self,
        attempt: Callable[[], T],
        operation: str | None,
        *,
        is_mutation: bool,
        max_retries: int,
        target: str | None = None,
    ) -> T:
        """Runs `attempt` until it succeeds or the retry policy gives up; errors are ours
        (naming `target`, by default the endpoint, as the server)."""
        number = 0
        while True:
            try:
                return attempt()
            except httpx.HTTPError as exc:
                error = self.wrap_exception(exc, operation, target)
                sent = not never_reached_server(exc)
            except APIError as exc:
                error, sent = exc, True
            delay = self.retry_or_raise(
                error, attempt=number, max_retries=max_retries, is_mutation=is_mutation, sent=sent
            )
            self.clock.sleep(delay)
            number += 1

    def stream_get(
        self, url: str, write: Callable[[bytes], object], *, timeout: Any, operation: str
    ) -> int:
        """GETs a download URL (no API credentials: it is pre-signed) into `write`; returns the
        number of bytes written. A non-2xx answer is a `StorageError`."""
        self.check_open()
        with self.http.stream(
            "GET", url, headers={"User-Agent": self.user_agent}, timeout=timeout
        ) as response:
            if not response.is_success:
                response.read()
                raise storage_error(response, operation=operation, secret=self.secret)
            preloaded = response.is_stream_consumed  # a mock's body, already in memory
            written = 0
            for chunk in response.iter_bytes():
                write(chunk)
                written += len(chunk)
            check_complete(response, operation, decoded=written, preloaded=preloaded)
            return written

    def close(self) -> None:
        self.closed = True
        if self.owns_client and self.pool is not None:
            self.pool.close()
