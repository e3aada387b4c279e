"""The tasks: trigger a run, wait for it, retry it from its failure, fetch a JSON artifact.

Each is written twice, on `AsyncBoltClient` and on `BoltClient`, and one name calls the twin
that fits where it is called (see `_dispatch`)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.logging import get_run_logger

from paradime_bolt import DEFAULT_OUTAGE_TOLERANCE, Artifact, RunFailedError
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


def _triggered(
    credentials: BoltCredentials, run_id: int, schedule_name: str | None, slug: str | None
) -> int:
    schedule = repr(schedule_name) if schedule_name is not None else f"slug {slug!r}"
    _logger().info(
        "Triggered Bolt run %s of schedule %s: %s", run_id, schedule, credentials.run_url(run_id)
    )
    return run_id


def _retrying(credentials: BoltCredentials, run_id: int, retried: int) -> int:
    _logger().info(
        "Retrying Bolt run %s from its failure as run %s: %s",
        run_id,
        retried,
        credentials.run_url(retried),
    )
    return retried


class _ProgressLog:
    """Logs each state a run passes through, once."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.state: str | None = None

    def __call__(self, progress: RunProgress) -> None:
        if progress.state != self.state:
            self.state = progress.state
            _logger().info("Bolt run %s is %s", self.run_id, progress.state)


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
    """Starts a run of a Bolt schedule (by name or slug) and returns its id (the async twin)."""
    async with credentials.get_async_client() as bolt:
        run = await bolt.trigger_bolt_run(schedule_name, commands, branch, slug=slug, reason=reason)
    return _triggered(credentials, run.run_id, schedule_name, slug)


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
    return _triggered(credentials, run.run_id, schedule_name, slug)


# -- wait_for_bolt_run ------------------------------------------------------------------------


def _wait_options(
    run_id: int,
    timeout: float | None,
    poll_interval: float,
    max_poll_interval: float,
    outage_tolerance: float,
) -> dict[str, Any]:
    """What both twins pass to `wait_for_run`: a timeout cancels the run, each state it passes
    through is logged, and a failed run comes back (`_ended` logs it, then raises)."""
    return {
        "timeout": timeout,
        "poll_interval": poll_interval,
        "max_poll_interval": max_poll_interval,
        "outage_tolerance": outage_tolerance,
        "cancel_on_timeout": True,
        "raise_on_failure": False,
        "on_progress": _ProgressLog(run_id),
    }


def _ended(
    credentials: BoltCredentials, run_id: int, status: RunStatus, raise_on_failure: bool
) -> RunStatus:
    """Logs how the run ended; a failed one raises `RunFailedError` with `raise_on_failure`."""
    failed = status.run_state.is_failure
    level = logging.ERROR if failed else logging.INFO
    _logger().log(
        level, "Bolt run %s ended %s: %s", run_id, status.state, credentials.run_url(run_id)
    )
    if raise_on_failure and failed:
        raise RunFailedError.from_status(run_id, status)
    return status


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
    """Waits for a Bolt run to end and returns its final status (the async twin)."""
    options = _wait_options(run_id, timeout, poll_interval, max_poll_interval, outage_tolerance)
    async with (
        credentials.get_async_client() as bolt,
        bolt.cancel_on_interrupt(run_id) if cancel_on_interrupt else nullcontext(),
    ):
        status = await bolt.wait_for_run(run_id, **options)
    return _ended(credentials, run_id, status, raise_on_failure)


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
    options = _wait_options(run_id, timeout, poll_interval, max_poll_interval, outage_tolerance)
    with (
        credentials.get_client() as bolt,
        bolt.cancel_on_interrupt(run_id) if cancel_on_interrupt else nullcontext(),
    ):
        status = bolt.wait_for_run(run_id, **options)
    return _ended(credentials, run_id, status, raise_on_failure)


# -- retry_bolt_run ---------------------------------------------------------------------------


async def _aretry_bolt_run(credentials: BoltCredentials, run_id: int) -> int:
    """Re-runs this finished run from its failed command (the async twin)."""
    async with credentials.get_async_client() as bolt:
        retried = await bolt.retry_bolt_run(run_id)
    return _retrying(credentials, run_id, retried.run_id)


def _retry_bolt_run(credentials: BoltCredentials, run_id: int) -> int:
    """Re-runs this finished run from its failed command (a new run, whose id it returns);
    never another run of the schedule."""
    with credentials.get_client() as bolt:
        retried = bolt.retry_bolt_run(run_id)
    return _retrying(credentials, run_id, retried.run_id)


# -- get_bolt_run_artifact --------------------------------------------------------------------


def _failing_command_id(run_id: int, status: RunStatus) -> int | None:
    """The command that failed the run, by the client's rule; None for a run that did not fail."""
    if not status.run_state.is_failure:
        return None
    return RunFailedError.from_status(run_id, status).command_id


def _if_written(command_id: int, artifacts: Iterable[Artifact], path: str) -> int | None:
    """`command_id` when that command wrote `path`, else None (the run's default artifact)."""
    found = {a.command_id for a in artifacts if a.path == path}
    return command_id if command_id in found else None


async def _aget_bolt_run_artifact(
    credentials: BoltCredentials,
    run_id: int,
    path: str = "target/run_results.json",
    *,
    command_id: int | None = None,
) -> Any:
    """A run's JSON artifact at `path`, parsed (the async twin)."""
    async with credentials.get_async_client() as bolt:
        if command_id is None:
            failing = _failing_command_id(run_id, await bolt.bolt_run_status(run_id))
            if failing is not None:
                command_id = _if_written(failing, await bolt.list_artifacts(run_id), path)
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
            failing = _failing_command_id(run_id, bolt.bolt_run_status(run_id))
            if failing is not None:
                command_id = _if_written(failing, bolt.list_artifacts(run_id), path)
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
