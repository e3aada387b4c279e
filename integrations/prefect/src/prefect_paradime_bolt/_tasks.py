"""The tasks: trigger a run, wait for it, retry it from its failure, fetch a JSON artifact.

Each is written twice, on `AsyncBoltClient` and on `BoltClient`, and one name calls the twin
that fits where it is called (see `_dispatch`)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.logging import get_run_logger

from paradime_bolt import (
    DEFAULT_OUTAGE_TOLERANCE,
    AsyncBoltClient,
    BoltClient,
    RunFailedError,
    RunState,
)
from paradime_bolt.models import RunProgress, RunStatus

from ._credentials import BoltCredentials
from ._dispatch import BoltTask

__all__ = [
    "get_bolt_run_artifact",
    "retry_bolt_run",
    "trigger_bolt_run",
    "wait_for_bolt_run",
]

DEFAULT_TIMEOUT = 3600.0


def _logger() -> logging.Logger | logging.LoggerAdapter[logging.Logger]:
    return get_run_logger()


def _describe(schedule_name: str | None, slug: str | None) -> str:
    return repr(schedule_name) if schedule_name is not None else f"slug {slug!r}"


class _ProgressLog:
    """Logs each state a run passes through, once."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.state: str | None = None

    def __call__(self, progress: RunProgress) -> None:
        if progress.state != self.state:
            self.state = progress.state
            _logger().info("Bolt run %s is %s", self.run_id, progress.state)


def _finished(credentials: BoltCredentials, run_id: int, status: RunStatus) -> None:
    logger = _logger()
    level = logging.ERROR if status.run_state.is_failure else logging.INFO
    logger.log(level, "Bolt run %s ended %s: %s", run_id, status.state, credentials.run_url(run_id))


# -- trigger_bolt_run -------------------------------------------------------------------------


async def _atrigger_bolt_run(
    credentials: BoltCredentials,
    schedule_name: str | None = None,
    *,
    slug: str | None = None,
    commands: Sequence[str] | None = None,
    branch: str | None = None,
    reason: str | None = None,
) -> int:
    """Starts a run of a Bolt schedule (by name or slug) and returns its id; `commands` and
    `branch` replace the schedule's for this run only."""
    async with credentials.get_async_client() as bolt:
        run = await bolt.trigger_bolt_run(schedule_name, commands, branch, slug=slug, reason=reason)
    _logger().info(
        "Triggered Bolt run %s of schedule %s: %s",
        run.run_id,
        _describe(schedule_name, slug),
        credentials.run_url(run.run_id),
    )
    return run.run_id


def _trigger_bolt_run(
    credentials: BoltCredentials,
    schedule_name: str | None = None,
    *,
    slug: str | None = None,
    commands: Sequence[str] | None = None,
    branch: str | None = None,
    reason: str | None = None,
) -> int:
    """Starts a run of a Bolt schedule (by name or slug) and returns its id; `commands` and
    `branch` replace the schedule's for this run only."""
    with credentials.get_client() as bolt:
        run = bolt.trigger_bolt_run(schedule_name, commands, branch, slug=slug, reason=reason)
    _logger().info(
        "Triggered Bolt run %s of schedule %s: %s",
        run.run_id,
        _describe(schedule_name, slug),
        credentials.run_url(run.run_id),
    )
    return run.run_id


# -- wait_for_bolt_run ------------------------------------------------------------------------


async def _await_run(
    bolt: AsyncBoltClient,
    run_id: int,
    *,
    timeout: float | None,
    poll_interval: float,
    max_poll_interval: float,
    outage_tolerance: float,
    raise_on_failure: bool,
) -> RunStatus:
    return await bolt.wait_for_run(
        run_id,
        timeout=timeout,
        poll_interval=poll_interval,
        max_poll_interval=max_poll_interval,
        cancel_on_timeout=True,
        raise_on_failure=raise_on_failure,
        on_progress=_ProgressLog(run_id),
        outage_tolerance=outage_tolerance,
    )


async def _await_for_bolt_run(
    credentials: BoltCredentials,
    run_id: int,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
    poll_interval: float = 1.0,
    max_poll_interval: float = 10.0,
    outage_tolerance: float = DEFAULT_OUTAGE_TOLERANCE,
    raise_on_failure: bool = True,
    cancel_on_interrupt: bool = True,
) -> RunStatus:
    """Waits for a Bolt run to end and returns its final status (every command, with logs).

    Waiting goes through the client's rule: transient API failures and outages of up to
    `outage_tolerance` seconds in a row do not end it. After `timeout` seconds the run is
    cancelled and `RunTimeoutError` raised. A failed run raises `RunFailedError` (the failing
    command, its return code and log tail) unless `raise_on_failure=False`. When the task is
    interrupted (its flow run cancelled, crashed or timed out) the run is cancelled."""
    async with credentials.get_async_client() as bolt:
        arguments: dict[str, Any] = {
            "timeout": timeout,
            "poll_interval": poll_interval,
            "max_poll_interval": max_poll_interval,
            "outage_tolerance": outage_tolerance,
            "raise_on_failure": False,
        }
        if cancel_on_interrupt:
            async with bolt.cancel_on_interrupt(run_id):
                status = await _await_run(bolt, run_id, **arguments)
        else:
            status = await _await_run(bolt, run_id, **arguments)
    _finished(credentials, run_id, status)
    if raise_on_failure and status.run_state.is_failure:
        raise _failure(run_id, status)
    return status


def _wait_run(
    bolt: BoltClient,
    run_id: int,
    *,
    timeout: float | None,
    poll_interval: float,
    max_poll_interval: float,
    outage_tolerance: float,
    raise_on_failure: bool,
) -> RunStatus:
    return bolt.wait_for_run(
        run_id,
        timeout=timeout,
        poll_interval=poll_interval,
        max_poll_interval=max_poll_interval,
        cancel_on_timeout=True,
        raise_on_failure=raise_on_failure,
        on_progress=_ProgressLog(run_id),
        outage_tolerance=outage_tolerance,
    )


def _wait_for_bolt_run(
    credentials: BoltCredentials,
    run_id: int,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
    poll_interval: float = 1.0,
    max_poll_interval: float = 10.0,
    outage_tolerance: float = DEFAULT_OUTAGE_TOLERANCE,
    raise_on_failure: bool = True,
    cancel_on_interrupt: bool = True,
) -> RunStatus:
    """Waits for a Bolt run to end and returns its final status (every command, with logs).

    Waiting goes through the client's rule: transient API failures and outages of up to
    `outage_tolerance` seconds in a row do not end it. After `timeout` seconds the run is
    cancelled and `RunTimeoutError` raised. A failed run raises `RunFailedError` (the failing
    command, its return code and log tail) unless `raise_on_failure=False`. When the task is
    interrupted (its flow run cancelled, crashed or timed out) the run is cancelled."""
    with credentials.get_client() as bolt:
        arguments: dict[str, Any] = {
            "timeout": timeout,
            "poll_interval": poll_interval,
            "max_poll_interval": max_poll_interval,
            "outage_tolerance": outage_tolerance,
            "raise_on_failure": False,
        }
        if cancel_on_interrupt:
            with bolt.cancel_on_interrupt(run_id):
                status = _wait_run(bolt, run_id, **arguments)
        else:
            status = _wait_run(bolt, run_id, **arguments)
    _finished(credentials, run_id, status)
    if raise_on_failure and status.run_state.is_failure:
        raise _failure(run_id, status)
    return status


def _failure(run_id: int, status: RunStatus) -> RunFailedError:
    return RunFailedError.from_status(run_id, status)


# -- retry_bolt_run ---------------------------------------------------------------------------


async def _aretry_bolt_run(credentials: BoltCredentials, run_id: int) -> int:
    """Re-runs this finished run from its failed command (a new run, whose id it returns);
    never another run of the schedule."""
    async with credentials.get_async_client() as bolt:
        retried = await bolt.retry_bolt_run(run_id)
    _logger().info(
        "Retrying Bolt run %s from its failure as run %s: %s",
        run_id,
        retried.run_id,
        credentials.run_url(retried.run_id),
    )
    return retried.run_id


def _retry_bolt_run(credentials: BoltCredentials, run_id: int) -> int:
    """Re-runs this finished run from its failed command (a new run, whose id it returns);
    never another run of the schedule."""
    with credentials.get_client() as bolt:
        retried = bolt.retry_bolt_run(run_id)
    _logger().info(
        "Retrying Bolt run %s from its failure as run %s: %s",
        run_id,
        retried.run_id,
        credentials.run_url(retried.run_id),
    )
    return retried.run_id


# -- get_bolt_run_artifact --------------------------------------------------------------------


def _failing_command_id(status: RunStatus) -> int | None:
    failed = [c for c in status.commands or [] if c.return_code not in (None, 0)]
    return max(failed, key=lambda c: c.id).id if failed else None


async def _aget_bolt_run_artifact(
    credentials: BoltCredentials,
    run_id: int,
    path: str = "target/run_results.json",
    *,
    command_id: int | None = None,
) -> Any:
    """A run's JSON artifact at `path`, parsed: by default the one its latest dbt command
    wrote, and for a failed run the failing command's (when it wrote one)."""
    async with credentials.get_async_client() as bolt:
        if command_id is None:
            status = await bolt.bolt_run_status(run_id)
            if RunState.parse(status.state).is_failure:
                failing = _failing_command_id(status)
                if failing is not None:
                    found = {
                        a.command_id for a in await bolt.list_artifacts(run_id) if a.path == path
                    }
                    command_id = failing if failing in found else None
        return await bolt.download_json_artifact(run_id, path, command_id=command_id)


def _get_bolt_run_artifact(
    credentials: BoltCredentials,
    run_id: int,
    path: str = "target/run_results.json",
    *,
    command_id: int | None = None,
) -> Any:
    """A run's JSON artifact at `path`, parsed: by default the one its latest dbt command
    wrote, and for a failed run the failing command's (when it wrote one)."""
    with credentials.get_client() as bolt:
        if command_id is None:
            status = bolt.bolt_run_status(run_id)
            if RunState.parse(status.state).is_failure:
                failing = _failing_command_id(status)
                if failing is not None:
                    found = {a.command_id for a in bolt.list_artifacts(run_id) if a.path == path}
                    command_id = failing if failing in found else None
        return bolt.download_json_artifact(run_id, path, command_id=command_id)


# Never cached: a status read from a cache is how waits stop seeing a run end.
trigger_bolt_run = BoltTask(
    task(name="trigger_bolt_run", cache_policy=NO_CACHE)(_trigger_bolt_run),
    task(name="trigger_bolt_run", cache_policy=NO_CACHE)(_atrigger_bolt_run),
)
wait_for_bolt_run = BoltTask(
    task(name="wait_for_bolt_run", cache_policy=NO_CACHE)(_wait_for_bolt_run),
    task(name="wait_for_bolt_run", cache_policy=NO_CACHE)(_await_for_bolt_run),
)
retry_bolt_run = BoltTask(
    task(name="retry_bolt_run", cache_policy=NO_CACHE)(_retry_bolt_run),
    task(name="retry_bolt_run", cache_policy=NO_CACHE)(_aretry_bolt_run),
)
get_bolt_run_artifact = BoltTask(
    task(name="get_bolt_run_artifact", cache_policy=NO_CACHE)(_get_bolt_run_artifact),
    task(name="get_bolt_run_artifact", cache_policy=NO_CACHE)(_aget_bolt_run_artifact),
)
