"""The HTTP side of the client: headers, timeouts, retries and error mapping, shared by the
sync and async transports (`_async_transport.py`, and `_sync_transport.py` written from it).

The generated client hands every operation to `execute()`; nothing else in the package speaks
HTTP to the GraphQL endpoint. Per-call `timeout=` and `max_retries=` arrive here as a
`RequestOptions`, over the transport's own `RequestSettings` (the client's, or `with_options`').

Each transport also holds the client's `Clock`: retries, waiting for runs and following logs all
wait through it, so a test or a simulation can replace time in one place.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import platform
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
import pydantic

from ._clock import Clock
from ._config import ClientConfig, RequestOptions, RequestSettings, credential_headers
from ._exceptions import (
    APIError,
    ClientClosedError,
    ConfigurationError,
    RequestTimeoutError,
    TransportError,
)
from ._logging import http_logger, logger, setup_from_env
from ._response import Reply, parse_reply, read_graphql_response, status_error
from ._retry import RetryPolicy
from ._version import __version__

__all__ = ["NO_OPTIONS", "check_proxy", "user_agent"]

T = TypeVar("T")
ModelT = TypeVar("ModelT", bound=pydantic.BaseModel)
NO_OPTIONS = RequestOptions()
# Held while a transport makes its connection pool, so threads sharing a client make one.
_MAKING_POOL = threading.Lock()
# httpx's default pool size. Requests beyond it wait at the client's gate rather than in
# httpcore's queue, which matches every queued request against every connection each time one
# frees up: with 1,000 waits polling at once (a triggerer's), that scan took the whole CPU.
POOL_CONNECTIONS = 100


def _async_gate() -> contextlib.AbstractAsyncContextManager[Any]:
    """The async pool's gate (asyncio is imported here: a sync client never loads it)."""
    import asyncio

    return asyncio.Semaphore(POOL_CONNECTIONS)


def _gate() -> contextlib.AbstractContextManager[Any]:
    """The sync pool's gate: threads past the pool's size wait here."""
    return threading.Semaphore(POOL_CONNECTIONS)


def user_agent() -> str:
    """Names this package and its version, then the Python and httpx versions."""
    return (
        f"paradime-bolt/{__version__} python/{platform.python_version()} httpx/{httpx.__version__}"
    )


_PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")


def check_proxy(proxy: object, http_client: object) -> str | None:
    """The `proxy=` URL, checked before any connection; errors never show it (a proxy URL may
    carry a user and password)."""
    if proxy is None:
        return None
    if not isinstance(proxy, str):
        raise ConfigurationError(f"proxy= must be a URL string, not {type(proxy).__name__}")
    if http_client is not None:
        raise ConfigurationError(
            "pass proxy= or http_client=, not both: set the proxy on the httpx client you own"
        )
    value = proxy.strip()
    try:
        parts = urlsplit(value)
        _ = parts.port
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in _PROXY_SCHEMES or not parts.hostname:
        raise ConfigurationError(
            "proxy= must be an http, https, socks5 or socks5h URL with a host and a valid port, "
            "such as http://proxy.example:3128 (the value is not shown: it may hold a password)"
        )
    return value


def _proxied(make: Callable[..., T], proxy: str | None, **kwargs: Any) -> T:
    """`make(**kwargs)` (an httpx client), through `proxy` when one is given."""
    if proxy is None:
        return make(**kwargs)
    try:
        return make(proxy=proxy, **kwargs)
    except ImportError as exc:  # socks5:// without httpx's [socks] extra
        raise ConfigurationError(f"this proxy needs: pip install 'httpx[socks]' ({exc})") from None
    except (ValueError, httpx.InvalidURL):
        raise ConfigurationError("proxy= is not a URL httpx can use") from None


class _QuietCookies(httpx.Cookies):
    """Cookies that skip httpx's parsing of an answer that sets none (it builds a urllib
    request and an email message per answer: about a third of a small call's own time)."""

    def extract_cookies(self, response: httpx.Response) -> None:
        if "set-cookie" in response.headers:
            super().extract_cookies(response)


class _SkipsCookielessAnswers:
    """For the pools a client owns: httpx's clients, with `_QuietCookies` (cookies an answer
    sets are still kept and sent, as by any httpx client)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cookies = kwargs.get("cookies")

    @property
    def cookies(self) -> httpx.Cookies:
        return self._quiet_cookies

    @cookies.setter
    def cookies(self, cookies: Any) -> None:
        self._quiet_cookies = _QuietCookies(cookies)


class _Pool(_SkipsCookielessAnswers, httpx.Client):
    """The connection pool a `BoltClient` owns."""


class _AsyncPool(_SkipsCookielessAnswers, httpx.AsyncClient):
    """The connection pool an `AsyncBoltClient` owns."""


class _TransportCore:
    """What the sync and async transports share: headers, options and error mapping."""

    pool: httpx.Client | httpx.AsyncClient | None

    def __init__(
        self,
        config: ClientConfig,
        *,
        owns_client: bool,
        policy: RetryPolicy,
        clock: Clock,
        settings: RequestSettings | None,
        parent: _TransportCore | None,
    ) -> None:
        self.config = config
        # Only a root transport owns a pool; one made by `sharing` uses its parent's.
        self.owns_client = owns_client and parent is None
        self.policy = policy
        self.clock = clock
        self.parent = parent
        # A pool we built carries the client's timeout; one the caller owns keeps its own.
        self.settings = settings or RequestSettings(
            config.timeout if owns_client else httpx.USE_CLIENT_DEFAULT, config.max_retries
        )
        self.closed = False
        # Built once per transport: the endpoint parsed, the headers that hold no credential.
        self.url = httpx.URL(config.endpoint)
        self.user_agent = user_agent()
        self.constant_headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": self.user_agent,
        }
        if parent is None:
            setup_from_env()

    @property
    def is_closed(self) -> bool:
        """Closed itself, or made from a client that was closed since (`sharing`)."""
        return self.closed or (self.parent is not None and self.parent.is_closed)

    def made_http(self) -> httpx.Client | httpx.AsyncClient | None:
        """The connection pool if it exists yet (this transport's, or its parent's)."""
        if self.pool is not None:
            return self.pool
        return None if self.parent is None else self.parent.made_http()

    def check_open(self) -> None:
        """Refuses to send once the client is closed, or when the caller closed its http_client
        (httpx would raise a bare RuntimeError)."""
        if self.is_closed:
            raise ClientClosedError(
                "this client is closed (close() was called or its `with` block ended): "
                "create a new one"
            )
        http = self.made_http()
        if http is not None and http.is_closed:
            raise ClientClosedError("the httpx client passed as http_client= is closed")

    def headers(self) -> dict[str, str]:
        """The headers of every API request; the credential's are added per request, so the
        token is held only by the `Secret` (not in a dict that a debugger or `vars()` would
        show)."""
        return {**self.constant_headers, **credential_headers(self.config)}

    @staticmethod
    def log_attempt(operation: str | None, number: int, started: float, outcome: int | str) -> None:
        """One DEBUG record per API attempt: its operation, number, outcome (the HTTP status or
        the httpx error class) and duration; never a header, a variable or the secret."""
        if not http_logger.isEnabledFor(logging.DEBUG):
            return
        duration_ms = (time.perf_counter() - started) * 1000
        http_logger.debug(
            "POST %s attempt %d: %s in %.1f ms",
            operation or "request",
            number,
            outcome,
            duration_ms,
            extra={
                "operation": operation,
                "attempt": number,
                "status": outcome,
                "duration_ms": duration_ms,
            },
        )

    def wrap_exception(
        self, exc: httpx.HTTPError, operation: str | None, target: str | None = None
    ) -> APIError:
        """Our error for an httpx one; `target` names the server (default: the endpoint).

        An interrupt behind the httpx error is raised again instead (see `swallowed_interrupt`),
        so it is neither retried nor waited through as an outage."""
        interrupt = swallowed_interrupt(exc)
        if interrupt is not None:
            raise interrupt
        label = f"{operation}: " if operation else ""
        detail = str(exc) or type(exc).__name__
        detail = detail.replace(self.secret, "**********")
        where = target or self.config.endpoint
        if isinstance(exc, httpx.TimeoutException):
            return RequestTimeoutError(
                f"{label}the request to {where} timed out ({type(exc).__name__})",
                operation=operation,
            )
        return TransportError(f"{label}could not reach {where}: {detail}", operation=operation)

    @property
    def secret(self) -> str:
        """The secret itself: the text every error and log is scrubbed of."""
        return self.config.api_secret.get_secret_value()

    def reply(self, response: httpx.Response, operation: str | None) -> Reply:
        """The body of a 2xx answer; any other status raises its typed error (and may be
        retried)."""
        if not response.is_success:
            raise status_error(
                response,
                operation=operation,
                secret=self.secret,
                credential=self.config.describe_credential(),
            )
        return Reply(response.content, response.headers.get("content-type", ""), operation)

    def parse(self, model: type[ModelT], reply: Reply) -> ModelT:
        """The operation's result model, validated from the answer's JSON bytes."""
        return parse_reply(model, reply, secret=self.secret)

    def data(self, reply: Reply) -> dict[str, Any]:
        """The answer's `data` object as plain JSON values, for callers without a model."""
        return read_graphql_response(reply, secret=self.secret)

    def retry_or_raise(
        self,
        error: APIError,
        *,
        attempt: int,
        max_retries: int,
        is_mutation: bool,
        sent: bool,
    ) -> float:
        """The delay before the next attempt, or raises `error` when no retry is allowed."""
        if attempt >= max_retries or not self.policy.should_retry(
            error, is_mutation=is_mutation, sent=sent
        ):
            raise error
        delay = self.policy.delay(attempt, error)
        logger.info(
            "retrying %s in %.2fs (attempt %d of %d) after: %s",
            error.operation or "request",
            delay,
            attempt + 2,
            max_retries + 1,
            error.message,
        )
        return delay


def _is_mutation(query: str) -> bool:
    return query.lstrip().startswith("mutation")


def _json(value: Any) -> bytes:
    """`value` as httpx's `json=` encodes it: compact UTF-8, no NaN."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


@functools.lru_cache(maxsize=64)
def _encoded_query(query: str) -> bytes:
    """An operation's query text as JSON, encoded once: the generated ones are constants."""
    return _json(query)


def _payload(query: str, operation_name: str | None, variables: dict[str, Any]) -> bytes:
    """The request body, `{"query", "variables"[, "operationName"]}` as JSON bytes."""
    parts = [b'{"query":', _encoded_query(query), b',"variables":', _json(variables)]
    if operation_name:
        parts += [b',"operationName":', _json(operation_name)]
    parts.append(b"}")
    return b"".join(parts)


def swallowed_interrupt(exc: BaseException) -> BaseException | None:
    """The interrupt an httpx error stands for, if any.

    asyncio's socket callbacks catch what a signal handler raises in them when it is not an
    ``Exception`` (Prefect's ``TerminationSignal``, Dagster's interrupt; only Ctrl-C and
    ``SystemExit`` get through) and close the connection with it: anyio, httpcore and httpx then
    raise a connection error whose causes hold it. A cancellation is no such interrupt: a
    timeout is raised while its cancel scope's ``CancelledError`` is being handled."""
    seen: set[int] = set()
    cause = exc.__cause__ or exc.__context__
    while cause is not None and id(cause) not in seen:
        if not isinstance(cause, Exception) and not _is_cancellation(cause):
            return cause
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return None


def _is_cancellation(exc: BaseException) -> bool:
    """Whether `exc` is asyncio's cancellation; asyncio is not imported for it (a sync client
    never loads asyncio, and without asyncio loaded there is no such exception)."""
    asyncio = sys.modules.get("asyncio")
    return asyncio is not None and isinstance(exc, asyncio.CancelledError)
