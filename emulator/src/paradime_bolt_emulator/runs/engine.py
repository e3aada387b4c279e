"""The run engine: creates, cancels and retries runs, and materialises their progress into SQLite.

A run's future is fixed by its plan (see ``planner``), so ``advance(now)`` only writes down what
the clock says has happened since the last call: commands that started (ids are handed out in
start-time order, so they increase with time across runs), commands that ended (with their
artifacts), and run states. Requests and the background ticker both call it; events go to the
listeners after each commit (see ``events``).

One engine serves every workspace: ``advance`` moves all runs on, while the operations a request
asks for take the request's workspace and never touch a run of another.
"""

from __future__ import annotations

import hashlib
import math
import re
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from paradime_bolt_emulator.dbt.artifacts import build_artifacts
from paradime_bolt_emulator.dbt.project import execute
from paradime_bolt_emulator.errors import AlreadyRunningError, NothingToRetryError, RunNotFoundError
from paradime_bolt_emulator.schedules.catalog import ScheduleCatalog
from paradime_bolt_emulator.schedules.spec import ScheduleSpec
from paradime_bolt_emulator.storage.records import (
    ACTIVE_STATES,
    CANCELED,
    ERROR,
    RUNNING,
    STARTING,
    PlannedCommand,
    RequestedCommand,
    RunRecord,
)
from paradime_bolt_emulator.storage.repository import Repository
from paradime_bolt_emulator.storage.store import Store

from .events import RUN_COMPLETED, RUN_STARTED, CommandSnapshot, RunEvent, RunEventListener, deliver
from .planner import plan_run
from .timeline import command_window, planned_end, state_at, written_fraction, written_text

if TYPE_CHECKING:
    from paradime_bolt_emulator.realdbt.executor import RealRuns

API_ACTOR = "api"
API_ACTOR_EMAIL = "api-key@bolt-emulator.local"
# A cancelled command ends as if it received SIGTERM.
CANCELLED_RETURN_CODE = -15
CANCELLED_LINE = "Command cancelled: the run was cancelled through the Bolt API.\n"
# A real run's commands: git clone at 0, dbt deps at 1, requested command i at 2 + i.
REAL_FIRST_POSITION = 2

_ARTIFACT_NAMESPACE = uuid.UUID("6f1c3d52-9b8e-5c2a-a0d4-3e5f7a9b1c2d")
_HEX_COMMIT = re.compile(r"[0-9a-f]{40}")


@dataclass(frozen=True)
class RunRequest:
    """What a new run should execute and record: commands, branch and the trigger's extras."""

    commands: tuple[RequestedCommand, ...]
    branch: str
    pr_number: int | None = None
    reason: str | None = None
    parent_run_id: int | None = None


def commit_hash(branch: str) -> str:
    """A stable fake commit for a branch; a branch that already is a 40-hex commit is kept."""
    if _HEX_COMMIT.fullmatch(branch):
        return branch
    return hashlib.sha256(f"commit:{branch}".encode()).hexdigest()[:40]


def _chronological(item: tuple[float, int, RunRecord, PlannedCommand]) -> tuple[float, int, int]:
    """Order command starts or ends by time, then run, then position."""
    moment, run_id, _, planned = item
    return moment, run_id, planned.position


def next_change(run: RunRecord, now: float) -> float:
    """The first moment after ``now`` at which a command of the run starts or ends, or its
    state changes (infinity: none)."""
    moments = [run.trigger_ts + run.start_delay, planned_end(run)]
    for planned in run.plan:
        moments.extend(command_window(run, planned))
    return min((moment for moment in moments if moment > now), default=math.inf)


def first_failed_request(run: RunRecord, finished_ok: set[int]) -> int | None:
    """Index of the first requested command that did not end with 0, or None if all did."""
    for index in range(len(run.requested)):
        if index not in finished_ok:
            return index
    return None


class RunEngine:
    """Owns run lifecycles; every public method takes the current time and commits its changes."""

    def __init__(
        self,
        store: Store,
        catalogs: Mapping[str, ScheduleCatalog],
        listeners: Sequence[RunEventListener] = (),
    ) -> None:
        self._store = store
        self._catalogs = dict(catalogs)
        self._listeners = tuple(listeners)
        # Per active run, the next moment at which something happens to it (a command starts or
        # ends, the state changes): until then advancing skips it without reading its commands.
        # ``_staged`` holds the current transaction's notes, kept only if it commits.
        self._due: dict[int, float] = {}
        self._staged: dict[int, float] = {}
        # The earliest of those moments once every active run has one (None: not known, as
        # after a start or a failed transaction): before it, advancing has nothing to do.
        self._earliest: float | None = None
        # With --dbt-project, runs execute real dbt there (no plan); see ``realdbt``.
        self.real: RealRuns | None = None

    @contextmanager
    def _transaction(self) -> Iterator[Repository]:
        """The store's transaction, keeping the due-time notes it made only once it commits;
        on any failure every note is forgotten (the next advance reads every run again).

        The engine's methods are never called inside an outer transaction."""
        committed = False
        try:
            with self._store.transaction() as repo:
                try:
                    yield repo
                    self._due.update(self._staged)
                    # Every engine transaction ends with every active run looked at.
                    self._earliest = min(self._due.values(), default=math.inf)
                finally:
                    self._staged.clear()
            committed = True
        finally:
            if not committed:
                self._due.clear()
                self._earliest = None

    # public operations

    def advance(self, now: float) -> None:
        """Materialise everything that has happened up to ``now``; without touching the
        database when nothing is due yet (every request and the ticker call this)."""
        earliest = self._earliest
        if earliest is not None and now < earliest:
            return
        with self._transaction() as repo:
            events = self._advance(repo, now)
        deliver(self._listeners, events)

    def trigger(self, now: float, workspace: str, spec: ScheduleSpec, request: RunRequest) -> int:
        """Start a run of a schedule; AlreadyRunningError while another run is in progress."""
        with self._transaction() as repo:
            events = self._advance(repo, now)
            run_id = self._create(repo, now, workspace, spec, request)
            events += self._advance(repo, now)
        deliver(self._listeners, events)
        self._submit(run_id)
        return run_id

    def cancel(self, now: float, workspace: str, run_id: int) -> bool:
        """Cancel a STARTING or RUNNING run at ``now``; False for a finished or unknown run.

        A real dbt run is stopped by its executor, and this returns once it has ended."""
        if self.real is not None:
            with self._store.transaction() as repo:
                run = repo.get_run(run_id, workspace=workspace)
            if run is not None and not run.plan:
                return self.real.cancel(run_id)
        with self._transaction() as repo:
            events = self._advance(repo, now)
            run = repo.get_run(run_id, workspace=workspace)
            cancelled = run is not None and run.is_active
            if run is not None and cancelled:
                for command in repo.commands_for_run(run_id):
                    if command.end_ts is None:
                        fraction = written_fraction(command.start_ts, command.planned_end_ts, now)
                        repo.finish_command(
                            command.id,
                            end_ts=now,
                            return_code=CANCELLED_RETURN_CODE,
                            stdout=written_text(command.stdout, fraction),
                            stderr=written_text(command.stderr, fraction) + CANCELLED_LINE,
                        )
                repo.set_canceled(run_id, now)
                repo.set_run_state(run_id, CANCELED, now)
                refreshed = repo.get_run(run_id, workspace=workspace)
                assert refreshed is not None
                events += self._events(repo, refreshed, CANCELED)
        deliver(self._listeners, events)
        return cancelled

    def retry(self, now: float, workspace: str, run_id: int, *, all_commands: bool) -> int:
        """Start a run repeating a finished run: from its first failed command, or all of it."""
        with self._transaction() as repo:
            events = self._advance(repo, now)
            new_id = self._retry(repo, now, workspace, run_id, all_commands=all_commands)
            events += self._advance(repo, now)
        deliver(self._listeners, events)
        self._submit(new_id)
        return new_id

    def retry_latest_failure(self, now: float, workspace: str, spec: ScheduleSpec) -> int:
        """Retry the schedule's newest run that ended in ERROR."""
        with self._transaction() as repo:
            events = self._advance(repo, now)
            failed = repo.latest_run(workspace, spec.name, (ERROR,))
            if failed is None:
                raise NothingToRetryError(f"schedule {spec.name!r} has no failed run to retry")
            new_id = self._retry(repo, now, workspace, failed.id, all_commands=False)
            events += self._advance(repo, now)
        deliver(self._listeners, events)
        self._submit(new_id)
        return new_id

    def publish(self, run_id: int) -> None:
        """Send the events a run owes its listeners now (the real-run executor calls this)."""
        with self._store.transaction() as repo:
            run = repo.get_run(run_id, workspace=None)
            events = [] if run is None else self._events(repo, run, run.state)
        deliver(self._listeners, events)

    def _submit(self, run_id: int) -> None:
        """Hand a new run to the real-run executor, when there is one."""
        if self.real is not None:
            with self._store.transaction() as repo:
                run = repo.get_run(run_id, workspace=None)
            assert run is not None
            self.real.submit(run)

    # creating runs

    def _create(
        self, repo: Repository, now: float, workspace: str, spec: ScheduleSpec, request: RunRequest
    ) -> int:
        """Plan and store a new run, unless the schedule already has one in progress."""
        active = repo.latest_run(workspace, spec.name, sorted(ACTIVE_STATES))
        if active is not None:
            raise AlreadyRunningError(
                f"schedule {spec.name!r} already has a run in progress "
                f"(run {active.id} is {active.state})"
            )
        plan = (
            ()
            if self.real is not None
            else plan_run(
                spec.emulator,
                request.commands,
                trigger_ts=now,
                branch=request.branch,
                attempt_of=lambda command: (
                    repo.count_runs_executing(workspace, spec.name, command) + 1
                ),
            )
        )
        return repo.insert_run(
            workspace=workspace,
            schedule_name=spec.name,
            state=STARTING,
            trigger_ts=now,
            start_delay=0.0 if self.real is not None else spec.emulator.start_delay,
            branch=request.branch,
            commit_hash=commit_hash(request.branch),
            pr_number=request.pr_number,
            reason=request.reason,
            actor=API_ACTOR,
            actor_email=API_ACTOR_EMAIL,
            parent_run_id=request.parent_run_id,
            requested=request.commands,
            plan=plan,
        )

    def _retry(
        self, repo: Repository, now: float, workspace: str, run_id: int, *, all_commands: bool
    ) -> int:
        """Create the run that repeats a finished run, from its first failure or entirely."""
        run = repo.get_run(run_id, workspace=workspace)
        if run is None:
            raise RunNotFoundError(f"no run with id {run_id}")
        if run.is_active:
            raise AlreadyRunningError(
                f"run {run.id} of schedule {run.schedule_name!r} is still {run.state}; "
                "retry it once it has finished"
            )
        catalog = self._catalogs.get(run.workspace)
        spec = None if catalog is None else catalog.spec(run.schedule_name)
        if spec is None:  # its schedule was deleted (deleteBoltSchedule)
            raise RunNotFoundError(f"run {run_id} belongs to a schedule that was deleted")
        start = 0
        if not all_commands:
            codes = {
                command.position: command.return_code for command in repo.commands_for_run(run.id)
            }
            finished_ok = {
                planned.request_index
                for planned in run.plan
                if planned.request_index is not None and codes.get(planned.position) == 0
            }
            if not run.plan:  # a real run: request i ran at position REAL_FIRST_POSITION + i
                finished_ok = {
                    position - REAL_FIRST_POSITION
                    for position, code in codes.items()
                    if position >= REAL_FIRST_POSITION and code == 0
                }
            first = first_failed_request(run, finished_ok)
            if first is None:
                raise NothingToRetryError(
                    f"run {run.id} ended in {run.state} with every command successful; "
                    "use retryAllBoltRun to run it again"
                )
            start = first
        request = RunRequest(
            commands=run.requested[start:],
            branch=run.branch,
            pr_number=run.pr_number,
            reason=f"Retry of run {run.id}",
            parent_run_id=run.id,
        )
        return self._create(repo, now, workspace, spec, request)

    # materialising

    def _advance(self, repo: Repository, now: float) -> list[RunEvent]:
        """Write down command starts, command ends and run states up to ``now``.

        A run whose next change is still ahead (see ``_due``) is skipped without reading its
        commands or plan, so the work does not grow with the size of the active runs."""
        active = repo.active_runs()
        ids_active = {run.id for run in active}
        for finished in [key for key in self._due if key not in ids_active]:
            del self._due[finished]
        runs = []
        for run in active:
            if self._staged.get(run.id, self._due.get(run.id, -math.inf)) > now:
                continue
            if not run.plan:  # a real dbt run: its executor writes its progress
                self._staged[run.id] = math.inf
                continue
            runs.append(run)
        ids: dict[int, dict[int, int]] = {}
        ended: dict[int, set[int]] = {}
        for run in runs:
            progress = repo.command_progress(run.id)
            ids[run.id] = {position: command_id for position, (command_id, _) in progress.items()}
            ended[run.id] = {position for position, (_, done) in progress.items() if done}
        starts: list[tuple[float, int, RunRecord, PlannedCommand]] = []
        ends: list[tuple[float, int, RunRecord, PlannedCommand]] = []
        for run in runs:
            for planned in run.plan:
                start, end = command_window(run, planned)
                if start <= now and planned.position not in ids[run.id]:
                    starts.append((start, run.id, run, planned))
                if end <= now and planned.position not in ended[run.id]:
                    ends.append((end, run.id, run, planned))
        for start, _, run, planned in sorted(starts, key=_chronological):
            ids[run.id][planned.position] = repo.insert_command(
                run_id=run.id,
                position=planned.position,
                command=planned.command,
                start_ts=start,
                planned_end_ts=command_window(run, planned)[1],
                stdout=planned.stdout,
                stderr=planned.stderr,
            )
        for end, _, run, planned in sorted(ends, key=_chronological):
            self._finish(repo, run, planned, ids[run.id][planned.position], end)
        events: list[RunEvent] = []
        for run in runs:
            state = state_at(run, now)
            if state != run.state:
                repo.set_run_state(
                    run.id, state, None if state in ACTIVE_STATES else planned_end(run)
                )
            events += self._events(repo, run, state)
            self._staged[run.id] = next_change(run, now)
        return events

    def _finish(
        self, repo: Repository, run: RunRecord, planned: PlannedCommand, command_id: int, end: float
    ) -> None:
        """End a command as planned and store the artifacts it produced."""
        repo.finish_command(
            command_id,
            end_ts=end,
            return_code=planned.return_code,
            stdout=planned.stdout,
            stderr=planned.stderr,
        )
        dbt_run = execute(planned.command, planned.return_code)
        if dbt_run is None:
            return
        start, _ = command_window(run, planned)
        invocation_id = str(uuid.uuid5(_ARTIFACT_NAMESPACE, f"{run.id}:{planned.position}"))
        for artifact in build_artifacts(
            dbt_run,
            start_ts=start,
            end_ts=end,
            invocation_id=invocation_id,
            stdout=planned.stdout,
            stderr=planned.stderr,
        ):
            repo.insert_resource(command_id, artifact.path, artifact.content_type, artifact.content)

    def _events(self, repo: Repository, run: RunRecord, state: str) -> list[RunEvent]:
        """The events this run owes its listeners now, marked as delivered."""
        fire_started = not run.started_emitted and bool(repo.command_progress(run.id))
        fire_completed = not run.completed_emitted and state not in ACTIVE_STATES
        if fire_started or fire_completed:
            repo.mark_emitted(run.id, started=fire_started, completed=fire_completed)
        events: list[RunEvent] = []
        if fire_started:
            # Described as of the moment it started, even if it has finished since.
            events.append(self._event(RUN_STARTED, run, RUNNING, None, ()))
        if fire_completed:
            refreshed = repo.get_run(run.id, workspace=run.workspace)
            assert refreshed is not None
            snapshot = tuple(
                CommandSnapshot(
                    id=command.id,
                    command=command.command,
                    start_ts=command.start_ts,
                    end_ts=command.end_ts,
                    return_code=command.return_code,
                    resources=tuple(
                        (resource.id, resource.path)
                        for resource in repo.resources_for_command(command.id)
                    ),
                )
                for command in repo.commands_for_run(run.id)
            )
            events.append(
                self._event(RUN_COMPLETED, run, refreshed.state, refreshed.ended_ts, snapshot)
            )
        return events

    @staticmethod
    def _event(
        kind: Literal["started", "completed"],
        run: RunRecord,
        state: str,
        ended_ts: float | None,
        commands: tuple[CommandSnapshot, ...],
    ) -> RunEvent:
        return RunEvent(
            kind=kind,
            run_id=run.id,
            schedule_name=run.schedule_name,
            state=state,
            trigger_ts=run.trigger_ts,
            ended_ts=ended_ts,
            branch=run.branch,
            commit_hash=run.commit_hash,
            commands=commands,
        )
