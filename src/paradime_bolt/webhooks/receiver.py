"""A small ASGI app that receives Bolt run webhooks and hands each event to your callback.

    from paradime_bolt.webhooks import create_receiver

    async def on_event(event):
        if event.event_type == "bolt.run.completed" and not event.succeeded:
            ...

    app = create_receiver(on_event, path="/hooks/{token}", secret=os.environ["HOOK_TOKEN"])
    # serve it with any ASGI server, e.g. `uvicorn module:app --no-access-log`

Pure ASGI on the standard library: importing this module imports no web framework or server.
It runs on an asyncio event loop.

What a request gets, in the order the checks are made:

    404  the path is not the receiver's path
    405  the method is not POST (the answer carries `Allow: POST`)
    401  a secret is configured and the request does not present it
    413  `Content-Length` is above `max_body_bytes` (the body is not read), or the body grows past
         it while being read (reading stops)
    400  `Content-Length` is not a number, or the body is not a Bolt run event; the answer says
         what is wrong: `{"error": "invalid JSON at line 1, column 2: ..."}`
    202  the event parsed: `{"status": "accepted"}`

The 202 is sent as soon as the event parses, and the callback (a plain or an `async` function
taking the event) is started once the server has taken that answer: an async callback as an
asyncio task, a plain one in a worker thread (`asyncio.to_thread`). Its result is ignored, and an
exception it raises is logged on the `paradime_bolt.webhooks` logger and changes nothing else.
`await receiver.drain()` waits for pending callbacks; an ASGI lifespan shutdown does the same (for
up to `shutdown_timeout`). Every error answer is JSON, `{"error": "..."}`, too.

Which event a body is: see `parse_event`. The receiver passes it the value of the `event_header`
request header (default `X-Paradime-Event`, a name of ours: Paradime documents no such header)
when that value is `bolt.run.started` or `bolt.run.completed`; other values are ignored.

Authenticity. Paradime documents no webhook signature, signing secret or verification header, so
this receiver cannot verify that a delivery comes from Paradime. What it offers instead is a
shared secret that you choose and put where Paradime will send it back:

- in the request path: give `path` a `{token}` segment, e.g. `path="/hooks/{token}"`, and
  register `https://your-host/hooks/<secret>` as the webhook URL in Paradime. This works with any
  sender that lets you register a URL. Use a URL-safe secret without `/` (for example
  `secrets.token_urlsafe(32)`). Paths show up in access logs (of your server, proxies and load
  balancers), so turn those off or scrub them for this route;
- or in the `secret_header` header (default `X-Bolt-Webhook-Secret`), for a sender or a proxy in
  front of this app that can add a header.

When `secret` is set a request is accepted if either carries it, compared in constant time with
`hmac.compare_digest`; otherwise it gets 401. Without a `secret` every request on the path is
accepted. This module never logs the secret, and never logs a body.
"""

from __future__ import annotations

import asyncio
import enum
import hmac
import inspect
import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Final, TypeAlias

from paradime_bolt._exceptions import InvalidArgumentError

from ._errors import WebhookPayloadError
from ._events import BoltRunEvent
from ._parse import normalize_event_type, parse_event

__all__ = ["WebhookCallback", "WebhookReceiver", "create_receiver"]

logger = logging.getLogger("paradime_bolt.webhooks")

Scope: TypeAlias = MutableMapping[str, Any]
Message: TypeAlias = MutableMapping[str, Any]
Receive: TypeAlias = Callable[[], Awaitable[Message]]
Send: TypeAlias = Callable[[Message], Awaitable[None]]

WebhookCallback: TypeAlias = Callable[[BoltRunEvent], object]
"""A plain or an `async` function that takes the event; what it returns is ignored."""

TOKEN: Final = "{token}"
DEFAULT_SECRET_HEADER: Final = "X-Bolt-Webhook-Secret"
DEFAULT_EVENT_HEADER: Final = "X-Paradime-Event"  # our name: Paradime documents no event header
DEFAULT_MAX_BODY_BYTES: Final = 1_048_576
DEFAULT_SHUTDOWN_TIMEOUT: Final = 30.0


class _Unread(enum.Enum):
    TOO_LARGE = "too large"
    DISCONNECTED = "disconnected"


class WebhookReceiver:
    """The receiver ASGI app (see the module docstring for every status it answers); build it
    with `create_receiver`, its other name. Call `drain()` to wait for pending callbacks.

    - `callback`: a plain or an `async` function taking the event; runs after the 202 is sent.
    - `path`: the one path served, e.g. `"/hooks"`; a `{token}` segment (e.g.
      `"/hooks/{token}"`) is where the request may carry the secret, and requires `secret`.
    - `secret`: a shared secret of your choosing, accepted in `secret_header` or as the
      `{token}` segment. Paradime documents no webhook signature; this is not one.
    - `event_header`: a request header whose value, when it names `bolt.run.started` or
      `bolt.run.completed`, settles the event type (undocumented; None to ignore headers).
    - `max_body_bytes`: larger bodies get 413.
    - `shutdown_timeout`: how long an ASGI lifespan shutdown waits for pending callbacks.

    Raises `InvalidArgumentError` for an invalid setting.
    """

    def __init__(
        self,
        callback: WebhookCallback,
        *,
        path: str = "/",
        secret: str | None = None,
        secret_header: str = DEFAULT_SECRET_HEADER,
        event_header: str | None = DEFAULT_EVENT_HEADER,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        shutdown_timeout: float | None = DEFAULT_SHUTDOWN_TIMEOUT,
    ) -> None:
        if not callable(callback):
            raise InvalidArgumentError("callback must be callable")
        if isinstance(max_body_bytes, bool) or not isinstance(max_body_bytes, int):
            raise InvalidArgumentError("max_body_bytes must be an int")
        if max_body_bytes < 1:
            raise InvalidArgumentError("max_body_bytes must be at least 1")
        if secret is not None and (not isinstance(secret, str) or not secret):
            raise InvalidArgumentError("secret must be a non-empty string")
        for name in (secret_header, event_header):
            if name is not None and not (isinstance(name, str) and name.isascii() and name):
                raise InvalidArgumentError(f"{name!r} is not a header name")
        self._segments, self._token_index = _split_template(path)
        if self._token_index is not None:
            if secret is None:
                raise InvalidArgumentError(f"path {path!r} has a {TOKEN} segment but no secret")
            if "/" in secret:
                raise InvalidArgumentError(f"a secret used as the {TOKEN} segment cannot hold '/'")
        self._callback = callback
        self._is_async = _is_async_callable(callback)
        self._path = path
        self._secret = secret.encode("utf-8", "surrogatepass") if secret is not None else None
        self._secret_header = secret_header.lower().encode("latin-1")
        self._event_header = event_header.lower().encode("latin-1") if event_header else None
        # (both names are ASCII, checked above)
        self._max_body_bytes = max_body_bytes
        self._shutdown_timeout = shutdown_timeout
        self._tasks: set[asyncio.Task[None]] = set()

    def __repr__(self) -> str:
        secret = "set" if self._secret is not None else "none"
        return f"WebhookReceiver(path={self._path!r}, secret={secret})"

    @property
    def pending(self) -> int:
        """How many callbacks have been scheduled and have not finished."""
        return sum(not task.done() for task in self._tasks)

    async def drain(self, timeout: float | None = None) -> bool:
        """Waits for the callbacks scheduled on this event loop; True when none is left pending.

        A plain callback already running in its thread cannot be interrupted: after a timeout it
        goes on running, and `drain` returns False.
        """
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while True:
            tasks = {t for t in self._tasks if t.get_loop() is loop and not t.done()}
            if not tasks:
                return True
            remaining = None if deadline is None else deadline - loop.time()
            if remaining is not None and remaining <= 0:
                return False
            await asyncio.wait(tasks, timeout=remaining)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") == "http":
            await self._http(scope, receive, send)
        elif scope.get("type") == "lifespan":
            await self._lifespan(receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if not await self.drain(self._shutdown_timeout):
                    logger.warning(
                        "shutting down with %d webhook callback(s) still running", self.pending
                    )
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        token = self._match(scope)
        if token is None:
            await _respond(send, 404, {"error": "not found"})
            return
        if scope.get("method") != "POST":
            await _respond(send, 405, {"error": "method not allowed"}, allow=b"POST")
            return
        headers = _headers(scope)
        if not self._authorized(token, headers.get(self._secret_header)):
            await _respond(send, 401, {"error": "missing or wrong webhook secret"})
            return
        too_large = {"error": f"body larger than {self._max_body_bytes} bytes"}
        declared = headers.get(b"content-length")
        if declared is not None:
            length = declared.strip()
            if not length.isdigit():
                await _respond(send, 400, {"error": "invalid Content-Length"})
                return
            if len(length) > 18 or int(length) > self._max_body_bytes:
                await _respond(send, 413, too_large)
                return
        body = await self._read_body(receive)
        if body is _Unread.TOO_LARGE:
            await _respond(send, 413, too_large)
            return
        if body is _Unread.DISCONNECTED:
            return
        hint = headers.get(self._event_header) if self._event_header is not None else None
        event_type = normalize_event_type(hint.decode("latin-1")) if hint is not None else None
        try:
            event = parse_event(body, event_type=event_type)
        except WebhookPayloadError as exc:
            logger.warning("rejected a webhook body: %s", exc.message)
            await _respond(send, 400, {"error": exc.message})
            return
        await _respond(send, 202, {"status": "accepted"})
        self._schedule(event)

    def _match(self, scope: Scope) -> str | None:
        """None when the path is not ours; else its `{token}` segment ('' when there is none)."""
        path = str(scope.get("path") or "/")
        root = str(scope.get("root_path") or "")
        if root and path.startswith(root):
            path = path[len(root) :] or "/"
        segments = [s for s in path.split("/") if s]
        if len(segments) != len(self._segments):
            return None
        token = ""
        for index, (got, want) in enumerate(zip(segments, self._segments, strict=True)):
            if index == self._token_index:
                token = got
            elif got != want:
                return None
        return token

    def _authorized(self, token: str, header: bytes | None) -> bool:
        if self._secret is None:
            return True
        ok = False
        if header is not None:
            ok |= hmac.compare_digest(header.strip(), self._secret)
        if self._token_index is not None:
            ok |= hmac.compare_digest(token.encode("utf-8", "surrogatepass"), self._secret)
        return ok

    async def _read_body(self, receive: Receive) -> bytes | _Unread:
        """The whole body, or why not: it grew past the limit (reading stops) or the client left."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return _Unread.DISCONNECTED
            chunk = bytes(message.get("body", b""))
            size += len(chunk)
            if size > self._max_body_bytes:
                return _Unread.TOO_LARGE
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def _schedule(self, event: BoltRunEvent) -> None:
        task = asyncio.get_running_loop().create_task(self._run_callback(event))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run_callback(self, event: BoltRunEvent) -> None:
        try:
            if self._is_async:
                result = self._callback(event)
            else:
                result = await asyncio.to_thread(self._callback, event)
            if inspect.isawaitable(result):
                await result
        except Exception:
            logger.exception(
                "webhook callback failed for a %s event (command ids %s)",
                event.event_type,
                [command.id for command in event.commands][:20],
            )


create_receiver = WebhookReceiver
"""Builds the receiver ASGI app: `WebhookReceiver` under the name the docs use, so its arguments
are written (and checked) once."""


def _split_template(path: str) -> tuple[list[str], int | None]:
    if not isinstance(path, str) or not path.startswith("/"):
        raise InvalidArgumentError("path must be a string starting with '/'")
    segments = [s for s in path.split("/") if s]
    token_indexes = [i for i, s in enumerate(segments) if s == TOKEN]
    if len(token_indexes) > 1 or any(TOKEN not in s and "{" in s for s in segments):
        raise InvalidArgumentError(f"path may hold one {TOKEN} segment and no other placeholder")
    if any(TOKEN in s and s != TOKEN for s in segments):
        raise InvalidArgumentError(f"{TOKEN} must be a whole path segment")
    return segments, token_indexes[0] if token_indexes else None


def _is_async_callable(callback: object) -> bool:
    """An `async def` function, a partial of one, or an object whose `__call__` is one."""
    return inspect.iscoroutinefunction(callback) or inspect.iscoroutinefunction(
        getattr(callback, "__call__", None)  # noqa: B004 - an object with an async __call__
    )


def _headers(scope: Scope) -> dict[bytes, bytes]:
    """The request headers, names lower-cased; a repeated header keeps its first value."""
    headers: dict[bytes, bytes] = {}
    for name, value in scope.get("headers") or ():
        headers.setdefault(bytes(name).lower(), bytes(value))
    return headers


async def _respond(
    send: Send, status: int, payload: dict[str, str], *, allow: bytes | None = None
) -> None:
    body = json.dumps(payload).encode("utf-8")
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode("ascii")),
    ]
    if allow is not None:
        headers.append((b"allow", allow))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
