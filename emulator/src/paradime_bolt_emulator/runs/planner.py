"""Plans a run when it is triggered: which commands execute, for how long, and how each ends.

The plan is fixed at trigger time from the schedule's ``emulator:`` scripting, so the run's whole
future follows from its trigger time. A failing command stops the run, except for the commands
Paradime documents as still running after a failure: an Elementary (``edr``) or Monte Carlo
(``montecarlo``) command, and a ``source_status:fresher`` selection right after a failed
``dbt source freshness``. ``continueOnError`` lets the next command run regardless.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from paradime_bolt_emulator.dbt.logs import render_logs
from paradime_bolt_emulator.dbt.project import INFRA_COMMANDS
from paradime_bolt_emulator.schedules.spec import EmulatorScript
from paradime_bolt_emulator.storage.records import PlannedCommand, RequestedCommand

# Seconds between one command's end and the next one's start, like the gaps in the docs' example.
COMMAND_GAP = 0.02


@dataclass(frozen=True)
class _Outcome:
    duration: float
    return_code: int
    stdout: str | None
    stderr: str | None


def _scripted(script: EmulatorScript, command: str, attempt: int) -> _Outcome:
    """The command's scripted outcome in this attempt, or a default success."""
    entry = script.commands.get(command)
    if entry is None:
        return _Outcome(script.default_duration, 0, None, None)
    duration = script.default_duration if entry.duration is None else entry.duration
    if entry.fail_attempts is not None and attempt > entry.fail_attempts:
        return _Outcome(duration, 0, None, None)
    return _Outcome(duration, entry.return_code, entry.stdout, entry.stderr)


def runs_after_failure(failed: str, command: str) -> bool:
    """Whether ``command`` still runs after ``failed`` ended in error (Paradime's exceptions)."""
    program = command.split()[0] if command.split() else ""
    if program in {"edr", "montecarlo"}:
        return True
    return failed.startswith("dbt source freshness") and "source_status:fresher" in command


def plan_run(
    script: EmulatorScript,
    requested: Sequence[RequestedCommand],
    *,
    trigger_ts: float,
    branch: str,
    attempt_of: Callable[[str], int],
) -> tuple[PlannedCommand, ...]:
    """The commands the run executes, infrastructure first, up to the failure that stops it.

    ``attempt_of`` gives the 1-based attempt number of a command text within the schedule, for
    ``fail_attempts``.
    """
    steps: list[tuple[str, int | None, bool]] = [(text, None, False) for text in INFRA_COMMANDS]
    steps += [(item.command, index, item.continue_on_error) for index, item in enumerate(requested)]
    planned: list[PlannedCommand] = []
    offset = script.start_delay
    stopped_by: str | None = None
    for command, request_index, continue_on_error in steps:
        if stopped_by is not None and not runs_after_failure(stopped_by, command):
            break
        outcome = _scripted(script, command, attempt_of(command))
        stdout, stderr = outcome.stdout, outcome.stderr
        if stdout is None or stderr is None:
            generated_out, generated_err = render_logs(
                command,
                outcome.return_code,
                start_ts=trigger_ts + offset,
                duration=outcome.duration,
                branch=branch,
            )
            stdout = generated_out if stdout is None else stdout
            stderr = generated_err if stderr is None else stderr
        planned.append(
            PlannedCommand(
                position=len(planned),
                command=command,
                request_index=request_index,
                offset=offset,
                duration=outcome.duration,
                return_code=outcome.return_code,
                stdout=stdout,
                stderr=stderr,
            )
        )
        offset += outcome.duration + COMMAND_GAP
        if outcome.return_code != 0 and not continue_on_error and stopped_by is None:
            stopped_by = command
    return tuple(planned)
