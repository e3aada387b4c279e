"""Turning runs, commands and schedules into table rows and JSON records."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from paradime_bolt import RunFailedError
    from paradime_bolt.models import RunProgressCommand

__all__ = [
    "COMMAND_HEADERS",
    "COMMAND_WHOLE",
    "command_record",
    "command_rows",
    "command_styles",
    "duration_of",
    "failure_record",
    "format_duration",
    "format_minute",
    "format_time",
    "iso",
    "run_record",
    "state_style",
]

COMMAND_HEADERS = ("#", "command", "return code", "started", "duration")
COMMAND_WHOLE = (0, 2, 3, 4)  # on a terminal only the command wraps


def format_duration(seconds: float | None) -> str:
    """`4.2s`, `3m 07s`, `1h 02m`; empty when unknown."""
    if seconds is None:
        return ""
    seconds = max(seconds, 0.0)
    if seconds < 60:
        return f"{seconds:.1f}s"
    whole = int(seconds)
    if whole < 3600:
        return f"{whole // 60}m {whole % 60:02d}s"
    return f"{whole // 3600}h {whole % 3600 // 60:02d}m"


def format_time(moment: datetime | None) -> str:
    """A UTC timestamp to the second, `2024-08-27 22:59:01 UTC`; empty when unknown."""
    if moment is None:
        return ""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def format_minute(moment: datetime | None) -> str:
    """A UTC time to the minute, `2024-08-27 22:59`, for tables that say UTC in the header."""
    if moment is None:
        return ""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M")


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a `Z`, for JSON."""
    if moment is None:
        return None
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def duration_of(command: RunProgressCommand) -> float | None:
    start, end = command.start_datetime, command.end_datetime
    if start is None or end is None:
        return None
    return (end - start).total_seconds()


def return_code_text(code: int | None) -> str:
    return "" if code is None else str(code)


def command_rows(commands: Sequence[RunProgressCommand]) -> list[list[str]]:
    return [
        [
            str(number),
            command.command,
            return_code_text(command.return_code),
            format_time(command.start_datetime),
            format_duration(duration_of(command)) if command.end_datetime else "running",
        ]
        for number, command in enumerate(sorted(commands, key=lambda c: c.id), start=1)
    ]


def command_styles(commands: Sequence[RunProgressCommand]) -> list[str | None]:
    return [
        None if c.return_code in (0, None) else "red" for c in sorted(commands, key=lambda c: c.id)
    ]


def command_record(command: RunProgressCommand) -> dict[str, Any]:
    duration = duration_of(command)
    return {
        "id": command.id,
        "command": command.command,
        "return_code": command.return_code,
        "started_at": iso(command.start_datetime),
        "ended_at": iso(command.end_datetime),
        "duration_seconds": None if duration is None else round(duration, 3),
    }


def failure_record(failure: RunFailedError | None) -> dict[str, Any] | None:
    if failure is None:
        return None
    return {
        "command": failure.command,
        "command_id": failure.command_id,
        "return_code": failure.return_code,
        "stderr_tail": failure.stderr_tail,
        "stdout_tail": failure.stdout_tail,
    }


def run_record(
    run_id: int,
    state: str | None,
    commands: Sequence[RunProgressCommand],
    *,
    failure: RunFailedError | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A run as JSON: its id, state, outcome, commands and, when it failed, why."""
    from paradime_bolt import RunState

    run_state = RunState.parse(state)
    return {
        "run_id": run_id,
        "state": state,
        "finished": run_state.is_terminal,
        "succeeded": run_state is RunState.SUCCESS if run_state.is_terminal else None,
        **extra,
        "commands": [command_record(c) for c in sorted(commands, key=lambda c: c.id)],
        "failure": failure_record(failure),
    }


def state_style(state: str | None) -> str:
    """The rich style a state is shown in: as `RunState` reads it."""
    from paradime_bolt import RunState

    run_state = RunState.parse(state)
    if run_state is RunState.SUCCESS:
        return "bold green"
    if run_state.is_failure:
        return "bold red"
    if run_state in (RunState.RUNNING, RunState.STARTING):
        return "bold yellow"
    return "bold"
