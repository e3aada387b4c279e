"""Waiting for runs: the polling schedule, progress callbacks, what a finished run is, and the
chunks a followed log arrives in."""

from __future__ import annotations

import inspect
import math
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TypeAlias

from ._exceptions import InvalidArgumentError
from .models import LogLine, RunCommand, RunProgress, RunProgressCommand, RunState, RunStatus

__all__ = [
    "DEFAULT_WAIT_TIMEOUT",
    "AsyncProgressCallback",
    "FinishedRun",
    "LogChunk",
    "PollBackoff",
    "ProgressCallback",
    "check_async_on_progress",
    "check_on_progress",
    "positive_seconds",
    "report_async_progress",
    "report_progress",
    "wait_backoff",
]

ProgressCallback: TypeAlias = Callable[[RunProgress], object]
"""`BoltClient`'s `on_progress=`: a plain function of each polled `RunProgress`."""

AsyncProgressCallback: TypeAlias = Callable[[RunProgress], Awaitable[object] | object]
"""`AsyncBoltClient`'s `on_progress=`: a plain or an async function; what it returns is awaited
when it is awaitable."""

DEFAULT_WAIT_TIMEOUT = 3600.0


@dataclass(frozen=True)
class PollBackoff:
    """Poll intervals that start at `initial` seconds and grow by `factor` up to `maximum`.

    Short runs are seen finishing quickly; long runs cost few polls. A run is seen finishing
    at most `maximum` seconds after it ends.
    """

    initial: float = 1.0
    maximum: float = 10.0
    factor: float = 1.5

    def __post_init__(self) -> None:
        finite = all(math.isfinite(v) for v in (self.initial, self.maximum, self.factor))
        if (
            not finite
            or not self.initial > 0
            or not self.maximum >= self.initial
            or not self.factor >= 1
        ):
            raise InvalidArgumentError(
                "poll_interval must be positive and max_poll_interval at least poll_interval"
            )

    def intervals(self) -> Iterator[float]:
        interval = self.initial
        while True:
            yield interval
            interval = min(interval * self.factor, self.maximum)


def positive_seconds(name: str, value: object, *, hint: str = "") -> float:
    """`value` as a duration the clock can sleep for, or `InvalidArgumentError`."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value <= 0
    ):
        raise InvalidArgumentError(
            f"{name} must be a positive, finite number of seconds, not {value!r}{hint}"
        )
    return float(value)


def wait_backoff(
    timeout: float | None, poll_interval: float, max_poll_interval: float
) -> PollBackoff:
    """Checks a wait's timing arguments (before any request) and returns its poll schedule."""
    if timeout is not None:
        positive_seconds("timeout", timeout, hint="; None waits without a timeout")
    return PollBackoff(
        positive_seconds("poll_interval", poll_interval),
        positive_seconds("max_poll_interval", max_poll_interval),
    )


def check_on_progress(callback: ProgressCallback | None) -> None:
    """Refuses, before any request, a callback the sync client could not call or await."""
    _check_callable(callback)
    if inspect.iscoroutinefunction(callback):
        raise InvalidArgumentError(_CANNOT_AWAIT)


def check_async_on_progress(callback: AsyncProgressCallback | None) -> None:
    """Refuses, before any request, a callback the async client could not call."""
    _check_callable(callback)


def report_progress(callback: ProgressCallback | None, progress: RunProgress) -> None:
    """Calls the sync client's callback; an awaitable it returns cannot be awaited here, so it
    is closed (no "never awaited" warning) and refused rather than dropped."""
    if callback is None:
        return
    outcome = callback(progress)
    if inspect.isawaitable(outcome):
        if inspect.iscoroutine(outcome):
            outcome.close()
        raise InvalidArgumentError(_CANNOT_AWAIT)


async def report_async_progress(
    callback: AsyncProgressCallback | None, progress: RunProgress
) -> None:
    """Calls the async client's callback and awaits what it returns when that is awaitable."""
    if callback is None:
        return
    outcome = callback(progress)
    if inspect.isawaitable(outcome):
        await outcome


_CANNOT_AWAIT = (
    "on_progress returned an awaitable, which BoltClient cannot await: pass a plain function, "
    "or use AsyncBoltClient"
)


def _check_callable(callback: object) -> None:
    if callback is not None and not callable(callback):
        raise InvalidArgumentError(f"on_progress must be callable or None, not {callback!r}")


@dataclass(frozen=True)
class FinishedRun:
    """A run that was triggered and waited for: its id and its final status."""

    run_id: int
    status: RunStatus

    @property
    def run_state(self) -> RunState:
        return self.status.run_state

    @property
    def commands(self) -> list[RunCommand]:
        return list(self.status.commands or [])


@dataclass(frozen=True)
class LogChunk:
    """What one command of a run wrote since the last read (`RunLogs`): one page of its log.

    `number` is the command's place in the run (from 1); `first` marks the first chunk read of
    a command, which has no lines when the command has only just started."""

    number: int
    command: RunProgressCommand
    lines: list[LogLine]
    first: bool
