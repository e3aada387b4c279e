"""Outages on purpose: an API that stops answering for a while, to test what waits through it.

Two kinds, as a client meets them:

- ``unavailable``: every request (GraphQL, downloads, the health check) is answered ``503`` with
  a JSON error, as a load balancer answers while the service behind it is down;
- ``refuse``: the port is closed, so connections are refused, then opened again on the same port
  with the same state, as when the API is redeployed. Only the emulator's own server
  (``EmulatorServer``, ``paradime-bolt-emulator``) can close its port; it registers ``refuser``.

Runs go on progressing meanwhile. ``POST /_emulator/outage`` (with the API's credentials, a JSON
body ``{"seconds": 20, "mode": "refuse"}``) starts one; it answers ``202`` before the outage
begins, and always answers, even during an ``unavailable`` outage.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from .http_handler import BadRequest, decode_json, error_response

OUTAGE_PATH = "/_emulator/outage"
MODES = ("refuse", "unavailable")
MAX_SECONDS = 3600.0

__all__ = ["MAX_SECONDS", "MODES", "OUTAGE_PATH", "Outages", "Unavailable", "outage_endpoint"]


class Outages:
    """The emulator's outage switch: ``begin(seconds, mode)`` and whether one is on now."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._unavailable_until = 0.0
        self.refuser: Callable[[float], None] | None = None

    def begin(self, seconds: float, mode: str = "refuse") -> None:
        """Starts an outage of ``seconds``; ValueError for a mode or a duration it cannot do."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, int | float)
            or not math.isfinite(seconds)
            or not 0 < seconds <= MAX_SECONDS
        ):
            raise ValueError(
                f"seconds must be a number above 0 and at most {MAX_SECONDS:g}, not {seconds!r}"
            )
        if mode == "unavailable":
            with self._lock:
                self._unavailable_until = max(self._unavailable_until, self._clock() + seconds)
            return
        if self.refuser is None:
            raise ValueError(
                "mode 'refuse' closes the port, which only the emulator's own server can do "
                "(EmulatorServer, paradime-bolt-emulator); use mode 'unavailable' here"
            )
        self.refuser(float(seconds))

    def unavailable(self) -> bool:
        """Whether requests are being answered 503 now."""
        with self._lock:
            return self._clock() < self._unavailable_until

    def unavailable_for(self) -> float:
        """Seconds left of an ``unavailable`` outage (0 when none)."""
        with self._lock:
            return max(self._unavailable_until - self._clock(), 0.0)


class Unavailable:
    """Wraps the app: answers 503 to every HTTP request but the outage switch's own while an
    ``unavailable`` outage is on."""

    def __init__(self, app: ASGIApp, outages: Outages) -> None:
        self._app = app
        self._outages = outages

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope.get("path") != OUTAGE_PATH
            and self._outages.unavailable()
        ):
            response = error_response(
                503, "Service unavailable: an emulated outage", "SERVICE_UNAVAILABLE"
            )
            await response(scope, receive, send)
            return
        await self._app(scope, receive, send)


def outage_endpoint(outages: Outages) -> Callable[[Request], Any]:
    """The ``POST /_emulator/outage`` handler (behind the credential check)."""

    async def start_outage(request: Request) -> Response:
        try:
            body = decode_json(await request.body(), "The request body")
        except BadRequest as error:
            return error_response(400, str(error), "BAD_REQUEST")
        if not isinstance(body, dict):
            return error_response(400, 'Expected {"seconds": N, "mode": ...}', "BAD_REQUEST")
        seconds, mode = body.get("seconds"), body.get("mode", "refuse")
        try:
            outages.begin(seconds, mode)  # type: ignore[arg-type]  # checked by begin
        except ValueError as error:
            return error_response(400, str(error), "BAD_REQUEST")
        return JSONResponse({"seconds": seconds, "mode": mode}, status_code=202)

    return start_outage
