"""Watching a run: the live view or progress lines, streamed logs, and the final report.

Waiting itself is the client's `wait_for_run` (polling with back-off, timeout, cancel on
timeout) and logs are the client's `RunLogs`; this module shows what each poll returns. On a
terminal a live line on stderr shows the elapsed time, the run's state and its current command;
elsewhere a plain line goes to stderr whenever the state or the command changes, and about once
a minute (at the first poll after it).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from ._errors import CliError, interruption
from ._render import (
    COMMAND_HEADERS,
    COMMAND_WHOLE,
    command_rows,
    command_styles,
    format_duration,
    run_record,
    state_style,
)

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.spinner import Spinner

    from paradime_bolt import (
        BoltClient,
        InterruptGuard,
        LogChunk,
        RunFailedError,
        RunTimeoutError,
    )
    from paradime_bolt.models import RunProgress, RunProgressCommand, RunStatus

    from ._options import WaitOptions
    from ._output import Output

__all__ = ["RunTracker", "report_run", "report_started", "show_log", "wait_and_report"]

HEARTBEAT_SECONDS = 60.0


class RunTracker:
    """What is known of a run while waiting; renders itself for rich's live view."""

    def __init__(self, output: Output, run_id: int, *, clock: Callable[[], float]) -> None:
        self.output = output
        self.run_id = run_id
        self.clock = clock
        self.started = clock()
        self.state = "STARTING"
        self.polled_state: str | None = None  # None until the first poll has answered
        self.commands: list[RunProgressCommand] = []
        self._last_line: str | None = None
        self._last_line_at = self.started
        self._spinner: Spinner | None = None

    @property
    def elapsed(self) -> float:
        return self.clock() - self.started

    def current_command(self) -> tuple[int, RunProgressCommand] | None:
        """The command running now (number, command), or None between and after commands."""
        ordered = sorted(self.commands, key=lambda c: c.id)
        for number in range(len(ordered), 0, -1):
            command = ordered[number - 1]
            if command.end_datetime is None and command.return_code is None:
                return number, command
        return None

    def describe(self) -> str:
        text = f"run {self.run_id}: {self.state}"
        current = self.current_command()
        if current is not None:
            number, command = current
            text += f", command {number}: {command.command}"
        return text

    def update(self, progress: RunProgress) -> None:
        """Records a poll; outside a terminal, prints a line when something changed."""
        self.state = progress.state or "UNKNOWN"
        self.polled_state = progress.state
        self.commands = list(progress.commands or [])
        if self.output.interactive:
            return
        line = self.describe()
        now = self.clock()
        if line != self._last_line or now - self._last_line_at >= HEARTBEAT_SECONDS:
            self.output.note(f"{line} ({format_duration(now - self.started)} elapsed)")
            self._last_line, self._last_line_at = line, now

    def __rich__(self) -> RenderableType:
        from rich.spinner import Spinner
        from rich.text import Text

        text = Text.assemble(
            (f"run {self.run_id} ", "bold"),
            (self.state, state_style(self.state)),
            f"  {format_duration(self.elapsed)}",
        )
        current = self.current_command()
        if current is not None:
            number, command = current
            text.append(f"  command {number}: ", style="dim")
            text.append(command.command)
        if self._spinner is None:
            self._spinner = Spinner("dots", style="cyan")
        self._spinner.update(text=text)
        return self._spinner


def show_log(output: Output, chunk: LogChunk) -> None:
    """Prints a chunk of a command's log, under a `==> command N: ...` header on its first."""
    if chunk.first:
        output.line(f"==> command {chunk.number}: {chunk.command.command}", style="bold")
    for entry in chunk.lines:
        output.log(entry.line, stream=entry.stream)


def report_started(
    bolt: BoltClient,
    output: Output,
    run_id: int,
    options: WaitOptions | None,
    *,
    note: str,
    record: dict[str, Any],
    **extra: Any,
) -> None:
    """A run just started: without --wait its id on stdout (with --json, `record`) and `note`;
    with --wait, `wait_and_report` (its JSON document carrying `extra`)."""
    if options is None:
        output.result({"run_id": run_id, **record}, line=str(run_id), note=note)
        return
    wait_and_report(bolt, output, run_id, options, note=f"{note}; waiting for it to end", **extra)


def wait_and_report(
    bolt: BoltClient,
    output: Output,
    run_id: int,
    options: WaitOptions,
    *,
    note: str,
    **extra: Any,
) -> None:
    """Writes `note` (the run being waited for), waits for the run showing its progress (and
    logs), then reports how it ended.

    Raises the client's `RunFailedError` or `RunTimeoutError` once the report (or the JSON
    document) is written: the root command turns them into exit codes 1 and 3. Ctrl-C and
    SIGTERM end the waiting with the run's document and exit 130 or 143, after cancelling the
    run with --cancel-on-interrupt.
    """
    from paradime_bolt import InterruptGuard, RunFailedError, RunLogs, RunTimeoutError

    tracker = RunTracker(output, run_id, clock=bolt.clock.now)
    logs = RunLogs(bolt) if options.logs else None

    def show_new_logs(commands: Sequence[RunProgressCommand]) -> None:
        if logs is not None:
            for chunk in logs.read(commands):
                show_log(output, chunk)

    def on_progress(progress: RunProgress) -> None:
        tracker.update(progress)
        show_new_logs(progress.commands or [])

    guard = InterruptGuard(run_id)
    try:
        # The guard first: an interrupt that lands once the note says we wait is one it sees.
        with _guarded(bolt, run_id, options) as guard, output.live(tracker):
            output.note(note)
            status = bolt.wait_for_run(
                run_id,
                timeout=options.timeout,
                poll_interval=options.poll_interval,
                max_poll_interval=options.max_poll_interval,
                cancel_on_timeout=options.cancel_on_timeout,
                raise_on_failure=True,
                on_progress=on_progress,
                outage_tolerance=options.outage_tolerance,
            )
    except RunFailedError as failed:
        final: RunStatus = failed.status
        show_new_logs(final.commands or [])
        report_run(output, run_id, final, elapsed=tracker.elapsed, failure=failed, **extra)
        raise
    except RunTimeoutError as timed_out:
        _report_timeout(output, tracker, timed_out, **extra)
        raise
    except KeyboardInterrupt as interrupt:  # Ctrl-C, or SIGTERM (`Terminated`)
        raise _interrupted(output, tracker, interrupt, guard, **extra) from None
    show_new_logs(status.commands or [])
    report_run(output, run_id, status, elapsed=tracker.elapsed, **extra)


def _guarded(
    bolt: BoltClient, run_id: int, options: WaitOptions
) -> AbstractContextManager[InterruptGuard]:
    """With --cancel-on-interrupt the client's `cancel_on_interrupt`; else a guard that stays
    as it is."""
    from paradime_bolt import InterruptGuard

    if options.cancel_on_interrupt:
        return bolt.cancel_on_interrupt(run_id)
    return contextlib.nullcontext(InterruptGuard(run_id))


def _interrupted(
    output: Output,
    tracker: RunTracker,
    interrupt: KeyboardInterrupt,
    guard: InterruptGuard,
    **extra: Any,
) -> CliError:
    """Writes the run's document and returns the error to raise; the guard says whether the
    run was cancelled (--cancel-on-interrupt)."""
    what, code = interruption(interrupt)
    run_id = tracker.run_id
    canceled = guard.canceled
    could_not = None if guard.error is None else str(guard.error)
    if output.json_mode:
        record = run_record(
            run_id,
            tracker.polled_state,
            tracker.commands,
            **extra,
            elapsed_seconds=round(tracker.elapsed, 3),
            timed_out=False,
            canceled_on_timeout=False,
            interrupted=True,
            canceled_on_interrupt=canceled,
        )
        output.document(record)
    if canceled:
        return CliError(f"{what} while waiting for run {run_id}; it was cancelled", code)
    if could_not is not None:
        return CliError(
            f"{what} while waiting for run {run_id}, which may go on: cancelling it failed: "
            f"{could_not}",
            code,
            hint=f"`paradime-bolt runs status {run_id}` tells",
        )
    return CliError(
        f"{what} while waiting for run {run_id}, which goes on",
        code,
        hint=f"`paradime-bolt runs cancel {run_id}` cancels it, and --cancel-on-interrupt does "
        "so when waiting is interrupted",
    )


def report_run(
    output: Output,
    run_id: int,
    status: RunStatus,
    *,
    elapsed: float | None = None,
    failure: RunFailedError | None = None,
    **extra: Any,
) -> None:
    """A run's final (or current) state and its commands: a table, or the JSON document."""
    commands = list(status.commands or [])
    if output.json_mode:
        more = dict(extra)
        if elapsed is not None:
            more.update(
                elapsed_seconds=round(elapsed, 3),
                timed_out=False,
                canceled_on_timeout=False,
                interrupted=False,
                canceled_on_interrupt=False,
            )
        output.document(run_record(run_id, status.state, commands, failure=failure, **more))
        return
    state = status.state or "UNKNOWN"
    after = "" if elapsed is None else f" after {format_duration(elapsed)}"
    output.line(f"run {run_id}: {state}{after}", style=state_style(state))
    if commands:
        output.table(
            COMMAND_HEADERS,
            command_rows(commands),
            right=(0, 2),
            styles=command_styles(commands),
            whole=COMMAND_WHOLE,
        )


def _report_timeout(
    output: Output, tracker: RunTracker, timed_out: RunTimeoutError, **extra: Any
) -> None:
    if output.json_mode:
        record = run_record(
            tracker.run_id,
            timed_out.state,
            tracker.commands,
            **extra,
            elapsed_seconds=round(tracker.elapsed, 3),
            timed_out=True,
            canceled_on_timeout=timed_out.canceled,
            interrupted=False,
            canceled_on_interrupt=False,
        )
        output.document(record)
        return
    if tracker.commands:
        output.note(f"run {tracker.run_id}: {timed_out.state or 'UNKNOWN'} when waiting stopped")
        output.table(
            COMMAND_HEADERS, command_rows(tracker.commands), right=(0, 2), whole=COMMAND_WHOLE
        )
