"""Where a run stands at a given moment, derived only from its trigger time and its plan.

Because nothing here reads the wall clock or mutable state, the same run gives the same answer
before and after an emulator restart; ``engine`` materialises these answers into SQLite.
"""

from __future__ import annotations

from paradime_bolt_emulator.storage.records import (
    CANCELED,
    ERROR,
    RUNNING,
    STARTING,
    SUCCESS,
    PlannedCommand,
    RunRecord,
)


def command_window(run: RunRecord, planned: PlannedCommand) -> tuple[float, float]:
    """A planned command's start and end as epoch seconds."""
    start = run.trigger_ts + planned.offset
    return start, start + planned.duration


def planned_end(run: RunRecord) -> float:
    """When the run ends if nobody cancels it."""
    return max(command_window(run, planned)[1] for planned in run.plan)


def outcome_state(run: RunRecord) -> str:
    """SUCCESS when every planned command exits 0, else ERROR."""
    return SUCCESS if all(planned.return_code == 0 for planned in run.plan) else ERROR


def state_at(run: RunRecord, now: float) -> str:
    """The state at ``now``: STARTING, RUNNING, then SUCCESS or ERROR; CANCELED once cancelled."""
    if run.canceled_ts is not None:
        return CANCELED
    if now < run.trigger_ts + run.start_delay:
        return STARTING
    if now < planned_end(run):
        return RUNNING
    return outcome_state(run)


def written_fraction(start: float, end: float, now: float) -> float:
    """How much of a command's output exists at ``now``: it is written evenly while it runs."""
    if end <= start or now >= end:
        return 1.0
    return max(0.0, (now - start) / (end - start))


def written_text(text: str, fraction: float) -> str:
    """The first whole lines of a text, in proportion to the fraction written."""
    lines = text.splitlines(keepends=True)
    return "".join(lines[: int(len(lines) * fraction)])
