"""What the operators, the sensor and the trigger share, importable at DAG-parse time.

Nothing here imports the client: `paradime_bolt` brings httpx, pydantic and the generated
models, which a DAG file being parsed (every few seconds) must not pay for.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Final, Protocol, TypedDict

if TYPE_CHECKING:
    from collections.abc import Callable

    from paradime_bolt import RunFailedError


class _Log(Protocol):
    def info(self, event: Any, /, *args: Any) -> Any: ...

    def error(self, event: Any, /, *args: Any) -> Any: ...


DEFAULT_CONN_ID: Final = "paradime_bolt_default"
CONN_TYPE: Final = "paradime_bolt"

XCOM_RUN_ID: Final = "run_id"
XCOM_RUN_URL: Final = "run_url"

# The key in Airflow's task_state_store (3.3+) under which a task instance remembers the Bolt run
# it started: it survives the task's retries (XComs do not), so a retry finds its own run.
STATE_RUN_ID: Final = "paradime_bolt_run_id"


class Status:
    """The `status` of the one event a BoltRunTrigger yields (plain strings: the event is
    serialized)."""

    SUCCESS: Final = "success"
    FAILED: Final = "failed"
    CANCELED: Final = "canceled"
    SKIPPED: Final = "skipped"
    TIMEOUT: Final = "timeout"  # the task's own `timeout`: stop waiting, the run goes on
    EXECUTION_TIMEOUT: Final = "execution_timeout"  # the task's execution_timeout: cancel, fail
    ERROR: Final = "error"


# The key of a failed or cancelled run's event that holds `RunFailedError.to_dict()`.
FAILURE: Final = "failure"

# How often a wait logs the run's progress when nothing changes (a change is logged at once).
PROGRESS_EVERY: Final = 300.0


def log_failure(log: _Log, error: RunFailedError) -> None:
    """Logs a failed run as a task log shows it: the failing command, its return code and the
    tail of its output."""
    log.error("Bolt run %s ended %s", error.run_id, error.state or "in an unknown state")
    if error.command is not None:
        log.error("failing command: %s (return code %s)", error.command, error.return_code)
    if error.output_tail:
        log.error("its output ends with:\n%s", error.output_tail)


def event_failure(event: dict[str, Any]) -> RunFailedError:
    """The `RunFailedError` a failed or cancelled run's trigger event carries."""
    from paradime_bolt import RunFailedError

    return RunFailedError.from_dict(event.get(FAILURE) or event)


class ProgressLog:
    """An `on_progress` callback for `wait_for_run` that logs the run's state and current
    command when either changes, and every `every` seconds otherwise: a long wait is never a
    silent log, and a poll every second is not a line every second."""

    def __init__(self, log: _Log, run_id: int, every: float = PROGRESS_EVERY) -> None:
        self.log = log
        self.run_id = run_id
        self.every = every
        self._seen: tuple[str, str | None] | None = None
        self._since = 0.0
        self._logged = 0.0

    def __call__(self, progress: Any) -> None:
        now = time.monotonic()
        seen = (str(progress.state), _current_command(progress.commands or []))
        if seen != self._seen:
            self._seen, self._since, self._logged = seen, now, now
            self.log.info("%s", self._line(seen))
        elif now - self._logged >= self.every:
            self._logged = now
            minutes = (now - self._since) / 60
            self.log.info("%s (for %.0f min)", self._line(seen, still=True), minutes)

    def _line(self, seen: tuple[str, str | None], *, still: bool = False) -> str:
        state, command = seen
        line = f"Bolt run {self.run_id} is {'still ' if still else ''}{state}"
        return f"{line}: command `{command}`" if command else line


def _current_command(commands: list[Any]) -> str | None:
    """The command running now: the latest one started and not ended, else none."""
    for command in reversed(commands):
        if command.start_dttm and not command.end_dttm:
            return str(command.command)
    return None


def run_id_argument(value: object) -> int:
    """A run id given to a sensor or an artifact operator (often a rendered template, so a
    string): a positive 32-bit int, or ValueError naming it."""
    text = value.strip() if isinstance(value, str) else value
    run_id: int | None = None
    if isinstance(text, str) and text.isdecimal():
        run_id = int(text)
    elif isinstance(text, int) and not isinstance(text, bool):
        run_id = text
    if run_id is None or not 0 < run_id < 2**31:
        raise ValueError(f"run_id must be a Bolt run id (a positive integer), not {value!r}")
    return run_id


def seconds(name: str, value: float | timedelta, *, zero: bool = False) -> float:
    """A duration given to an operator or a sensor (seconds, or a timedelta) as seconds:
    positive, or 0 or more with `zero`; else ValueError naming it."""
    number = value.total_seconds() if isinstance(value, timedelta) else value
    if isinstance(number, bool) or not isinstance(number, int | float):
        raise ValueError(f"{name} must be a number of seconds, not {value!r}")
    if zero and not number >= 0:
        raise ValueError(f"{name} must be a number of seconds (0 or more), not {value!r}")
    if not zero and not number > 0:
        raise ValueError(f"{name} must be a positive number of seconds, not {value!r}")
    return float(number)


def optional_seconds(name: str, value: float | timedelta | None) -> float | None:
    """`seconds` with 0 allowed, or None (the client's default)."""
    return None if value is None else seconds(name, value, zero=True)


class Outage(TypedDict, total=False):
    """`wait_for_run`'s outage argument as `waiting` gives it: absent for the client's
    default."""

    outage_tolerance: float


class TaskWait(Outage, total=False):
    """`wait_for_run`'s keyword arguments as `task_wait` gives them (typed, so mypy checks
    them against `wait_for_run` where they are spread)."""

    timeout: float | None
    poll_interval: float
    max_poll_interval: float
    raise_on_failure: bool
    on_progress: Callable[[Any], None]


def waiting(outage_tolerance: float | None) -> Outage:
    """The `wait_for_run` arguments of a task's `outage_tolerance`: none when it is None, so
    the client's default applies."""
    return {} if outage_tolerance is None else {"outage_tolerance": outage_tolerance}


def task_wait(
    log: _Log,
    run_id: int,
    *,
    timeout: float | None,
    poll_interval: float,
    outage_tolerance: float | None,
) -> TaskWait:
    """The `wait_for_run` arguments of a task waiting for its run, on a worker or in the
    triggerer alike: a poll every `poll_interval` (no back-off), progress logged, a failed
    run raised; `outage_tolerance` None leaves the client's default."""
    return {
        "timeout": timeout,
        "poll_interval": poll_interval,
        "max_poll_interval": poll_interval,
        "raise_on_failure": True,
        "on_progress": ProgressLog(log, run_id),
        **waiting(outage_tolerance),
    }


def default_deferrable() -> bool:
    """`[operators] default_deferrable`: what `deferrable=None` means."""
    try:
        from airflow.sdk import conf
    except ImportError:  # pragma: no cover - Airflow 3.0
        from airflow.configuration import conf  # type: ignore[assignment,no-redef,unused-ignore]
    return bool(conf.getboolean("operators", "default_deferrable", fallback=False))


def execution_deadline(execution_timeout: timedelta | None, ti: object) -> float | None:
    """When a task's execution_timeout passes (a Unix time), counted from the task instance's
    start (or now, when it has none)."""
    if execution_timeout is None:
        return None
    started = getattr(ti, "start_date", None)
    start = started.timestamp() if isinstance(started, datetime) else time.time()
    return start + execution_timeout.total_seconds()
