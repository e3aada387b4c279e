"""Waiting for runs: the polling schedule, progress callbacks, and what a failed run's error
should carry."""

from __future__ import annotations

import inspect
import math
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeAlias, TypeVar

from ._exceptions import InvalidArgumentError, RunFailedError
from .models import RunCommand, RunProgress, RunProgressCommand, RunState, RunStatus

__all__ = [
    "DEFAULT_WAIT_TIMEOUT",
    "AsyncProgressCallback",
    "FinishedRun",
    "PollBackoff",
    "ProgressCallback",
    "check_async_on_progress",
    "check_on_progress",
    "failing_command",
    "positive_seconds",
    "report_async_progress",
    "report_progress",
    "run_failed_error",
    "tail",
    "wait_backoff",
]

ProgressCallback: TypeAlias = Callable[[RunProgress], object]
"""`BoltClient`'s `on_progress=`: a plain function of each polled `RunProgress`."""

AsyncProgressCallback: TypeAlias = Callable[[RunProgress], Awaitable[object] | object]
"""`AsyncBoltClient`'s `on_progress=`: a plain or an async function; what it returns is awaited
when it is awaitable."""

CommandT = TypeVar("CommandT", bound=RunProgressCommand)

DEFAULT_WAIT_TIMEOUT = 3600.0
TAIL_LINES = 30


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


def failing_command(commands: Sequence[CommandT]) -> CommandT | None:
    """The command that failed the run: the latest with a positive return code, else the latest
    with any non-zero one (Bolt marks commands that never ran properly with negative codes)."""
    failed = [c for c in commands if c.return_code not in (0, None)]
    if not failed:
        return None
    positive = [c for c in failed if (c.return_code or 0) > 0]
    return max(positive or failed, key=lambda c: c.id)


def tail(text: str | None, lines: int = TAIL_LINES) -> str:
    """The last `lines` lines of a log."""
    if not text:
        return ""
    return "\n".join(text.rstrip("\n").splitlines()[-lines:])


def run_failed_error(run_id: int, status: RunStatus) -> RunFailedError:
    """The error for a run that ended in failure, naming its failing command."""
    commands = status.commands or []
    culprit = failing_command(commands)
    detail = next((c for c in commands if culprit is not None and c.id == culprit.id), None)
    return RunFailedError(
        run_id,
        state=status.state,
        command=culprit.command if culprit else None,
        command_id=culprit.id if culprit else None,
        return_code=culprit.return_code if culprit else None,
        stdout_tail=tail(detail.stdout) if detail else "",
        stderr_tail=tail(detail.stderr) if detail else "",
        status=status,
    )
