"""The emulator's ASGI app: the guarded GraphQL endpoint, signed downloads, a health check.

Routes: ``POST``/``GET /graphql`` (credentials required, see ``auth``), ``GET /resources/{id}``
(signed URL, no headers), ``GET /healthz`` (no headers) and ``POST /_emulator/outage``
(credentials required; outages on purpose, see ``outages``). The ASGI lifespan starts the
background ticker and closes the database; without it (``httpx.ASGITransport``) requests still
advance runs.

With ``latency_ms`` set, every request to ``/graphql`` (a 401 included) first waits that long,
without blocking the event loop, as a remote API's round trip would; downloads and the health
check answer at once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from ariadne.asgi import GraphQL
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, request_response
from starlette.types import ASGIApp, Receive, Scope, Send

from paradime_bolt_emulator.config import GRAPHQL_PATH, EmulatorConfig
from paradime_bolt_emulator.errors import BoltApiError
from paradime_bolt_emulator.runs.events import RunEventListener
from paradime_bolt_emulator.runtime import Clock, Emulator

from .auth import ApiKeyGuard
from .document_cache import DocumentCache
from .http_handler import BoltHTTPHandler, HeaderLimit
from .outages import OUTAGE_PATH, Outages, Unavailable, outage_endpoint
from .schema import build_schema

GRAPHQL_LOGGER = "paradime_bolt_emulator.graphql"


class _ExpectedErrorsFilter(logging.Filter):
    """Logs expected API errors (not found, already running) at INFO without a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Downgrade the record when it wraps a BoltApiError; never drop it."""
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(getattr(error, "original_error", None), BoltApiError):
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.exc_info, record.exc_text = None, None
        return True


def _graphql_logger() -> logging.Logger:
    """The logger ariadne reports GraphQL errors to, with the expected-errors filter."""
    logger = logging.getLogger(GRAPHQL_LOGGER)
    if not any(isinstance(existing, _ExpectedErrorsFilter) for existing in logger.filters):
        logger.addFilter(_ExpectedErrorsFilter())
    return logger


class Latency:
    """Wraps an ASGI app: each HTTP request first waits ``seconds`` (``asyncio.sleep``)."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self._app = app
        self._seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Sleep, then pass the request on."""
        if scope["type"] == "http" and self._seconds > 0:
            await asyncio.sleep(self._seconds)
        await self._app(scope, receive, send)


async def healthz(_: Request) -> JSONResponse:
    """Liveness, without credentials."""
    return JSONResponse({"status": "ok"})


def create_app(
    config: EmulatorConfig,
    *,
    clock: Clock = time.time,
    listeners: Sequence[RunEventListener] = (),
    api_url: str | None = None,
) -> Starlette:
    """Build the emulator app; opens the database and loads the schedules right away.

    ``clock`` lets tests drive time; ``listeners`` receive run started/completed events, as do
    the config's webhook URLs, in bodies naming ``api_url`` (default: the config's host and port).
    The instance is at ``app.state.emulator``; call its ``close()`` when not using the lifespan.
    """
    emulator = Emulator(config, clock=clock, listeners=listeners, api_url=api_url)
    # Documents are parsed and validated once (see document_cache); requests are bounded and
    # handled off the event loop (see http_handler and limits).
    documents = DocumentCache()
    graphql = GraphQL(
        build_schema(),
        context_value=emulator.context_for,
        query_parser=documents.parse,
        query_validator=documents.validate,
        execute_get_queries=True,
        introspection=True,
        logger=_graphql_logger(),
        http_handler=BoltHTTPHandler(),
    )

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        """Run the ticker while serving; close the database on shutdown."""
        emulator.ticker.start()
        try:
            yield
        finally:
            emulator.close()

    def guarded(inner: ASGIApp) -> ApiKeyGuard:
        return ApiKeyGuard(
            inner,
            config.api_key,
            config.api_secret,
            workspace_token=config.workspace_token,
            account_key=config.account_key,
            workspaces=config.workspace_uids,
        )

    outages = Outages()
    app = Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route(
                GRAPHQL_PATH,
                Latency(guarded(graphql), config.latency_ms / 1000),
                methods=["GET", "POST"],
            ),
            Route(
                OUTAGE_PATH, guarded(request_response(outage_endpoint(outages))), methods=["POST"]
            ),
            Route("/resources/{resource_id:int}", emulator.download, methods=["GET"]),
            Route("/resources/{resource_id:int}/{name}", emulator.download, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
    app.add_middleware(Unavailable, outages=outages)
    app.add_middleware(HeaderLimit)  # outermost: before anything reads the request
    app.state.emulator = emulator
    app.state.documents = documents
    app.state.outages = outages
    return app
