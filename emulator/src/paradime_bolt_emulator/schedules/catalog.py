"""The schedules a workspace serves: YAML definitions merged into SQLite, found by name or slug.

On start, every schedule of the YAML file is upserted by name: the file's definition wins, while
the stored id and any suspension set through ``suspendBoltSchedule`` are kept. Schedules stored
earlier but missing from the file stay available, so a restart never loses a schedule or the runs
that point to it. Schedules made through ``createBoltSchedule`` are stored the same way (source
``ui``) and can be deleted again; a deleted schedule's runs stay, under a name no schedule has.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from paradime_bolt_emulator.storage.repository import Repository
from paradime_bolt_emulator.storage.store import Store

from .spec import ScheduleFileError, ScheduleSpec, parse_schedule

# The stored name a deleted schedule's runs move to: no schedule can have it (names have no NUL).
DELETED_PREFIX = "\x00deleted:"


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
    """Looks a workspace's schedules up; definitions are read at start and changed only by
    ``add`` and ``remove`` (the API's create and delete), suspensions read from the database."""

    def __init__(
        self,
        store: Store,
        specs: Sequence[ScheduleSpec],
        *,
        workspace: str,
        environments: Sequence[str] = ("production",),
    ) -> None:
        self.workspace = workspace
        self.environments = tuple(environments)
        self._lock = threading.Lock()
        for spec in specs:
            if spec.environment not in self.environments:
                raise ScheduleFileError(
                    f"schedule {spec.name!r}: environment {spec.environment!r} is not one of "
                    f"workspace {workspace!r}'s: {', '.join(self.environments)}"
                )
        with store.transaction() as repo:
            for spec in specs:
                repo.upsert_schedule(
                    workspace, spec.name, json.dumps(spec.definition, sort_keys=True)
                )
            rows = repo.schedule_rows(workspace)
        self._specs: dict[str, ScheduleSpec] = {}
        for row in rows:
            try:
                spec = parse_schedule(json.loads(row.definition), "stored schedules", row.name)
            except ScheduleFileError as error:
                raise ScheduleFileError(f"{error} (stored in the database)") from error
            self._specs[row.name] = spec

    def spec(self, name: str) -> ScheduleSpec | None:
        """A schedule's definition by exact name."""
        return self._specs.get(name)

    def entries(self, repo: Repository) -> list[ScheduleEntry]:
        """Every schedule, in id order, with suspensions as stored now."""
        specs = dict(self._specs)
        return [
            ScheduleEntry(
                id=row.id,
                spec=specs[row.name],
                suspended=(
                    specs[row.name].suspended
                    if row.suspended_override is None
                    else row.suspended_override
                ),
            )
            for row in repo.schedule_rows(self.workspace)
            if row.name in specs
        ]

    def find(self, repo: Repository, ref: ScheduleRef) -> ScheduleEntry | None:
        """The schedule with the ref's exact name, or with its slug."""
        for entry in self.entries(repo):
            if (ref.name is not None and entry.spec.name == ref.name) or (
                ref.slug is not None and entry.spec.slug == ref.slug
            ):
                return entry
        return None

    def slugs(self) -> set[str]:
        """The slug of every schedule."""
        return {spec.slug for spec in self._specs.values()}

    def add(self, repo: Repository, spec: ScheduleSpec) -> None:
        """Store a new schedule; ``ValueError`` when its name or slug is taken."""
        with self._lock:
            for other in self._specs.values():
                if spec.name in (other.name, other.slug) or spec.slug in (other.name, other.slug):
                    raise ValueError(
                        f"a schedule named {other.name!r} (slug {other.slug!r}) already exists"
                    )
            repo.upsert_schedule(
                self.workspace, spec.name, json.dumps(spec.definition, sort_keys=True)
            )
            self._specs[spec.name] = spec

    def remove(self, repo: Repository, entry: ScheduleEntry) -> None:
        """Delete a schedule; its runs stay, moved to a name no schedule can have."""
        with self._lock:
            name = entry.spec.name
            repo.delete_schedule(self.workspace, name, f"{DELETED_PREFIX}{entry.id}:{name}")
            self._specs.pop(name, None)
