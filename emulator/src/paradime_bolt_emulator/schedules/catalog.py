"""The schedules a workspace serves: YAML definitions merged into SQLite, found by name or slug.

On start, every schedule of the YAML file is upserted by name: the file's definition wins, while
the stored id and any suspension set through ``suspendBoltSchedule`` are kept. Schedules stored
earlier but missing from the file stay available, so a restart never loses a schedule or the runs
that point to it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from paradime_bolt_emulator.storage.repository import Repository
from paradime_bolt_emulator.storage.store import Store

from .spec import ScheduleFileError, ScheduleSpec, parse_schedule


@dataclass(frozen=True)
class ScheduleRef:
    """How a request names a schedule: by ``scheduleName`` or by ``slug`` (exactly one)."""

    name: str | None = None
    slug: str | None = None

    def describe(self) -> str:
        """``scheduleName 'daily run'`` or ``slug 'daily-run'``, for messages."""
        return f"scheduleName {self.name!r}" if self.name is not None else f"slug {self.slug!r}"


@dataclass(frozen=True)
class ScheduleEntry:
    """A schedule with its stable id and effective suspension."""

    id: int
    spec: ScheduleSpec
    suspended: bool


class ScheduleCatalog:
    """Looks a workspace's schedules up; definitions are fixed at start, suspensions read from
    the database."""

    def __init__(self, store: Store, specs: Sequence[ScheduleSpec], *, workspace: str) -> None:
        self.workspace = workspace
        with store.transaction() as repo:
            for spec in specs:
                repo.upsert_schedule(
                    workspace, spec.name, json.dumps(spec.definition, sort_keys=True)
                )
            rows = repo.schedule_rows(workspace)
        self._specs: dict[str, ScheduleSpec] = {}
        self._ids: dict[str, int] = {}
        for row in rows:
            try:
                spec = parse_schedule(json.loads(row.definition), "stored schedules", row.name)
            except ScheduleFileError as error:
                raise ScheduleFileError(f"{error} (stored in the database)") from error
            self._specs[row.name] = spec
            self._ids[row.name] = row.id

    def spec(self, name: str) -> ScheduleSpec | None:
        """A schedule's definition by exact name."""
        return self._specs.get(name)

    def entries(self, repo: Repository) -> list[ScheduleEntry]:
        """Every schedule, in id order, with suspensions as stored now."""
        return [
            ScheduleEntry(
                id=row.id,
                spec=self._specs[row.name],
                suspended=(
                    self._specs[row.name].suspended
                    if row.suspended_override is None
                    else row.suspended_override
                ),
            )
            for row in repo.schedule_rows(self.workspace)
            if row.name in self._specs
        ]

    def find(self, repo: Repository, ref: ScheduleRef) -> ScheduleEntry | None:
        """The schedule with the ref's exact name, or with its slug."""
        for entry in self.entries(repo):
            if (ref.name is not None and entry.spec.name == ref.name) or (
                ref.slug is not None and entry.spec.slug == ref.slug
            ):
                return entry
        return None
