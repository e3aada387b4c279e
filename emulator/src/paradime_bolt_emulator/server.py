"""Run the emulator on uvicorn in a background thread: ``with EmulatorServer(port=0) as server``.

The listening socket is bound before uvicorn starts, so port 0 yields a free port that is known
at once; ``start()`` returns only when the server is accepting requests.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import socket
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn

from .api.app import create_app
from .config import GRAPHQL_PATH, EmulatorConfig, http_base_url
from .runs.events import RunEventListener
from .runtime import Clock
from .webhooks.sender import WebhookSender

logger = logging.getLogger(__name__)

_START_TIMEOUT = 15.0
_STOP_TIMEOUT = 10.0


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: any free port)."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    try:
        if os.name != "nt":
            # Lets a restarted emulator reuse the port at once; on Windows this would allow theft.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except BaseException:
        sock.close()
        raise
    return sock


def _environment_overrides(
    environments: Sequence[str] | Mapping[str, Sequence[str]] | None,
) -> dict[str, Any]:
    """EmulatorConfig's environment fields for EmulatorServer's ``environments=``."""
    if environments is None:
        return {}
    if isinstance(environments, str):
        raise TypeError("environments must be a sequence of slugs, not one string")
    if isinstance(environments, Mapping):
        pairs = tuple((uid, slug) for uid, slugs in environments.items() for slug in slugs)
        return {"workspace_environments": pairs}
    return {"environments": tuple(environments)}


class EmulatorServer:
    """A running emulator: ``endpoint``, ``base_url``, ``api_key`` and ``api_secret`` once started.

    ``workspace_token`` (``prdm_wsp_...``) and ``account_key`` (``prdm_cmp_...``) are accepted as
    bearer tokens too when given; ``workspaces`` are the workspaces that exist, the default one
    first (a mapping may give a workspace its own schedules file: ``{"ws-b": "b.yml"}``).

    Pass a ``config``, or keyword overrides (which also apply on top of a config). Without a
    config the defaults are a free port (0), an in-memory database, the built-in schedules and the
    development credentials; the environment is not consulted (the CLI does that).
    ``webhook_urls`` receive ``bolt.run.started``/``completed`` POSTs naming ``endpoint`` as their
    ``api_url`` (see ``webhooks``); ``latency_ms`` delays every GraphQL request. ``outage()``
    makes the API stop answering for a while, to test what waits through it.
    ``environments`` are every workspace's Bolt environment slugs, the default first, or a
    mapping of workspace uid to its own (default: ``production`` alone).

    ``dbt_project`` runs every run's commands with real dbt in that project (``profiles_dir``,
    ``target`` as dbt's options; see ``realdbt``); its schedules are then the project's.
    """

    def __init__(
        self,
        config: EmulatorConfig | None = None,
        *,
        db: str | os.PathLike[str] | None = None,
        schedules: str | os.PathLike[str] | None = None,
        api_key: str | None = None,
        api_secret: str | None = None,
        host: str | None = None,
        port: int | None = None,
        url_ttl: float | None = None,
        log_level: str | None = None,
        webhook_urls: Sequence[str] | None = None,
        latency_ms: float | None = None,
        workspace_token: str | None = None,
        account_key: str | None = None,
        workspaces: (Sequence[str] | Mapping[str, str | os.PathLike[str] | None] | None) = None,
        environments: Sequence[str] | Mapping[str, Sequence[str]] | None = None,
        dbt_project: str | os.PathLike[str] | None = None,
        profiles_dir: str | os.PathLike[str] | None = None,
        target: str | None = None,
        dbt_cancel_grace: float | None = None,
        clock: Clock = time.time,
        listeners: Sequence[RunEventListener] = (),
    ) -> None:
        if isinstance(webhook_urls, str):
            raise TypeError("webhook_urls must be a sequence of URLs, not one string")
        if isinstance(workspaces, str):
            raise TypeError("workspaces must be a sequence of workspace uids, not one string")
        own_schedules: dict[str, str | os.PathLike[str] | None] = (
            dict(workspaces) if isinstance(workspaces, Mapping) else {}
        )
        overrides: dict[str, Any] = {
            "db": None if db is None else Path(db),
            "schedules": None if schedules is None else Path(schedules),
            "api_key": api_key,
            "api_secret": api_secret,
            "host": host,
            "port": port,
            "url_ttl": url_ttl,
            "log_level": log_level,
            "webhook_urls": None if webhook_urls is None else tuple(webhook_urls),
            "latency_ms": latency_ms,
            "workspace_token": workspace_token,
            "account_key": account_key,
            "workspaces": None if workspaces is None else tuple(workspaces),
            "workspace_schedules": tuple(
                (uid, Path(path)) for uid, path in own_schedules.items() if path is not None
            )
            or None,
            **_environment_overrides(environments),
            "dbt_project": None if dbt_project is None else Path(dbt_project),
            "dbt_profiles_dir": None if profiles_dir is None else Path(profiles_dir),
            "dbt_target": target,
            "dbt_cancel_grace": dbt_cancel_grace,
        }
        base = config if config is not None else EmulatorConfig(port=0, log_level="warning")
        self.config = dataclasses.replace(
            base, **{key: value for key, value in overrides.items() if value is not None}
        )
        self._clock = clock
        self._listeners = tuple(listeners)
        self._socket: socket.socket | None = None
        self._server: uvicorn.Server | None = None
        self._webhooks: WebhookSender | None = None
        self._thread: threading.Thread | None = None
        self._app: Any = None
        self._outage_lock = threading.Lock()
        self._refusing: threading.Thread | None = None
        self._stopping = threading.Event()
        self._closed = threading.Event()
        self.port: int | None = None

    @property
    def api_key(self) -> str:
        """The X-API-KEY the server accepts."""
        return self.config.api_key

    @property
    def api_secret(self) -> str:
        """The X-API-SECRET the server accepts."""
        return self.config.api_secret

    @property
    def workspace_token(self) -> str | None:
        """The ``prdm_wsp_`` bearer token the server accepts for its default workspace."""
        return self.config.workspace_token

    @property
    def account_key(self) -> str | None:
        """The ``prdm_cmp_`` bearer token the server accepts for every workspace."""
        return self.config.account_key

    @property
    def workspaces(self) -> tuple[str, ...]:
        """The workspaces served, the default one first."""
        return self.config.workspace_uids

    @property
    def base_url(self) -> str:
        """``http://host:port`` of the running server."""
        if self.port is None:
            raise RuntimeError("the emulator server is not running")
        return http_base_url(self.config.host, self.port)

    @property
    def endpoint(self) -> str:
        """The GraphQL endpoint URL, ``<base_url>/graphql``."""
        return self.base_url + GRAPHQL_PATH

    @property
    def webhooks(self) -> WebhookSender | None:
        """While running with webhook URLs, their sender: ``flush()`` waits for deliveries."""
        return self._webhooks

    def start(self) -> EmulatorServer:
        """Bind, start uvicorn in a thread and wait until it serves; raises if it cannot start."""
        if self._thread is not None or self._app is not None:
            raise RuntimeError("the emulator server is already running")
        sock = _bind(self.config.host, self.config.port)
        try:
            api_url = http_base_url(self.config.host, sock.getsockname()[1]) + GRAPHQL_PATH
            app = create_app(
                self.config, clock=self._clock, listeners=self._listeners, api_url=api_url
            )
        except BaseException:
            sock.close()
            raise
        emulator = app.state.emulator
        try:
            self._serve(app, sock)
        except BaseException:
            emulator.close()
            raise
        # The server, not uvicorn's lifespan, runs the ticker and closes the database: an
        # outage that closes the port (``outage(mode="refuse")``) stops uvicorn, not the emulator.
        emulator.ticker.start()
        app.state.outages.refuser = self._refuse
        self._app = app
        self._webhooks = emulator.webhooks
        self.port = sock.getsockname()[1]
        return self

    def _serve(self, app: Any, sock: socket.socket) -> None:
        """uvicorn on ``sock`` in a thread, returning once it serves."""
        server = uvicorn.Server(
            uvicorn.Config(
                app,
                http="httptools",
                log_config=None,
                log_level=self.config.log_level,
                access_log=self.config.log_level == "debug",
                lifespan="off",
                timeout_graceful_shutdown=2,
            )
        )
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="bolt-emulator", daemon=True
        )
        try:
            thread.start()
            deadline = time.monotonic() + _START_TIMEOUT
            while not server.started:
                if not thread.is_alive() or time.monotonic() > deadline:
                    server.should_exit = True
                    thread.join(_STOP_TIMEOUT)
                    raise RuntimeError("the emulator server failed to start; see the log")
                time.sleep(0.005)
        except BaseException:
            sock.close()
            raise
        self._socket, self._server, self._thread = sock, server, thread

    def _shut(self) -> None:
        """Stop uvicorn and close the port; the emulator itself goes on."""
        server, thread, sock = self._server, self._thread, self._socket
        self._server = self._thread = self._socket = None
        if server is None or thread is None or sock is None:
            return
        server.should_exit = True
        thread.join(_STOP_TIMEOUT)
        if thread.is_alive():
            server.force_exit = True
            thread.join(_STOP_TIMEOUT)
        sock.close()

    # -- outages on purpose ----------------------------------------------------------------------

    def outage(self, seconds: float, *, mode: str = "refuse") -> None:
        """Stops answering for ``seconds``, then serves again with the same state; runs go on
        meanwhile. ``mode="refuse"`` closes the port (connections are refused; this returns once
        it is closed) and opens it again on the same port; ``"unavailable"`` answers every request
        503. ``wait_outage_over()`` waits for the end. ValueError for a bad mode or duration."""
        app = self._app
        if app is None:
            raise RuntimeError("the emulator server is not running")
        self._closed.clear()
        app.state.outages.begin(seconds, mode)
        if mode == "refuse":  # return once the port is closed, so the caller sees the outage
            self._closed.wait(_STOP_TIMEOUT * 2)

    def wait_outage_over(self, timeout: float | None = None) -> bool:
        """Waits until no outage is on (the port open again, 503s over); False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._outage_lock:
            refusing = self._refusing
        if refusing is not None:
            refusing.join(timeout)
            if refusing.is_alive():
                return False
        app = self._app
        if app is not None:
            left = app.state.outages.unavailable_for()
            if deadline is not None and left > deadline - time.monotonic():
                return False
            if left > 0:
                self._stopping.wait(left)
        return True

    def _refuse(self, seconds: float) -> None:
        """Closes the port now and opens it again after ``seconds`` (in a thread of its own, as a
        request may be what asked: it is answered first)."""
        with self._outage_lock:
            if self._refusing is not None and self._refusing.is_alive():
                raise ValueError("the port is already closed by an outage")
            self._refusing = threading.Thread(
                target=self._closed_for, args=(seconds,), name="bolt-emulator-outage", daemon=True
            )
            self._refusing.start()

    def _closed_for(self, seconds: float) -> None:
        host, port, app = self.config.host, self.port, self._app
        if port is None or app is None:
            return
        logger.warning("Emulated outage: refusing connections on port %s for %gs", port, seconds)
        self._shut()
        self._closed.set()
        reopen = time.monotonic() + seconds
        if self._stopping.wait(max(reopen - time.monotonic(), 0.0)):
            return
        for _attempt in range(200):  # the port is ours to take again; a moment if it lingers
            try:
                sock = _bind(host, port)
                break
            except OSError:
                if self._stopping.wait(0.05):
                    return
        else:
            logger.error("Emulated outage: port %s could not be opened again", port)
            return
        self._serve(app, sock)
        logger.warning("Emulated outage over: serving again on port %s", port)

    def stop(self) -> None:
        """Shut uvicorn down gracefully, close the database and release the port."""
        app = self._app
        if app is None:
            return
        self._stopping.set()
        with self._outage_lock:
            refusing = self._refusing
        if refusing is not None:
            refusing.join(_STOP_TIMEOUT * 2)
        self._shut()
        app.state.emulator.close()
        self._app = None
        self._refusing = None
        self._stopping = threading.Event()
        self._webhooks = None
        self.port = None

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
