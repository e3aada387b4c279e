"""The async twins of the tasks: trigger a run, wait for it, retry it from its failure, fetch a
JSON artifact.

The source of both twins: `scripts/unasync.py` writes the sync ones, `_sync_tasks.py`, from this
file (`await` dropped, `get_async_client` called `get_client`); `_tasks.py` pairs each with its
twin under one name."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from typing import Any

from paradime_bolt import DEFAULT_OUTAGE_TOLERANCE
from paradime_bolt.models import RunStatus

from ._credentials import BoltCredentials
from ._task_support import (
    DEFAULT_TIMEOUT,
    ended,
    failing_command_id,
    if_written,
    retrying,
    triggered,
    wait_options,
)

__all__ = ["get_bolt_run_artifact", "retry_bolt_run", "trigger_bolt_run", "wait_for_bolt_run"]


async def trigger_bolt_run(
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
    return triggered(credentials, run.run_id, schedule_name, slug)


async def wait_for_bolt_run(
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
    options = wait_options(run_id, timeout, poll_interval, max_poll_interval, outage_tolerance)
    async with (
        credentials.get_async_client() as bolt,
        bolt.cancel_on_interrupt(run_id) if cancel_on_interrupt else nullcontext(),
    ):
        status = await bolt.wait_for_run(run_id, **options)
    return ended(credentials, run_id, status, raise_on_failure)


async def retry_bolt_run(credentials: BoltCredentials, run_id: int) -> int:
    """Re-runs this finished run from its failed command (a new run, whose id it returns);
    never another run of the schedule."""
    async with credentials.get_async_client() as bolt:
        retried = await bolt.retry_bolt_run(run_id)
    return retrying(credentials, run_id, retried.run_id)


async def get_bolt_run_artifact(
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
            failing = failing_command_id(run_id, await bolt.bolt_run_status(run_id))
            if failing is not None:
                command_id = if_written(failing, await bolt.list_artifacts(run_id), path)
        return await bolt.download_json_artifact(run_id, path, command_id=command_id)
