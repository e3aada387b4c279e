"""Waiting for runs: the polling schedule, progress callbacks, what a finished run is, and the
chunks a followed log arrives in."""

from __future__ import annotations

import contextlib
import inspect
import logging
import math
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

from ._exceptions import (
    APIError,
    APIUnreachableError,
    BoltError,
    HTTPStatusError,
    InvalidArgumentError,
    RunTimeoutError,
    StorageError,
    TransportError,
)
from .models import LogLine, RunCommand, RunProgress, RunProgressCommand, RunState, RunStatus

if TYPE_CHECKING:
    from ._clock import Clock

__all__ = [
    "DEFAULT_OUTAGE_TOLERANCE",
    "DEFAULT_WAIT_TIMEOUT",
    "INTERRUPT_CANCEL_SECONDS",
    "AsyncProgressCallback",
    "FinishedRun",
    "InterruptGuard",
    "LogChunk",
    "OutageWatch",
    "PollBackoff",
    "ProgressCallback",
    "check_async_on_progress",
    "check_on_progress",
    "check_wait_arguments",
    "is_transient",
    "outage_seconds",
    "positive_seconds",
    "report_async_progress",
    "report_progress",
    "shielded_from_cancellation",
    "unshielded",
    "wait_backoff",
]

ProgressCallback: TypeAlias = Callable[[RunProgress], object]
"""`BoltClient`'s `on_progress=`: a plain function of each polled `RunProgress`."""

AsyncProgressCallback: TypeAlias = Callable[[RunProgress], Awaitable[object] | object]
"""`AsyncBoltClient`'s `on_progress=`: a plain or an async function; what it returns is awaited
when it is awaitable."""

DEFAULT_WAIT_TIMEOUT = 3600.0

DEFAULT_OUTAGE_TOLERANCE = 600.0
"""How long (seconds) a wait keeps trying through an API that does not answer: a deploy, a DNS
blip or a proxy restart must not fail a wait that can last hours."""

OUTAGE_FIRST_PAUSE = 1.0
OUTAGE_MAX_PAUSE = 30.0

logger = logging.getLogger("paradime_bolt")


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


def outage_seconds(value: object) -> float:
    """`outage_tolerance` checked before any request: 0 or more finite seconds."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < 0
    ):
        raise InvalidArgumentError(
            f"outage_tolerance must be 0 or more finite seconds, not {value!r}"
        )
    return float(value)


def check_wait_arguments(
    *,
    timeout: float | None = DEFAULT_WAIT_TIMEOUT,
    poll_interval: float = 1.0,
    max_poll_interval: float = 10.0,
    outage_tolerance: float = DEFAULT_OUTAGE_TOLERANCE,
) -> None:
    """Checks a wait's arguments as `wait_for_run` does (`InvalidArgumentError` naming the bad
    one), for code that starts the run itself first and must refuse them before it does."""
    wait_backoff(timeout, poll_interval, max_poll_interval)
    outage_seconds(outage_tolerance)


def is_transient(error: BaseException) -> bool:
    """Whether a failed request says nothing about the run, only that the API did not answer:
    no connection, a timeout, a dropped connection, 429 or any 5xx (not a download's storage)."""
    if isinstance(error, TransportError):
        return True
    if isinstance(error, HTTPStatusError) and not isinstance(error, StorageError):
        return error.status_code == 429 or 500 <= error.status_code <= 599
    return False


class OutageWatch:
    """One wait's rule for an API that stops answering: keep trying, with pauses that double
    from 1 s up to 30 s, until the failures have lasted `tolerance` seconds without a break
    (then `APIUnreachableError`) or the wait's deadline passes (then `RunTimeoutError`).
    Logs a warning when an outage starts and a line when it ends."""

    def __init__(
        self,
        run_id: int,
        tolerance: float,
        clock: Clock,
        *,
        deadline: float | None,
        timeout: float | None,
    ) -> None:
        self.run_id = run_id
        self.tolerance = tolerance
        self.clock = clock
        self.deadline = deadline
        self.timeout = timeout
        self.last_state: str | None = None
        self.outages = 0
        self._since: float | None = None
        self._pause = OUTAGE_FIRST_PAUSE

    def failed(self, error: APIError) -> float:
        """The pause before trying again after `error`; raises when the error is not transient
        or the outage has lasted too long."""
        if not is_transient(error):
            raise error
        now = self.clock.now()
        if self._since is None:
            self._since = now
            self.outages += 1
            if self.tolerance > 0:
                logger.warning(
                    "Bolt API unreachable while waiting for run %s (%s); trying again for up "
                    "to %gs",
                    self.run_id,
                    error,
                    self.tolerance,
                )
        lasted = now - self._since
        if lasted >= self.tolerance:
            raise APIUnreachableError(
                self.run_id, lasted, last_error=str(error), operation=error.operation
            ) from error
        if self.deadline is not None and now >= self.deadline:
            raise RunTimeoutError(
                self.run_id, self.timeout or 0.0, state=self.last_state
            ) from error
        limit = self._since + self.tolerance
        if self.deadline is not None:
            limit = min(limit, self.deadline)
        pause = min(self._pause, limit - now)
        self._pause = min(self._pause * 2, OUTAGE_MAX_PAUSE)
        return max(pause, 0.0)

    def answered(self, state: str | None = None) -> None:
        """A request went through: an outage in progress is over."""
        if state is not None:
            self.last_state = state
        if self._since is None:
            return
        logger.info(
            "Bolt API answering again after %.0fs; still waiting for run %s",
            self.clock.now() - self._since,
            self.run_id,
        )
        self._since = None
        self._pause = OUTAGE_FIRST_PAUSE


INTERRUPT_CANCEL_SECONDS = 30.0
"""How long `cancel_on_interrupt` may take to cancel the run of an interrupted block."""


def shielded_from_cancellation(seconds: float) -> AbstractContextManager[object]:
    """For `AsyncBoltClient`: a scope that the cancellation which interrupted a block does not
    reach, bounded to `seconds` (anyio, which httpx already brings, loaded only here)."""
    import anyio

    return anyio.CancelScope(shield=True, deadline=anyio.current_time() + seconds)


def unshielded(_seconds: float) -> AbstractContextManager[object]:
    """For `BoltClient`: nothing cancels a plain call, so there is nothing to shield from."""
    return contextlib.nullcontext()


@dataclass
class InterruptGuard:
    """What `cancel_on_interrupt` did: whether the run was cancelled when the block was
    interrupted, or the error that kept it from being cancelled (None: not interrupted, or
    cancelled)."""

    run_id: int
    interrupted: bool = False
    canceled: bool = False
    error: BoltError | None = None


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
