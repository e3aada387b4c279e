"""`BoltClient`: the synchronous facade over the generated client.

Each method has an explicit signature, calls the generated operation of the same name, and
returns the operation's payload itself. Every failure is a `BoltError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType

import httpx

from ._config import ClientConfig, resolve_config
from ._generated.base_model import UNSET
from ._generated.client import BoltGraphQLClient
from ._generated.input_types import BoltScheduleFilter
from ._operations import (
    call_options,
    check_ok,
    require,
    schedule_selector,
    trigger_arguments,
    validating,
)
from ._transport import SyncTransport
from ._types import NOT_GIVEN, NotGiven, Timeout
from .models import (
    CancelResult,
    CommandDetails,
    CommandInput,
    ResourceUrl,
    RunStatus,
    ScheduleDetails,
    SchedulePage,
    TriggeredRun,
)

__all__ = ["BoltClient"]


class BoltClient:
    """A synchronous Bolt API client.

    Configuration comes from the keyword arguments, else from PARADIME_API_ENDPOINT,
    PARADIME_API_KEY and PARADIME_API_SECRET. `timeout` (seconds) and `max_retries` apply to
    every call and can be overridden per call. Pass `http_client=` to use an `httpx.Client` you
    own (proxies, certificates, event hooks); the client then leaves closing it to you.

        with BoltClient() as bolt:
            run_id = bolt.trigger_bolt_run("daily run").run_id
    """

    def __init__(
        self,
        *,
        endpoint: str | None = None,
        api_key: str | None = None,
        api_secret: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | None = None,
        http_client: httpx.Client | None = None,
    ) -> None:
        self._config = resolve_config(
            endpoint=endpoint,
            api_key=api_key,
            api_secret=api_secret,
            timeout=timeout,
            max_retries=max_retries,
        )
        self._transport = SyncTransport(self._config, http_client)
        self._graphql = BoltGraphQLClient(self._transport)

    @property
    def config(self) -> ClientConfig:
        """The resolved configuration (its secret is masked in every representation)."""
        return self._config

    def __repr__(self) -> str:
        return f"BoltClient(endpoint={self._config.endpoint!r}, api_key={self._config.api_key!r})"

    def close(self) -> None:
        """Closes the HTTP client if this client created it."""
        self._transport.close()

    def __enter__(self) -> BoltClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

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
        op = "ListBoltSchedules"
        with validating(op):
            result = self._graphql.list_bolt_schedules(
                offset=offset,
                limit=limit,
                show_inactive=show_inactive,
                filter_=UNSET if suspended is None else BoltScheduleFilter(suspended=suspended),
                **call_options(timeout, max_retries),
            )
        return require(result.list_bolt_schedules, op, "listBoltSchedules")

    def bolt_schedule_name(
        self,
        schedule_name: str | None = None,
        *,
        slug: str | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> ScheduleDetails:
        """A schedule's details, by name (or by `slug=`). Unknown: `OperationFailedError`."""
        op = "BoltScheduleName"
        arguments = schedule_selector(schedule_name, slug)
        with validating(op):
            result = self._graphql.bolt_schedule_name(
                **arguments, **call_options(timeout, max_retries)
            )
        return check_ok(require(result.bolt_schedule_name, op, "boltScheduleName"), op, arguments)

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

        Raises `AlreadyRunningError` when the schedule already has a run in progress. Never
        retried unless the request provably did not reach the server.
        """
        op = "TriggerBoltRun"
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
        with validating(op):
            result = self._graphql.trigger_bolt_run(
                **arguments, **call_options(timeout, max_retries)
            )
        return require(result.trigger_bolt_run, op, "triggerBoltRun")

    def cancel_bolt_run(
        self,
        schedule_run_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> CancelResult:
        """Cancels a run. A finished or unknown run: `OperationFailedError`."""
        op = "CancelBoltRun"
        with validating(op):
            result = self._graphql.cancel_bolt_run(
                schedule_run_id=schedule_run_id, **call_options(timeout, max_retries)
            )
        payload = require(result.cancel_bolt_run, op, "cancelBoltRun")
        return check_ok(payload, op, {"schedule_run_id": schedule_run_id})

    def bolt_run_status(
        self,
        run_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> RunStatus:
        """A run's state and the commands it has run so far, with their logs."""
        op = "BoltRunStatus"
        with validating(op):
            result = self._graphql.bolt_run_status(
                run_id=run_id, **call_options(timeout, max_retries)
            )
        return check_ok(
            require(result.bolt_run_status, op, "boltRunStatus"), op, {"run_id": run_id}
        )

    def bolt_command(
        self,
        command_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> CommandDetails:
        """One command with its logs and the resources (artifacts) it produced."""
        op = "BoltCommand"
        with validating(op):
            result = self._graphql.bolt_command(
                command_id=command_id, **call_options(timeout, max_retries)
            )
        payload = require(result.bolt_command, op, "boltCommand")
        return check_ok(payload, op, {"command_id": command_id})

    def bolt_resource_url(
        self,
        resource_id: int,
        *,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> ResourceUrl:
        """A time-limited download URL for one resource."""
        op = "BoltResourceUrl"
        with validating(op):
            result = self._graphql.bolt_resource_url(
                resource_id=resource_id, **call_options(timeout, max_retries)
            )
        payload = require(result.bolt_resource_url, op, "boltResourceUrl")
        return check_ok(payload, op, {"resource_id": resource_id})
