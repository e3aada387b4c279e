"""`BoltClient`: the synchronous facade over the generated client.

Written by scripts/unasync.py from `_async_client.py`; do not edit. The two twins have the same
methods, arguments and types.

Each API method has an explicit signature, calls the generated operation of the same name and
returns the operation's payload itself. The workflow methods (waiting, paging, logs, artifacts)
are built from those. Every failure is a `BoltError`.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import json
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from ._arguments import graphql_int, schedule_selector, trigger_arguments
from ._artifacts import Artifact, rank_commands
from ._clock import Clock
from ._config import ClientConfig, RequestOptions, RequestSettings, resolve_config
from ._downloads import MemorySink, destination, file_sink, storage_host
from ._exceptions import (
    APIError,
    ArtifactNotFoundError,
    BoltError,
    InvalidArgumentError,
    InvalidResponseError,
    OperationFailedError,
    RunFailedError,
    RunTimeoutError,
    StorageError,
)
from ._generated.base_model import UNSET
from ._generated.client import BoltGraphQLClient
from ._generated.input_types import BoltScheduleFilter
from ._lookups import lookup
from ._sync_transport import SyncTransport
from ._transport import check_proxy
from ._types import NOT_GIVEN, NotGiven, Timeout
from ._views import RunState
from ._waiting import (
    DEFAULT_OUTAGE_TOLERANCE,
    DEFAULT_WAIT_TIMEOUT,
    INTERRUPT_CANCEL_SECONDS,
    FinishedRun,
    InterruptGuard,
    OutageWatch,
    ProgressCallback,
    check_on_progress,
    check_wait_arguments,
    outage_seconds,
    positive_seconds,
    report_progress,
    unshielded,
    wait_backoff,
)
from .models import (
    AllScheduleNames,
    CancelResult,
    CommandDetails,
    CommandInput,
    CreatedSchedule,
    DeleteResult,
    EnvironmentList,
    EnvironmentType,
    LogLine,
    LogPage,
    ResourceUrl,
    RunPage,
    RunProgress,
    RunProgressCommand,
    RunStatus,
    Schedule,
    ScheduleDetails,
    ScheduleInput,
    SchedulePage,
    ScheduleSlugs,
    SuspendResult,
    TriggeredRun,
)

if TYPE_CHECKING:
    from .webhooks import BoltRunEvent

__all__ = ["BoltClient"]

logger = logging.getLogger("paradime_bolt")
T = TypeVar("T")


class BoltClient:
    """A synchronous Bolt API client.

    Configuration comes from the keyword arguments, else from PARADIME_API_ENDPOINT,
    PARADIME_API_SECRET, PARADIME_WORKSPACE_UID and PARADIME_API_KEY. The secret is an account
    API key (`prdm_cmp_...`, with a workspace uid), a workspace token (`prdm_wsp_...`) or a
    legacy API secret (with its key). `timeout` (seconds) and `max_retries` apply to
    every call and can be overridden per call, or for a client made with `with_options`.
    `proxy=` sends every request (downloads too) through an HTTP(S) or SOCKS proxy. Pass
    `http_client=` to use an httpx client you own (certificates, event hooks); the client then
    leaves closing it to you. `clock=` is the time every wait goes by (a `SimulatedClock` makes
    them instant in tests).

        with BoltClient() as bolt:
            run = bolt.trigger_and_wait("daily run", raise_on_failure=True)
    """

    def __init__(
        self,
        *,
        endpoint: str | None = None,
        api_key: str | None = None,
        api_secret: str | None = None,
        workspace_uid: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | None = None,
        http_client: httpx.Client | None = None,
        clock: Clock | None = None,
        proxy: str | None = None,
    ) -> None:
        proxy = check_proxy(proxy, http_client)
        self._config = resolve_config(
            endpoint=endpoint,
            api_key=api_key,
            api_secret=api_secret,
            workspace_uid=workspace_uid,
            timeout=timeout,
            max_retries=max_retries,
        )
        self._transport = SyncTransport(self._config, http_client, clock=clock, proxy=proxy)
        self._graphql = BoltGraphQLClient(self._transport)

    @property
    def config(self) -> ClientConfig:
        """The resolved configuration (its secret is masked in every representation)."""
        return self._config

    @property
    def clock(self) -> Clock:
        """The time this client's waits go by (`clock=`)."""
        return self._transport.clock

    def __repr__(self) -> str:
        name = type(self).__name__
        config = self._config
        return (
            f"{name}(endpoint={config.endpoint!r}, credential={config.credential.value!r}, "
            f"api_key={config.api_key!r}, workspace_uid={config.workspace_uid!r})"
        )

    def with_workspace(self, workspace_uid: str) -> BoltClient:
        """This client for another workspace (its `X-Paradime-Workspace`), for an account API
        key that several workspaces accept. It shares this client's connection pool: closing it
        leaves the pool open, closing this client closes the pool for both."""
        return self._sharing(self._config.with_workspace(workspace_uid))

    def with_options(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> BoltClient:
        """This client with another timeout or number of retries for each request, for every
        method (the workflows too): `bolt.with_options(max_retries=0).wait_for_run(run_id)`.
        It shares this client's connection pool and clock, as `with_workspace` does; a bad value
        is an `InvalidArgumentError`."""
        options = RequestOptions(timeout, max_retries)
        return self._sharing(
            self._config.with_options(options), self._transport.settings.override(options)
        )

    def _sharing(self, config: ClientConfig, settings: RequestSettings | None = None) -> BoltClient:
        clone = copy.copy(self)
        clone._config = config
        clone._transport = self._transport.sharing(config, settings)
        clone._graphql = BoltGraphQLClient(clone._transport)
        return clone

    def _per_call(self, timeout: Timeout | NotGiven, max_retries: int | NotGiven) -> BoltClient:
        """This client, or one with a workflow's per-call options for all its requests."""
        if not RequestOptions(timeout, max_retries).given:
            return self
        return self.with_options(timeout=timeout, max_retries=max_retries)

    def close(self) -> None:
        """Closes the HTTP client if this client created it; later calls raise
        `ClientClosedError`."""
        self._transport.close()

    def __enter__(self) -> BoltClient:
        self._transport.check_open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- the API, one method per operation -------------------------------------------------
    #
    # Each checks its arguments, calls the generated method of the same name (which returns the
    # payload: the transport refuses a null one and one that says `ok: false`) and says, with
    # `lookup`, what "not found" means for it. Adding an operation is its query file and one
    # such method.

    def list_bolt_schedules(
        self,
        offset: int = 0,
        limit: int = 10,
        show_inactive: bool = False,
        *,
        suspended: bool | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> SchedulePage:
        """One page of schedules, and `total_count` across all pages."""
        return self._graphql.list_bolt_schedules(
            offset=graphql_int("offset", offset, minimum=0),
            limit=graphql_int("limit", limit, minimum=1),
            show_inactive=show_inactive,
            filter_=UNSET if suspended is None else BoltScheduleFilter(suspended=suspended),
            options=RequestOptions(timeout, max_retries),
        )

    def bolt_schedule_name(
        self,
        schedule_name: str | None = None,
        *,
        slug: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> ScheduleDetails:
        """A schedule's details, by name (or by `slug=`). Unknown: `NotFoundError`."""
        asked = schedule_selector(schedule_name, slug)
        with lookup("schedule", asked):
            return self._graphql.bolt_schedule_name(
                **asked, options=RequestOptions(timeout, max_retries)
            )

    def trigger_bolt_run(
        self,
        schedule_name: str | None = None,
        commands: Sequence[str] | None = None,
        branch: str | None = None,
        *,
        slug: str | None = None,
        pr_number: int | None = None,
        reason: str | None = None,
        command_configs: Sequence[CommandInput] | None = None,
        continue_on_error: bool | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> TriggeredRun:
        """Starts a run; `commands` and `branch` replace the schedule's for this run only.

        Raises `AlreadyRunningError` when the schedule already has a run in progress, and
        `NotFoundError` when there is no such schedule. Never retried unless the request
        provably did not reach the server.
        """
        arguments = trigger_arguments(
            schedule_name=schedule_name,
            slug=slug,
            commands=commands,
            branch=branch,
            pr_number=pr_number,
            reason=reason,
            command_configs=command_configs,
            continue_on_error=continue_on_error,
        )
        with lookup("schedule", schedule_selector(schedule_name, slug)):
            return self._graphql.trigger_bolt_run(
                **arguments, options=RequestOptions(timeout, max_retries)
            )

    def cancel_bolt_run(
        self,
        schedule_run_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> CancelResult:
        """Cancels a run. A finished or unknown run: `OperationFailedError` (the API's `ok: false`
        does not say which), or `NotFoundError` when the API says the run does not exist."""
        asked = {"schedule_run_id": graphql_int("schedule_run_id", schedule_run_id)}
        with lookup("run", asked, not_ok_is_missing=False):
            return self._graphql.cancel_bolt_run(
                **asked, options=RequestOptions(timeout, max_retries)
            )

    def bolt_run_status(
        self,
        run_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> RunStatus:
        """A run's state and the commands it has run so far, with their logs."""
        asked = {"run_id": graphql_int("run_id", run_id)}
        with lookup("run", asked):
            return self._graphql.bolt_run_status(
                **asked, options=RequestOptions(timeout, max_retries)
            )

    def bolt_run_progress(
        self,
        run_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> RunProgress:
        """A run's state and its commands without their logs: cheap enough to poll."""
        asked = {"run_id": graphql_int("run_id", run_id)}
        with lookup("run", asked):
            return self._graphql.bolt_run_progress(
                **asked, options=RequestOptions(timeout, max_retries)
            )

    def bolt_command(
        self,
        command_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> CommandDetails:
        """One command with its logs and the resources (artifacts) it produced."""
        asked = {"command_id": graphql_int("command_id", command_id)}
        with lookup("command", asked):
            return self._graphql.bolt_command(**asked, options=RequestOptions(timeout, max_retries))

    def bolt_resource_url(
        self,
        resource_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> ResourceUrl:
        """A time-limited download URL for one resource."""
        asked = {"resource_id": graphql_int("resource_id", resource_id)}
        with lookup("resource", asked):
            return self._graphql.bolt_resource_url(
                **asked, options=RequestOptions(timeout, max_retries)
            )

    def list_bolt_runs(
        self,
        schedule_name: str | None = None,
        *,
        slug: str | None = None,
        offset: int = 0,
        limit: int = 10,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> RunPage:
        """A schedule's runs, newest first. Unknown schedule: `NotFoundError`."""
        offset = graphql_int("offset", offset, minimum=0)
        limit = graphql_int("limit", limit, minimum=1)
        asked = schedule_selector(schedule_name, slug)
        with lookup("schedule", asked):
            return self._graphql.list_bolt_runs(
                offset=offset, limit=limit, **asked, options=RequestOptions(timeout, max_retries)
            )

    def bolt_command_logs(
        self,
        command_id: int,
        cursor: str | None = None,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> LogPage:
        """One page of a command's log lines; pass the returned `cursor` back to read on."""
        asked = {"command_id": graphql_int("command_id", command_id)}
        with lookup("command", asked):
            return self._graphql.bolt_command_logs(
                **asked,
                cursor=UNSET if cursor is None else cursor,
                options=RequestOptions(timeout, max_retries),
            )

    def retry_bolt_run(
        self,
        schedule_run_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> TriggeredRun:
        """Starts a new run that re-runs the failed commands of a finished run."""
        asked = {"schedule_run_id": graphql_int("schedule_run_id", schedule_run_id)}
        with lookup("run", asked):
            return self._graphql.retry_bolt_run(
                **asked, options=RequestOptions(timeout, max_retries)
            )

    def retry_all_bolt_run(
        self,
        schedule_run_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> TriggeredRun:
        """Starts a new run that re-runs every command of a finished run but the set-up ones."""
        asked = {"schedule_run_id": graphql_int("schedule_run_id", schedule_run_id)}
        with lookup("run", asked):
            return self._graphql.retry_all_bolt_run(
                **asked, options=RequestOptions(timeout, max_retries)
            )

    def retry_bolt_run_from_failure(
        self,
        schedule_name: str | None = None,
        *,
        slug: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> TriggeredRun:
        """Re-runs a schedule's latest failed run from its failing command."""
        asked = schedule_selector(schedule_name, slug)
        with lookup("schedule", asked):
            return self._graphql.retry_bolt_run_from_failure(
                **asked, options=RequestOptions(timeout, max_retries)
            )

    def suspend_bolt_schedule(
        self,
        schedule_name: str | None = None,
        *,
        slug: str | None = None,
        suspend: bool = True,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> SuspendResult:
        """Suspends a schedule (`suspend=False` resumes it). Unknown: `NotFoundError`."""
        selector = schedule_selector(schedule_name, slug)
        with lookup("schedule", {**selector, "suspend": suspend}):
            return self._graphql.suspend_bolt_schedule(
                suspend=suspend, **selector, options=RequestOptions(timeout, max_retries)
            )

    def create_bolt_schedule(
        self,
        schedule: ScheduleInput,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> CreatedSchedule:
        """Creates an API schedule and returns its `slug`, the name every other method takes
        as `slug=`. Never retried unless the request provably did not reach the server."""
        if not isinstance(schedule, ScheduleInput):
            raise InvalidArgumentError(
                f"schedule must be a paradime_bolt.models.ScheduleInput, not {schedule!r}"
            )
        return self._graphql.create_bolt_schedule(
            schedule=schedule, options=RequestOptions(timeout, max_retries)
        )

    def delete_bolt_schedule(
        self,
        slug: str,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> DeleteResult:
        """Deletes an API (or UI) schedule. Unknown: `NotFoundError`; a YAML schedule is refused
        by the API (`GraphQLResponseError`): remove it from its file instead."""
        asked = schedule_selector(None, slug)
        with lookup("schedule", asked):
            return self._graphql.delete_bolt_schedule(
                slug=asked["slug"], options=RequestOptions(timeout, max_retries)
            )

    def list_all_schedule_names(
        self,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> AllScheduleNames:
        """Every schedule's name with its workspace's, across the workspaces this credential
        reaches: what a `run_after`/`schedule_trigger` in another workspace may name."""
        return self._graphql.list_all_schedule_names(options=RequestOptions(timeout, max_retries))

    def list_bolt_environments(
        self,
        environment_type: EnvironmentType = EnvironmentType.SCHEDULER,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> EnvironmentList:
        """The workspace's environments of a type (Bolt's: SCHEDULER); a schedule's
        `environment` names one of their slugs."""
        try:
            kind = EnvironmentType(environment_type)
        except ValueError:
            choices = ", ".join(member.value for member in EnvironmentType)
            raise InvalidArgumentError(
                f"environment_type must be one of {choices}, not {environment_type!r}"
            ) from None
        return self._graphql.list_bolt_environments(
            environment_type=kind, options=RequestOptions(timeout, max_retries)
        )

    def create_schedule_slugs(
        self,
        display_names: Sequence[str],
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> ScheduleSlugs:
        """Mints a unique slug for each display name, in the same order."""
        if isinstance(display_names, str) or not display_names:
            raise InvalidArgumentError("display_names= takes a non-empty list of names")
        names = [schedule_selector(name, None)["schedule_name"] for name in display_names]
        return self._graphql.create_schedule_slugs(
            display_names=names, options=RequestOptions(timeout, max_retries)
        )

    # -- workflows ---------------------------------------------------------------------------
    #
    # Each sends its requests as this client does (`with_options` included), or with the
    # per-request `timeout=` and `max_retries=` it is given: it then runs on
    # `self.with_options(...)`. In wait_for_run and trigger_and_wait `timeout=` is how long to
    # wait for the run and `request_timeout=` is each request's.

    def wait_for_run(
        self,
        run_id: int,
        *,
        timeout: float | None = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float = 1.0,
        max_poll_interval: float = 10.0,
        cancel_on_timeout: bool = False,
        raise_on_failure: bool = False,
        on_progress: ProgressCallback | None = None,
        outage_tolerance: float = DEFAULT_OUTAGE_TOLERANCE,
        request_timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> RunStatus:
        """Polls until the run ends and returns its final status, with every command's logs.

        Polls start `poll_interval` seconds apart and back off to `max_poll_interval`, so a run
        is seen ending at most that long after it does. `timeout=None` waits forever. On timeout
        raises `RunTimeoutError`, after cancelling the run when `cancel_on_timeout`. With
        `raise_on_failure`, a run that ends ERROR, FAILED or CANCELED raises `RunFailedError`.
        `on_progress` is called with each polled `RunProgress` (state and commands, no logs);
        an async function needs `AsyncBoltClient`.
        An API that stops answering (no connection, timeouts, 429, 5xx) does not end the wait:
        it keeps trying, backing off up to 30 s, until the failures have lasted
        `outage_tolerance` seconds in a row (default 600; 0 gives up at once), then raises
        `APIUnreachableError`. `request_timeout` and `max_retries` apply to each request.
        """
        backoff = wait_backoff(timeout, poll_interval, max_poll_interval)
        tolerance = outage_seconds(outage_tolerance)
        check_on_progress(on_progress)
        bolt = self._per_call(request_timeout, max_retries)
        clock = self._transport.clock
        deadline = None if timeout is None else clock.now() + timeout
        outage = OutageWatch(run_id, tolerance, clock, deadline=deadline, timeout=timeout)
        intervals = backoff.intervals()
        while True:
            state = bolt._poll_state(run_id, outage, on_progress)
            if RunState.parse(state).is_terminal:
                break
            interval = next(intervals)
            remaining = None if deadline is None else deadline - clock.now()
            if (
                remaining is not None
                and remaining <= 0
                and not bolt._timed_out(run_id, timeout or 0.0, state, cancel_on_timeout)
            ):
                break
            clock.sleep(interval if remaining is None else min(interval, remaining))
        status = bolt._through_outages(outage, lambda: bolt.bolt_run_status(run_id))
        outage.answered()
        if raise_on_failure and status.run_state.is_failure:
            raise RunFailedError.from_status(run_id, status)
        return status

    def _poll_state(
        self, run_id: int, outage: OutageWatch, on_progress: ProgressCallback | None
    ) -> str | None:
        """One poll of the run's progress, shown to `on_progress`; returns only its state, so a
        wait holds no models while it sleeps (a thousand waits in one triggerer add up)."""
        progress = self._through_outages(outage, lambda: self.bolt_run_progress(run_id))
        outage.answered(progress.state)
        report_progress(on_progress, progress)
        return progress.state

    def _through_outages(self, outage: OutageWatch, request: Callable[[], T]) -> T:
        """`request()`, sent again after each transient failure until `outage` gives up."""
        while True:
            try:
                return request()
            except APIError as exc:
                self._transport.clock.sleep(outage.failed(exc))

    def _timed_out(self, run_id: int, timeout: float, state: str | None, cancel: bool) -> bool:
        """Raises `RunTimeoutError`, or returns False when the run ended while we cancelled."""
        if not cancel:
            raise RunTimeoutError(run_id, timeout, state=state)
        try:
            self.cancel_bolt_run(run_id)
        except OperationFailedError:
            latest = self.bolt_run_progress(run_id)
            if latest.run_state.is_terminal:
                return False
            raise RunTimeoutError(run_id, timeout, state=latest.state) from None
        except APIError as exc:  # the API did not answer the cancel: the timeout still stands
            raise RunTimeoutError(run_id, timeout, state=state) from exc
        raise RunTimeoutError(run_id, timeout, state=state, canceled=True)

    def trigger_and_wait(
        self,
        schedule_name: str | None = None,
        commands: Sequence[str] | None = None,
        branch: str | None = None,
        *,
        slug: str | None = None,
        pr_number: int | None = None,
        reason: str | None = None,
        command_configs: Sequence[CommandInput] | None = None,
        continue_on_error: bool | None = None,
        timeout: float | None = DEFAULT_WAIT_TIMEOUT,
        poll_interval: float = 1.0,
        max_poll_interval: float = 10.0,
        cancel_on_timeout: bool = False,
        raise_on_failure: bool = False,
        on_progress: ProgressCallback | None = None,
        outage_tolerance: float = DEFAULT_OUTAGE_TOLERANCE,
        request_timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> FinishedRun:
        """Triggers a run and waits for it (`trigger_bolt_run`, then `wait_for_run`, which say
        what each argument does); returns the run's id with its final status. The waiting
        arguments are checked first, so no run is started that could not be waited for."""
        check_wait_arguments(
            timeout=timeout,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            outage_tolerance=outage_tolerance,
        )
        check_on_progress(on_progress)
        bolt = self._per_call(request_timeout, max_retries)
        run = bolt.trigger_bolt_run(
            schedule_name,
            commands,
            branch,
            slug=slug,
            pr_number=pr_number,
            reason=reason,
            command_configs=command_configs,
            continue_on_error=continue_on_error,
        )
        status = bolt.wait_for_run(
            run.run_id,
            timeout=timeout,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
            cancel_on_timeout=cancel_on_timeout,
            raise_on_failure=raise_on_failure,
            on_progress=on_progress,
            outage_tolerance=outage_tolerance,
        )
        return FinishedRun(run.run_id, status)

    @contextlib.contextmanager
    def cancel_on_interrupt(self, run_id: int) -> Iterator[InterruptGuard]:
        """Cancels run `run_id` when the block is interrupted, then lets the interrupt go on.

        An interrupt is what is not an `Exception`: Ctrl-C, SIGTERM turned into one, SystemExit,
        a cancelled task, an orchestrator stopping a step. Errors pass untouched. A second
        interrupt that lands during the cancel (orchestrators repeat their signal) gets the
        cancel sent once more. In async code the cancel is shielded, for up to 30 seconds, from
        the cancellation that interrupted the block (a cancelled anyio scope, such as Prefect's
        flow timeouts and task groups use, cancels each later wait inside it). The guard it
        yields tells what happened:

            with bolt.cancel_on_interrupt(run_id) as guard:
                bolt.wait_for_run(run_id)
        """
        guard = InterruptGuard(run_id)
        try:
            yield guard
        except Exception:
            raise
        except BaseException:
            guard.interrupted = True
            with unshielded(INTERRUPT_CANCEL_SECONDS):
                self._cancel_interrupted(guard)
            raise

    def _cancel_interrupted(self, guard: InterruptGuard) -> None:
        for last in (False, True):
            try:
                self.cancel_bolt_run(guard.run_id)
            except OperationFailedError as exc:
                # It had ended: maybe cancelled by the first try, whose answer a second
                # interrupt cut off. A run that ended CANCELED is what the guard was for.
                if self._ended_canceled(guard.run_id):
                    guard.canceled = True
                    logger.warning("Interrupted: Bolt run %s was cancelled", guard.run_id)
                else:
                    guard.error = exc
                    logger.info("Interrupted: Bolt run %s had already ended", guard.run_id)
            except BoltError as exc:
                guard.error = exc
                logger.warning(
                    "Interrupted: cancelling Bolt run %s failed, so it may go on: %s",
                    guard.run_id,
                    exc,
                )
            except BaseException:
                if last:
                    raise
                continue
            else:
                guard.canceled = True
                logger.warning("Interrupted: Bolt run %s was cancelled", guard.run_id)
            return

    def _ended_canceled(self, run_id: int) -> bool:
        """Whether the run is CANCELED now (False when that cannot be read)."""
        try:
            progress = self.bolt_run_progress(run_id)
        except BoltError:
            return False
        return progress.run_state is RunState.CANCELED

    def iter_schedules(
        self,
        *,
        show_inactive: bool = False,
        page_size: int = 50,
        suspended: bool | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Iterator[Schedule]:
        """Every schedule, page by page, until a short or empty page or `total_count`."""
        page_size = graphql_int("page_size", page_size, minimum=1)
        bolt = self._per_call(timeout, max_retries)
        offset = 0
        while True:
            page = bolt.list_bolt_schedules(offset, page_size, show_inactive, suspended=suspended)
            for schedule in page.schedules:
                yield schedule
            offset += len(page.schedules)
            if len(page.schedules) < page_size or offset >= page.total_count:
                return

    def iter_command_logs(
        self,
        command_id: int,
        *,
        follow: bool = True,
        poll_interval: float = 1.0,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Iterator[LogLine]:
        """A command's log lines in order. With `follow`, waits for new lines until the command
        has finished; without, stops at the end of what is written so far."""
        positive_seconds("poll_interval", poll_interval)
        bolt = self._per_call(timeout, max_retries)
        cursor: str | None = None
        while True:
            for page in bolt._log_pages(command_id, cursor):
                for line in page.lines:
                    yield line
                cursor = page.cursor
            if page.finished or not follow:
                return
            self._transport.clock.sleep(poll_interval)

    def _log_pages(self, command_id: int, cursor: str | None) -> Iterator[LogPage]:
        """The pages of a command's log from `cursor` to the end of what is written so far:
        until a page that is the last (`finished`), one with no lines, or one that gives back
        the cursor it was asked for."""
        while True:
            page = self.bolt_command_logs(command_id, cursor)
            yield page
            if page.finished or not page.lines or page.cursor == cursor:
                return
            cursor = page.cursor

    def find_artifact(
        self,
        run_id: int,
        path: str,
        *,
        command_id: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Artifact:
        """The resource at `path` (e.g. `target/run_results.json`) among a run's commands.

        By default it is the one the latest dbt command that wrote `path` left, whatever that
        command's return code: for a run that failed in `dbt test`, the run_results.json of that
        `dbt test`. `command_id=` takes it from that command of the run instead (an unknown
        command: `NotFoundError`). Missing: `ArtifactNotFoundError`."""
        bolt = self._per_call(timeout, max_retries)
        if command_id is not None:
            return bolt._artifact_of_command(run_id, path, command_id)
        progress = bolt.bolt_run_progress(run_id)
        for command in rank_commands(progress.commands or []):
            for artifact in bolt.command_artifacts(command):
                if artifact.path == path:
                    return artifact
        raise ArtifactNotFoundError(run_id, path)

    def _artifact_of_command(self, run_id: int, path: str, command_id: int) -> Artifact:
        details = self.bolt_command(command_id)
        if details.schedule_run_id in (None, run_id):
            for resource in details.resources or []:
                if resource.path == path:
                    return Artifact(
                        resource_id=resource.id,
                        path=resource.path,
                        command_id=command_id,
                        command=details.command or "",
                        return_code=details.return_code,
                    )
        raise ArtifactNotFoundError(run_id, path)

    def list_artifacts(
        self,
        run_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> list[Artifact]:
        """Every artifact of a run, command by command in the order they ran, each with the
        command that wrote it; `default_artifacts()` says which `find_artifact` would take."""
        bolt = self._per_call(timeout, max_retries)
        progress = bolt.bolt_run_progress(run_id)
        found: list[Artifact] = []
        for command in sorted(progress.commands or [], key=lambda c: c.id):
            found.extend(bolt.command_artifacts(command))
        return found

    def command_artifacts(
        self,
        command: RunProgressCommand,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> list[Artifact]:
        """The artifacts one command of a run (as `bolt_run_progress` lists it) produced."""
        details = self.bolt_command(command.id, timeout=timeout, max_retries=max_retries)
        return [
            Artifact(
                resource_id=resource.id,
                path=resource.path,
                command_id=command.id,
                command=command.command,
                return_code=command.return_code,
            )
            for resource in details.resources or []
        ]

    def download_resource(
        self,
        resource_id: int,
        dest: str | os.PathLike[str],
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Path:
        """Downloads a resource to `dest` (a file, or a directory to put it in) and returns the
        path written. The bytes go to a temporary file that replaces `dest` only once complete
        and checked: a failure never leaves a partial file.

        The storage refusing the URL is a `StorageError` (an expired URL is fetched afresh and
        tried once more first); a destination that cannot be written, a `DestinationError`."""
        bolt = self._per_call(timeout, max_retries)
        url = bolt._resource_url(resource_id)
        dest_path = destination(dest, url)
        bolt._fetch(
            resource_id,
            url,
            functools.partial(file_sink, dest_path),
            f"download of resource {resource_id}",
        )
        return dest_path

    def download_json_artifact(
        self,
        run_id: int,
        path: str = "target/manifest.json",
        *,
        command_id: int | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Any:
        """Finds a run's JSON artifact (manifest.json, run_results.json, ...) as `find_artifact`
        does, downloads it and parses it."""
        bolt = self._per_call(timeout, max_retries)
        artifact = bolt.find_artifact(run_id, path, command_id=command_id)
        url = bolt._resource_url(artifact.resource_id)
        operation = f"download of {path}"
        sink = MemorySink()
        bolt._fetch(artifact.resource_id, url, sink.open, operation)
        try:
            return json.loads(sink.content)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise InvalidResponseError(
                f"{path} of run {run_id} is not valid JSON: {exc}", operation=operation
            ) from None

    # -- webhook follow-ups: always our own operations, keyed by the ids in the event ----------

    def failed_command_details(
        self,
        event: BoltRunEvent,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> list[CommandDetails]:
        """Each failed command of a webhook event, fetched in full (logs, resources) by its id.

        The GraphQL strings the event carries are never executed."""
        bolt = self._per_call(timeout, max_retries)
        return [bolt.bolt_command(command.id) for command in event.failed_commands]

    def download_event_artifact(
        self,
        event: BoltRunEvent,
        path: str,
        dest: str | os.PathLike[str],
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Path:
        """Downloads the resource at `path` (e.g. `target/manifest.json`) that a webhook event
        lists, latest command first. Missing: `ArtifactNotFoundError`."""
        resource = event.find_resource(path)
        if resource is None:
            raise ArtifactNotFoundError(None, path)
        return self.download_resource(resource.id, dest, timeout=timeout, max_retries=max_retries)

    def _resource_url(self, resource_id: int) -> str:
        url = (self.bolt_resource_url(resource_id)).url
        if not url:
            raise InvalidResponseError(
                f"BoltResourceUrl returned no url for resource {resource_id}",
                operation="BoltResourceUrl",
            )
        return url

    def _fetch(
        self,
        resource_id: int,
        url: str,
        open_sink: Callable[[], AbstractContextManager[Callable[[bytes], object]]],
        operation: str,
    ) -> None:
        """GETs `url` into a fresh `open_sink()` per attempt, retried as queries are. When the
        storage says the URL expired, a new one is asked for and tried once before giving up."""
        settings = self._transport.settings
        for last in (False, True):

            def attempt(url: str = url) -> None:
                with open_sink() as write:
                    self._transport.stream_get(
                        url, write, timeout=settings.timeout, operation=operation
                    )

            try:
                self._transport.with_retries(
                    attempt,
                    operation,
                    is_mutation=False,
                    max_retries=settings.max_retries,
                    target=storage_host(url),
                )
                return
            except StorageError as exc:
                if last or not exc.expired:
                    raise
                logger.info("%s: the download URL expired; asking for a fresh one", operation)
                url = self._resource_url(resource_id)
