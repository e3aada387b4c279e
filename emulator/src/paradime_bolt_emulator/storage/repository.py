"""The SQL the emulator runs, one method per question, returning records rather than rows.

Schedules and runs belong to a workspace; commands and resources to a run. Every lookup that
answers a request takes the request's workspace, so a run, command or resource of another
workspace is as unknown as one that does not exist. Lookups that must see every workspace (the
engine advancing all runs, a signed download) say so with ``workspace=None``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection
from functools import partial
from typing import TYPE_CHECKING, Any

from .records import (
    ACTIVE_STATES,
    CommandRecord,
    PlannedCommand,
    RequestedCommand,
    ResourceRecord,
    RunPlan,
    RunRecord,
    ScheduleRow,
)
from .tables import COMMANDS, RESOURCES, RUNS, SCHEDULES, Table

if TYPE_CHECKING:
    from .plan_cache import PlanCache


def decode_plan(requested: str, plan: str) -> RunPlan:
    """A run's requested commands and plan from their stored JSON."""
    return RunPlan(requested=RUNS.decode("requested", requested), plan=RUNS.decode("plan", plan))


def _run(row: sqlite3.Row, plans: PlanCache | None, load: Callable[[int], RunPlan]) -> RunRecord:
    run_id: int = row["id"]
    return RUNS.load(
        row, load_plan=partial(plans.get, run_id) if plans is not None else partial(load, run_id)
    )


class Repository:
    """Queries over one connection; the caller holds the store's lock and transaction."""

    def __init__(self, connection: sqlite3.Connection, plans: PlanCache | None = None) -> None:
        self._db = connection
        self._db.row_factory = sqlite3.Row
        self._plans = plans

    def _run(self, row: sqlite3.Row) -> RunRecord:
        return _run(row, self._plans, self._plan_of)

    def _plan_of(self, run_id: int) -> RunPlan:
        plan = self.run_plan(run_id)
        if plan is None:
            raise LookupError(f"run {run_id} is not stored")
        return plan

    def _one(self, sql: str, *params: Any) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self._db.execute(sql, params).fetchone()
        return row

    def _all(self, sql: str, *params: Any) -> list[sqlite3.Row]:
        return list(self._db.execute(sql, params).fetchall())

    def _insert(self, table: Table[Any], **values: Any) -> int:
        sql, params = table.insert(values)
        row_id = self._db.execute(sql, params).lastrowid
        assert row_id is not None
        return row_id

    # meta

    def get_meta(self, key: str) -> str | None:
        """A stored setting, such as the URL signing key."""
        row = self._one("SELECT value FROM meta WHERE key = ?", key)
        return None if row is None else str(row["value"])

    def set_meta(self, key: str, value: str) -> None:
        """Store a setting."""
        self._db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def seed_sequence(self, table: str, last_id: int) -> None:
        """Make a new table's AUTOINCREMENT ids start after last_id; existing tables keep theirs."""
        self._db.execute(
            "INSERT INTO sqlite_sequence (name, seq) SELECT ?, ? "
            "WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ?)",
            (table, last_id, table),
        )

    # schedules

    def schedule_rows(self, workspace: str) -> list[ScheduleRow]:
        """Every stored schedule of a workspace, oldest first."""
        return [
            SCHEDULES.load(row)
            for row in self._all(
                f"SELECT {SCHEDULES.select()} FROM schedules "  # noqa: S608
                "WHERE workspace = ? ORDER BY id",
                workspace,
            )
        ]

    def upsert_schedule(self, workspace: str, name: str, definition: str) -> None:
        """Store a schedule's definition, keeping its id and any suspension set through the API."""
        sql, params = SCHEDULES.insert(
            {"workspace": workspace, "name": name, "definition": definition},
            " ON CONFLICT (workspace, name) DO UPDATE SET definition = excluded.definition",
        )
        self._db.execute(sql, params)

    def delete_schedule(self, workspace: str, name: str, runs_renamed_to: str) -> None:
        """Delete a schedule; its runs are kept under ``runs_renamed_to``."""
        self._db.execute(
            "UPDATE runs SET schedule_name = ? WHERE workspace = ? AND schedule_name = ?",
            (runs_renamed_to, workspace, name),
        )
        self._db.execute(
            "DELETE FROM schedules WHERE workspace = ? AND name = ?", (workspace, name)
        )

    def set_suspended(self, workspace: str, name: str, suspended: bool) -> None:
        """Record a suspension made through the API; it wins over the YAML's ``suspended``."""
        self._db.execute(
            "UPDATE schedules SET suspended_override = ? WHERE workspace = ? AND name = ?",
            (int(suspended), workspace, name),
        )

    # runs

    def insert_run(
        self,
        *,
        workspace: str,
        schedule_name: str,
        state: str,
        trigger_ts: float,
        start_delay: float,
        branch: str,
        commit_hash: str,
        pr_number: int | None,
        reason: str | None,
        actor: str,
        actor_email: str | None,
        parent_run_id: int | None,
        requested: tuple[RequestedCommand, ...],
        plan: tuple[PlannedCommand, ...],
    ) -> int:
        """Store a new run with its plan; returns its id."""
        return self._insert(
            RUNS,
            workspace=workspace,
            schedule_name=schedule_name,
            state=state,
            trigger_ts=trigger_ts,
            start_delay=start_delay,
            branch=branch,
            commit_hash=commit_hash,
            pr_number=pr_number,
            reason=reason,
            actor=actor,
            actor_email=actor_email,
            parent_run_id=parent_run_id,
            requested=requested,
            plan=plan,
        )

    def get_run(self, run_id: int, *, workspace: str | None) -> RunRecord | None:
        """One run (of ``workspace``; None: of any), or None."""
        row = self._one(
            f"SELECT {RUNS.select()} FROM runs WHERE id = ? "  # noqa: S608
            "AND (? IS NULL OR workspace = ?)",
            run_id,
            workspace,
            workspace,
        )
        return None if row is None else self._run(row)

    def run_plan(self, run_id: int) -> RunPlan | None:
        """A run's requested commands and plan, decoded; None for an unknown run."""
        row = self._one("SELECT requested, plan FROM runs WHERE id = ?", run_id)
        return None if row is None else decode_plan(row["requested"], row["plan"])

    def runs_in_states(self, states: Collection[str]) -> list[RunRecord]:
        """Runs in any of the states, oldest first."""
        marks = ", ".join("?" for _ in states)
        return [
            self._run(row)
            for row in self._all(
                f"SELECT {RUNS.select()} FROM runs WHERE state IN ({marks}) ORDER BY id",  # noqa: S608
                *states,
            )
        ]

    def active_runs(self) -> list[RunRecord]:
        """Runs still STARTING or RUNNING, as last materialised."""
        return self.runs_in_states(sorted(ACTIVE_STATES))

    def runs_for_schedule(
        self, workspace: str, schedule_name: str, offset: int, limit: int
    ) -> list[RunRecord]:
        """A page of a schedule's runs, newest first."""
        return [
            self._run(row)
            for row in self._all(
                f"SELECT {RUNS.select()} FROM runs WHERE workspace = ? "  # noqa: S608
                "AND schedule_name = ? ORDER BY id DESC LIMIT ? OFFSET ?",
                workspace,
                schedule_name,
                limit,
                offset,
            )
        ]

    def latest_run(
        self, workspace: str, schedule_name: str, states: Collection[str] = ()
    ) -> RunRecord | None:
        """The schedule's newest run, optionally only among runs in the given states."""
        if not states:
            runs = self.runs_for_schedule(workspace, schedule_name, 0, 1)
            return runs[0] if runs else None
        marks = ", ".join("?" for _ in states)
        row = self._one(
            f"SELECT {RUNS.select()} FROM runs WHERE workspace = ? "  # noqa: S608
            f"AND schedule_name = ? AND state IN ({marks}) ORDER BY id DESC LIMIT 1",
            workspace,
            schedule_name,
            *states,
        )
        return None if row is None else self._run(row)

    def set_run_state(self, run_id: int, state: str, ended_ts: float | None) -> None:
        """Materialise a run's state, and its end time once it has ended."""
        self._db.execute(
            "UPDATE runs SET state = ?, ended_ts = ? WHERE id = ?", (state, ended_ts, run_id)
        )

    def set_commit_hash(self, run_id: int, commit_hash: str) -> None:
        """Record the commit a real run checked out."""
        self._db.execute("UPDATE runs SET commit_hash = ? WHERE id = ?", (commit_hash, run_id))

    def set_canceled(self, run_id: int, canceled_ts: float) -> None:
        """Record the moment a run was cancelled; the caller sets its state."""
        self._db.execute("UPDATE runs SET canceled_ts = ? WHERE id = ?", (canceled_ts, run_id))

    def mark_emitted(self, run_id: int, *, started: bool, completed: bool) -> None:
        """Remember which run events were delivered, so none is sent twice, even after a restart."""
        self._db.execute(
            "UPDATE runs SET started_emitted = started_emitted OR ?, "
            "completed_emitted = completed_emitted OR ? WHERE id = ?",
            (int(started), int(completed), run_id),
        )

    # commands

    def insert_command(
        self,
        *,
        run_id: int,
        position: int,
        command: str,
        start_ts: float,
        planned_end_ts: float,
        stdout: str,
        stderr: str,
    ) -> int:
        """Store a command that has just started; returns its id."""
        return self._insert(
            COMMANDS,
            run_id=run_id,
            position=position,
            command=command,
            start_ts=start_ts,
            planned_end_ts=planned_end_ts,
            stdout=stdout,
            stderr=stderr,
        )

    def finish_command(
        self, command_id: int, *, end_ts: float, return_code: int, stdout: str, stderr: str
    ) -> None:
        """Store how a command ended, with its final log texts."""
        self._db.execute(
            "UPDATE commands SET end_ts = ?, return_code = ?, stdout = ?, stderr = ? WHERE id = ?",
            (end_ts, return_code, stdout, stderr, command_id),
        )

    def append_output(self, command_id: int, *, stdout: str = "", stderr: str = "") -> None:
        """Add text a running command has just written (real dbt runs stream their logs)."""
        self._db.execute(
            "UPDATE commands SET stdout = stdout || ?, stderr = stderr || ? WHERE id = ?",
            (stdout, stderr, command_id),
        )

    def end_command(self, command_id: int, *, end_ts: float, return_code: int) -> None:
        """Store how a command ended, keeping the log text it streamed."""
        self._db.execute(
            "UPDATE commands SET end_ts = ?, return_code = ? WHERE id = ?",
            (end_ts, return_code, command_id),
        )

    def commands_for_run(self, run_id: int) -> list[CommandRecord]:
        """A run's started commands, in id order."""
        return [
            COMMANDS.load(row)
            for row in self._all(
                f"SELECT {COMMANDS.select()} FROM commands WHERE run_id = ? ORDER BY id",  # noqa: S608
                run_id,
            )
        ]

    def command_progress(self, run_id: int) -> dict[int, tuple[int, bool]]:
        """A run's started commands as position -> (id, ended), without their logs."""
        return {
            row["position"]: (row["id"], row["end_ts"] is not None)
            for row in self._all(
                "SELECT position, id, end_ts FROM commands WHERE run_id = ?", run_id
            )
        }

    def get_command(self, command_id: int, *, workspace: str | None) -> CommandRecord | None:
        """One started command (of a run of ``workspace``; None: of any), or None."""
        row = self._one(
            f"SELECT {COMMANDS.select()} FROM commands JOIN runs ON runs.id = commands.run_id "  # noqa: S608
            "WHERE commands.id = ? AND (? IS NULL OR runs.workspace = ?)",
            command_id,
            workspace,
            workspace,
        )
        return None if row is None else COMMANDS.load(row)

    def count_runs_executing(self, workspace: str, schedule_name: str, command: str) -> int:
        """How many of a schedule's runs have executed a command text (for ``fail_attempts``)."""
        row = self._one(
            "SELECT COUNT(DISTINCT commands.run_id) AS n FROM commands "
            "JOIN runs ON runs.id = commands.run_id "
            "WHERE runs.workspace = ? AND runs.schedule_name = ? AND commands.command = ?",
            workspace,
            schedule_name,
            command,
        )
        return 0 if row is None else int(row["n"])

    # resources

    def insert_resource(self, command_id: int, path: str, content_type: str, content: bytes) -> int:
        """Store one artifact of a command; returns its id."""
        return self._insert(
            RESOURCES, command_id=command_id, path=path, content_type=content_type, content=content
        )

    def resources_for_command(self, command_id: int) -> list[ResourceRecord]:
        """A command's artifacts, in id order, without their bytes."""
        return [
            RESOURCES.load(row)
            for row in self._all(
                f"SELECT {RESOURCES.select()} FROM resources "  # noqa: S608
                "WHERE command_id = ? ORDER BY id",
                command_id,
            )
        ]

    def get_resource(self, resource_id: int, *, workspace: str | None) -> ResourceRecord | None:
        """One artifact (of a run of ``workspace``; None: of any), without its bytes, or None."""
        row = self._one(
            f"SELECT {RESOURCES.select()} "  # noqa: S608
            "FROM resources JOIN commands ON commands.id = resources.command_id "
            "JOIN runs ON runs.id = commands.run_id "
            "WHERE resources.id = ? AND (? IS NULL OR runs.workspace = ?)",
            resource_id,
            workspace,
            workspace,
        )
        return None if row is None else RESOURCES.load(row)

    def resource_content(self, resource_id: int) -> bytes | None:
        """An artifact's bytes, or None."""
        row = self._one("SELECT content FROM resources WHERE id = ?", resource_id)
        return None if row is None else bytes(row["content"])
