"""The emulator's stored records: schedules, runs (with their plans), commands and resources.

A row record's fields, with their types, are the one definition of its table's columns: the
DDL, SELECT lists, INSERTs and rows read back are derived from them (see ``tables``).
"""

from __future__ import annotations

from dataclasses import dataclass

STARTING = "STARTING"
RUNNING = "RUNNING"
SUCCESS = "SUCCESS"
ERROR = "ERROR"
CANCELED = "CANCELED"
ACTIVE_STATES = frozenset({STARTING, RUNNING})


@dataclass(frozen=True)
class RequestedCommand:
    """A user command a run was asked to execute, with its continue-on-error setting."""

    command: str
    continue_on_error: bool = False


@dataclass(frozen=True)
class PlannedCommand:
    """A command a run will execute, fixed when the run is created so state follows from the clock.

    ``request_index`` points into the run's requested commands; it is None for the infrastructure
    commands (``git clone ...``, ``dbt deps``). ``offset`` counts seconds from the trigger.
    """

    position: int
    command: str
    request_index: int | None
    offset: float
    duration: float
    return_code: int
    stdout: str
    stderr: str


@dataclass(frozen=True)
class RunRecord:
    """One run as stored: its workspace, who asked for what, the plan, and the state
    materialised so far."""

    id: int
    workspace: str
    schedule_name: str
    state: str
    trigger_ts: float
    start_delay: float
    ended_ts: float | None
    canceled_ts: float | None
    branch: str
    commit_hash: str
    pr_number: int | None
    reason: str | None
    actor: str
    actor_email: str | None
    parent_run_id: int | None
    requested: tuple[RequestedCommand, ...]
    plan: tuple[PlannedCommand, ...]
    started_emitted: bool
    completed_emitted: bool

    @property
    def is_active(self) -> bool:
        """Whether the run is still STARTING or RUNNING."""
        return self.state in ACTIVE_STATES


@dataclass(frozen=True)
class CommandRecord:
    """A command that has started; ``end_ts`` and ``return_code`` stay None while it runs.

    ``stdout`` and ``stderr`` hold the whole text the command writes by ``planned_end_ts``; while
    it runs, readers show the part written so far.
    """

    id: int
    run_id: int
    position: int
    command: str
    start_ts: float
    planned_end_ts: float
    end_ts: float | None
    return_code: int | None
    stdout: str
    stderr: str


@dataclass(frozen=True)
class ResourceRecord:
    """An artifact a command produced; the bytes are read separately, only when downloaded."""

    id: int
    command_id: int
    path: str
    content_type: str


@dataclass(frozen=True)
class ScheduleRow:
    """A schedule as stored: its definition (JSON of the YAML entry) and any API suspension."""

    id: int
    workspace: str
    name: str
    definition: str
    suspended_override: bool | None
