"""One emulator instance: database, schedules, run engine, services, ticker and webhooks, wired.

Every workspace has its own schedule catalog and service; they share one database (so ids are
unique across workspaces), one run engine and one ticker: a background thread that advances runs
on a short interval, so run events fire on time. Requests advance runs too, so the emulator is
correct without the ticker (as in in-process tests that never run the ASGI lifespan); the ticker
only makes events independent of traffic. The credential check (``auth``) tells
each request's workspace, and ``context_for`` hands that workspace's service to the resolvers.
"""

from __future__ import annotations

import logging
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from html import escape
from pathlib import Path, PurePosixPath
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .api.auth import REACHABLE_STATE, WORKSPACE_STATE
from .api.context import RequestContext
from .api.service import BoltService, Download
from .api.signing import Verdict
from .config import GRAPHQL_PATH, EmulatorConfig, http_base_url
from .realdbt.executor import RealRuns, parse_at_start
from .realdbt.launcher import LauncherError, default_launcher
from .realdbt.project import DbtProject, DbtProjectError
from .runs.engine import RunEngine
from .runs.events import RunEventListener
from .schedules.catalog import ScheduleCatalog
from .schedules.spec import ScheduleSpec, load_builtin_schedules, load_schedules_file
from .storage.store import Store
from .timefmt import format_iso_seconds
from .webhooks.sender import WebhookSender

Clock = Callable[[], float]

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


class Emulator:
    """Opens the database, loads schedules and starts the webhook workers (when there are
    webhook URLs) on creation; ``close()`` releases all three.

    ``api_url`` is the GraphQL endpoint that webhook bodies name; by default the one the config's
    host and port give (``EmulatorServer`` passes the real one when the port was 0).
    """

    def __init__(
        self,
        config: EmulatorConfig,
        *,
        clock: Clock = time.time,
        listeners: Sequence[RunEventListener] = (),
        api_url: str | None = None,
    ) -> None:
        self.project: DbtProject | None = None
        self._own_state: Path | None = None
        if config.dbt_project is not None:
            self.project = self._open_project(config)
        loaded: dict[Path | None, list[ScheduleSpec]] = {}
        try:
            for workspace in config.workspace_uids:
                path = config.schedules_of(workspace)
                if path not in loaded:
                    if path is not None:
                        loaded[path] = load_schedules_file(path)
                    elif self.project is not None:
                        loaded[path] = self.project.schedules()
                    else:
                        loaded[path] = load_builtin_schedules()
        except BaseException:
            self._remove_state()
            raise
        self.real: RealRuns | None = None
        self.config = config
        self.clock = clock
        self.api_url = api_url or http_base_url(config.host, config.port) + GRAPHQL_PATH
        self.webhooks: WebhookSender | None = None
        if config.webhook_urls:
            self.webhooks = WebhookSender(
                config.webhook_urls,
                api_url=self.api_url,
                timeout=config.webhook_timeout,
                attempts=config.webhook_attempts,
                backoff=config.webhook_backoff,
            )
            listeners = (*listeners, self.webhooks)
        try:
            self.store = Store(config.db, default_workspace=config.default_workspace)
        except BaseException:
            self._close_webhooks()
            self._remove_state()
            raise
        try:
            catalogs = {
                workspace: ScheduleCatalog(
                    self.store,
                    loaded[config.schedules_of(workspace)],
                    workspace=workspace,
                    environments=config.environments_of(workspace),
                )
                for workspace in config.workspace_uids
            }
            engine = RunEngine(self.store, catalogs, listeners)
            if self.project is not None:
                self.real = self._start_real(self.project, engine, clock)
                engine.real = self.real
            self.services = {
                workspace: BoltService(self.store, catalog, engine, url_ttl=config.url_ttl)
                for workspace, catalog in catalogs.items()
            }
            # The default workspace's: downloads and advancing are the same in every one.
            self.service = self.services[config.default_workspace]
            # Catch up with runs that progressed while the emulator was stopped.
            self.service.advance(clock())
        except BaseException:
            if self.real is not None:
                self.real.close()
            self._close_webhooks()
            self.store.close()
            self._remove_state()
            raise
        self.ticker = Ticker(self.service.advance, clock, config.tick_interval)

    @staticmethod
    def state_folder(config: EmulatorConfig) -> Path | None:
        """Where a dbt project's state is kept: beside ``--db`` (None: a temporary folder)."""
        return None if config.db is None else config.db.with_name(config.db.name + ".dbt")

    def _open_project(self, config: EmulatorConfig) -> DbtProject:
        assert config.dbt_project is not None
        state = self.state_folder(config)
        if state is None:
            state = self._own_state = Path(tempfile.mkdtemp(prefix="bolt-emulator-dbt-"))
        try:
            return DbtProject.open(
                config.dbt_project,
                profiles_dir=config.dbt_profiles_dir,
                target=config.dbt_target,
                state=state,
            )
        except BaseException:
            self._remove_state()
            raise

    def _start_real(self, project: DbtProject, engine: RunEngine, clock: Clock) -> RealRuns:
        """Start dbt's fork server, check the project parses, and the executor of runs."""
        try:
            launcher = default_launcher()
        except LauncherError as error:
            raise DbtProjectError(str(error)) from error
        try:
            parse_at_start(project, launcher, self.config.default_workspace)
            return RealRuns(
                self.store,
                project,
                launcher,
                publish=engine.publish,
                clock=clock,
                grace=self.config.dbt_cancel_grace,
            )
        except BaseException:
            launcher.close()
            raise

    def _remove_state(self) -> None:
        if self._own_state is not None:
            shutil.rmtree(self._own_state, ignore_errors=True)
            self._own_state = None

    def context_for(self, request: Request, _data: Any) -> RequestContext:
        """The GraphQL context of one request: its workspace's service, runs advanced to now,
        and this server's base URL."""
        now = self.clock()
        self.service.advance(now)
        workspace = getattr(request.state, WORKSPACE_STATE, self.config.default_workspace)
        reachable = getattr(request.state, REACHABLE_STATE, (workspace,))
        return RequestContext(
            self.services[workspace],
            now,
            str(request.base_url),
            tuple(self.services[uid] for uid in reachable if uid in self.services),
        )

    async def download(self, request: Request) -> Response:
        """Serve a resource behind a signed URL. Refusals are S3's: a 403 XML ``<Error>`` with
        ``AccessDenied`` "Request has expired" or ``SignatureDoesNotMatch``, a 404 ``NoSuchKey``."""
        now = self.clock()
        expires = request.query_params.get("expires")
        result = self.service.download(
            now, request.path_params["resource_id"], expires, request.query_params.get("signature")
        )
        if result is Verdict.EXPIRED:
            return storage_error(
                403,
                "AccessDenied",
                "Request has expired",
                Expires=format_iso_seconds(int(expires or 0)),
                ServerTime=format_iso_seconds(now),
            )
        if isinstance(result, Verdict):
            return storage_error(
                403,
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided.",
            )
        if result is None:
            return storage_error(404, "NoSuchKey", "The specified key does not exist.")
        return _file_response(result)

    def close(self) -> None:
        """Stop the ticker, let queued webhooks go out (briefly), and close the database."""
        self.ticker.stop()
        if self.real is not None:
            self.real.close()  # cancels what runs: its events still go out below
        self._close_webhooks()
        self.store.close()
        self._remove_state()

    def _close_webhooks(self) -> None:
        if self.webhooks is not None:
            self.webhooks.close(self.config.webhook_drain_timeout)


def storage_error(status: int, code: str, message: str, **details: str) -> Response:
    """An error as S3 answers a pre-signed URL: XML, with ``Code``, ``Message`` and details."""
    fields = {"Code": code, "Message": message, **details, "RequestId": secrets.token_hex(8)}
    body = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in fields.items())
    return Response(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Error>{body}</Error>',
        status_code=status,
        media_type="application/xml",
    )


def _file_response(download: Download) -> Response:
    filename = PurePosixPath(download.path).name
    return Response(
        download.content,
        media_type=download.content_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
