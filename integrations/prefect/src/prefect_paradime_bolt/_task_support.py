"""What the async and the sync twin of each task share: the defaults, the options of the wait,
and what is logged."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TypedDict

from prefect.logging import get_run_logger

from paradime_bolt import Artifact, RunFailedError
from paradime_bolt.models import RunProgress, RunStatus

from ._credentials import BoltCredentials

__all__ = [
    "DEFAULT_TIMEOUT",
    "WaitOptions",
    "ended",
    "failing_command_id",
    "if_written",
    "retrying",
    "triggered",
    "wait_options",
]

DEFAULT_TIMEOUT = 3600.0


def _logger() -> logging.Logger | logging.LoggerAdapter[logging.Logger]:
    return get_run_logger()


def triggered(
    credentials: BoltCredentials, run_id: int, schedule_name: str | None, slug: str | None
) -> int:
    schedule = repr(schedule_name) if schedule_name is not None else f"slug {slug!r}"
    _logger().info(
        "Triggered Bolt run %s of schedule %s: %s", run_id, schedule, credentials.run_url(run_id)
    )
    return run_id


def retrying(credentials: BoltCredentials, run_id: int, retried: int) -> int:
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


class WaitOptions(TypedDict):
    """`wait_for_run`'s keyword arguments as `wait_options` gives them (typed, so mypy checks
    them against `wait_for_run` where they are spread)."""

    timeout: float | None
    poll_interval: float
    max_poll_interval: float
    outage_tolerance: float
    cancel_on_timeout: bool
    raise_on_failure: bool
    on_progress: Callable[[RunProgress], None]


def wait_options(
    run_id: int,
    timeout: float | None,
    poll_interval: float,
    max_poll_interval: float,
    outage_tolerance: float,
) -> WaitOptions:
    """What both twins pass to `wait_for_run`: a timeout cancels the run, each state it passes
    through is logged, and a failed run comes back (`ended` logs it, then raises)."""
    return {
        "timeout": timeout,
        "poll_interval": poll_interval,
        "max_poll_interval": max_poll_interval,
        "outage_tolerance": outage_tolerance,
        "cancel_on_timeout": True,
        "raise_on_failure": False,
        "on_progress": _ProgressLog(run_id),
    }


def ended(
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


def failing_command_id(run_id: int, status: RunStatus) -> int | None:
    """The command that failed the run, by the client's rule; None for a run that did not fail."""
    if not status.run_state.is_failure:
        return None
    return RunFailedError.from_status(run_id, status).command_id


def if_written(command_id: int, artifacts: Iterable[Artifact], path: str) -> int | None:
    """`command_id` when that command wrote `path`, else None (the run's default artifact)."""
    found = {a.command_id for a in artifacts if a.path == path}
    return command_id if command_id in found else None
