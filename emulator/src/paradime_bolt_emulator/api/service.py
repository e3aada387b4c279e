"""The emulated Bolt API as plain methods: what each GraphQL field asks, answered from the database.

Resolvers only parse arguments and shape payloads; every decision (not found, already running,
what a retry repeats) is made here or in the engine. Every method takes the request's ``now``.

A service answers for one workspace (the emulator has one per workspace, over a shared store and
engine): a schedule, run, command or resource of another workspace is answered as unknown.
Signed downloads are the exception: the URL itself is the permission, as with S3.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from paradime_bolt_emulator.errors import (
    InvalidArgumentsError,
    ScheduleNotFoundError,
    YamlScheduleError,
)
from paradime_bolt_emulator.runs.engine import RunEngine, RunRequest
from paradime_bolt_emulator.runs.logs import LogPage, read_page
from paradime_bolt_emulator.runs.timeline import written_fraction, written_text
from paradime_bolt_emulator.schedules.catalog import ScheduleCatalog, ScheduleEntry, ScheduleRef
from paradime_bolt_emulator.schedules.spec import ScheduleFileError, parse_schedule
from paradime_bolt_emulator.storage.records import (
    CommandRecord,
    RequestedCommand,
    ResourceRecord,
    RunRecord,
)
from paradime_bolt_emulator.storage.repository import Repository
from paradime_bolt_emulator.storage.store import Store
from paradime_bolt_emulator.timefmt import utc_datetime

from .signing import Verdict, new_signing_key, signed_url, verify

_SIGNING_KEY = "url_signing_key"


@dataclass(frozen=True)
class ScheduleView:
    """A schedule with what the API computes for it: latest run and next cron firing."""

    entry: ScheduleEntry
    latest_run: RunRecord | None
    next_run_ts: float | None


@dataclass(frozen=True)
class Download:
    """A verified resource download: the file's path, media type and bytes."""

    path: str
    content_type: str
    content: bytes


def mint_slug(display_name: str, taken: Iterable[str] = ()) -> str:
    """Paradime's slug for a display name: the lowercased name with every other character a
    dash (runs collapsed, trimmed), cut to 24 characters, then a dash and 6 random hex digits;
    drawn again while it is in ``taken``. A name with no letter or digit gets ``schedule``."""
    stem = re.sub(r"-+", "-", re.sub(r"[^a-z0-9]", "-", display_name.lower())).strip("-")
    stem = stem[:24].rstrip("-") or "schedule"
    taken = set(taken)
    while True:
        slug = f"{stem}-{secrets.token_hex(3)}"
        if slug not in taken:
            return slug


def _deferred_definition(config: Mapping[str, Any] | None, where: str) -> dict[str, Any] | None:
    """A turboCi/deferredSchedule input as the schedules file's block: one schedule, or an
    environment, never both nor neither."""
    if config is None:
        return None
    target = config.get("deferredScheduleSlug") or config.get("deferredScheduleName")
    environment = config.get("deferEnvironmentSlug")
    if target and environment:
        raise InvalidArgumentsError(f"{where}: defer to a schedule or to an environment, not both")
    if not target and not environment:
        raise InvalidArgumentsError(
            f"{where}: name a deferredScheduleSlug (or deferredScheduleName) or a "
            "deferEnvironmentSlug"
        )
    block: dict[str, Any] = {
        "enabled": config["enabled"],
        "successful_run_only": config["successfulRunOnly"],
    }
    if target:
        block["deferred_schedule_name"] = target
    return block


def schedule_definition(schedule: Mapping[str, Any], slug: str) -> dict[str, Any]:
    """A BoltScheduleInput as an entry of the schedules file the emulator serves (source ui).

    Settings the emulator does not model (integrations, self-healing, a parent-schedule trigger,
    environment variables, SLA, on-merge) are accepted and not kept."""
    definition: dict[str, Any] = {
        "name": schedule["name"],
        "slug": slug,
        "schedule": schedule["schedule"],
        "environment": schedule["environment"],
        "commands": list(schedule["commands"]),
        "source": "ui",
    }
    for key, field in (
        ("git_branch", "gitBranch"),
        ("description", "description"),
        ("timezone", "timezone"),
        ("owner_email", "ownerEmail"),
        ("suspended", "suspended"),
    ):
        if schedule.get(field) is not None:
            definition[key] = schedule[field]
    notifications = schedule.get("notifications") or {}
    for kind, field in (("slack", "slackNotifications"), ("email", "emailNotifications")):
        items = notifications.get(field) or []
        if items:
            definition[f"{kind}_notify"] = [item["channel"] for item in items]
            events = {event.lower() for item in items for event in item["events"]}
            definition[f"{kind}_on"] = sorted(events)
    for key, field in (("turbo_ci", "turboCi"), ("deferred_schedule", "deferredSchedule")):
        block = _deferred_definition(schedule.get(field), field)
        if block is not None:
            definition[key] = block
    return definition


def visible_output(command: CommandRecord, now: float) -> tuple[str, str]:
    """The stdout and stderr a command has written by ``now`` (all of it once it has ended)."""
    if command.end_ts is not None:
        return command.stdout, command.stderr
    fraction = written_fraction(command.start_ts, command.planned_end_ts, now)
    return written_text(command.stdout, fraction), written_text(command.stderr, fraction)


class BoltService:
    """The API's behaviour for one workspace, over the store, its schedule catalog and the run
    engine."""

    def __init__(
        self, store: Store, catalog: ScheduleCatalog, engine: RunEngine, *, url_ttl: float
    ) -> None:
        self._store = store
        self._catalog = catalog
        self.workspace = catalog.workspace
        self._engine = engine
        self._url_ttl = url_ttl
        # Every slug minted here, so none is handed out twice (createScheduleSlugs).
        self._minted: set[str] = set()
        with store.transaction() as repo:
            key = repo.get_meta(_SIGNING_KEY)
            if key is None:
                key = new_signing_key()
                repo.set_meta(_SIGNING_KEY, key)
        self._signing_key = key

    def advance(self, now: float) -> None:
        """Materialise run progress up to ``now``."""
        self._engine.advance(now)

    # schedules

    def _view(self, repo: Repository, entry: ScheduleEntry, now: float) -> ScheduleView:
        """A schedule with its latest run and next firing (none while suspended)."""
        cron = entry.spec.cron
        next_run = None
        if cron is not None and not entry.suspended:
            fired = cron.next_after(utc_datetime(now), entry.spec.zone)
            next_run = None if fired is None else fired.timestamp()
        return ScheduleView(entry, repo.latest_run(self.workspace, entry.spec.name), next_run)

    def list_schedules(
        self,
        now: float,
        *,
        offset: int,
        limit: int,
        show_inactive: bool,
        suspended: bool | None,
    ) -> tuple[list[ScheduleView], int]:
        """A page of schedules in id order, and how many match in total."""
        with self._store.transaction() as repo:
            matching = [
                entry
                for entry in self._catalog.entries(repo)
                if (show_inactive or not entry.suspended)
                and (suspended is None or entry.suspended == suspended)
            ]
            page = matching[offset : offset + limit]
            return [self._view(repo, entry, now) for entry in page], len(matching)

    def schedule(self, now: float, ref: ScheduleRef) -> ScheduleView | None:
        """One schedule with its computed fields, or None."""
        with self._store.transaction() as repo:
            entry = self._catalog.find(repo, ref)
            return None if entry is None else self._view(repo, entry, now)

    def suspend(self, ref: ScheduleRef, suspended: bool) -> bool:
        """Suspend or resume a schedule; False when it does not exist."""
        with self._store.transaction() as repo:
            entry = self._catalog.find(repo, ref)
            if entry is not None:
                repo.set_suspended(self.workspace, entry.spec.name, suspended)
            return entry is not None

    def create_schedule(self, schedule: Mapping[str, Any]) -> str:
        """Create an API schedule (source ui) from a BoltScheduleInput; returns its new slug."""
        slug = mint_slug(schedule["name"], self._catalog.slugs() | self._minted)
        self._minted.add(slug)
        definition = schedule_definition(schedule, slug)
        try:
            spec = parse_schedule(definition, "createBoltSchedule", "schedule")
        except ScheduleFileError as error:
            raise InvalidArgumentsError(str(error).replace("createBoltSchedule: ", "")) from None
        if spec.environment not in self._catalog.environments:
            raise InvalidArgumentsError(
                f"environment {spec.environment!r} is not one of this workspace's: "
                f"{', '.join(self._catalog.environments)}"
            )
        with self._store.transaction() as repo:
            for deferred in (spec.turbo_ci, spec.deferred_schedule):
                target = None if deferred is None else deferred.deferred_schedule_name
                if target is not None and not any(
                    self._catalog.find(repo, ref)
                    for ref in (ScheduleRef(slug=target), ScheduleRef(name=target))
                ):
                    raise InvalidArgumentsError(f"no schedule {target!r} to defer to")
            try:
                self._catalog.add(repo, spec)
            except ValueError as error:
                raise InvalidArgumentsError(str(error)) from None
        return slug

    def delete_schedule(self, slug: str) -> bool:
        """Delete an API or UI schedule; False when there is none with this slug. A YAML
        schedule is refused: it lives in its file, which the API cannot change."""
        with self._store.transaction() as repo:
            entry = self._catalog.find(repo, ScheduleRef(slug=slug))
            if entry is None:
                return False
            if entry.spec.source == "yaml":
                raise YamlScheduleError(
                    f"schedule {entry.spec.name!r} is defined in YAML (paradime_schedules.yml "
                    "or .bolt/); remove it from its file instead"
                )
            self._catalog.remove(repo, entry)
            return True

    def environments(self) -> list[str]:
        """The workspace's Bolt environment slugs, its default one first."""
        return list(self._catalog.environments)

    def schedule_names(self) -> list[str]:
        """The name of every schedule of this workspace, in id order."""
        with self._store.transaction() as repo:
            return [entry.spec.name for entry in self._catalog.entries(repo)]

    def mint_slugs(self, display_names: Iterable[str]) -> list[str]:
        """A slug for each display name, unique among the workspace's and each other."""
        taken = self._catalog.slugs() | self._minted
        slugs: list[str] = []
        for name in display_names:
            if not name.strip():
                raise InvalidArgumentsError("every display name must be a non-empty string")
            slugs.append(mint_slug(name, taken))
            taken.add(slugs[-1])
        self._minted.update(slugs)
        return slugs

    # runs

    def runs(self, ref: ScheduleRef, *, offset: int, limit: int) -> list[RunRecord] | None:
        """A page of a schedule's runs, newest first; None when the schedule does not exist."""
        with self._store.transaction() as repo:
            entry = self._catalog.find(repo, ref)
            if entry is None:
                return None
            return repo.runs_for_schedule(self.workspace, entry.spec.name, offset, limit)

    def run_status(self, run_id: int) -> tuple[RunRecord, list[CommandRecord]] | None:
        """A run and its started commands, or None."""
        with self._store.transaction() as repo:
            run = repo.get_run(run_id, workspace=self.workspace)
            return None if run is None else (run, repo.commands_for_run(run_id))

    def trigger(
        self,
        now: float,
        ref: ScheduleRef,
        *,
        commands: list[RequestedCommand] | None,
        continue_on_error: bool,
        branch: str | None,
        pr_number: int | None,
        reason: str | None,
    ) -> int:
        """Start a run; ``commands`` and ``branch`` replace the schedule's for this run only.

        ``continue_on_error`` applies to the schedule's commands when ``commands`` is None.
        """
        with self._store.transaction() as repo:
            entry = self._catalog.find(repo, ref)
        if entry is None:
            raise ScheduleNotFoundError(f"no schedule with {ref.describe()}")
        spec = entry.spec
        if commands is not None and not commands:
            raise InvalidArgumentsError("commands must not be empty")
        request = RunRequest(
            commands=tuple(
                commands or (RequestedCommand(text, continue_on_error) for text in spec.commands)
            ),
            branch=branch or spec.git_branch,
            pr_number=pr_number,
            reason=reason,
        )
        return self._engine.trigger(now, self.workspace, spec, request)

    def cancel(self, now: float, run_id: int) -> bool:
        """Cancel a run in progress; False for a finished or unknown run."""
        return self._engine.cancel(now, self.workspace, run_id)

    def retry(self, now: float, run_id: int, *, all_commands: bool) -> int:
        """Start a run repeating a finished run from its first failure, or all its commands."""
        return self._engine.retry(now, self.workspace, run_id, all_commands=all_commands)

    def retry_from_failure(self, now: float, ref: ScheduleRef) -> int:
        """Retry the schedule's latest failed run from its failing command."""
        with self._store.transaction() as repo:
            entry = self._catalog.find(repo, ref)
        if entry is None:
            raise ScheduleNotFoundError(f"no schedule with {ref.describe()}")
        return self._engine.retry_latest_failure(now, self.workspace, entry.spec)

    # commands and resources

    def command(self, command_id: int) -> tuple[CommandRecord, list[ResourceRecord]] | None:
        """A started command and its resources, or None."""
        with self._store.transaction() as repo:
            command = repo.get_command(command_id, workspace=self.workspace)
            if command is None:
                return None
            return command, repo.resources_for_command(command_id)

    def command_logs(self, now: float, command_id: int, cursor: str | None) -> LogPage | None:
        """The next page of a command's log lines, or None when the command does not exist."""
        with self._store.transaction() as repo:
            command = repo.get_command(command_id, workspace=self.workspace)
        if command is None:
            return None
        stdout, stderr = visible_output(command, now)
        return read_page(
            stdout.splitlines(), stderr.splitlines(), cursor, ended=command.end_ts is not None
        )

    def resource_url(self, now: float, resource_id: int, base_url: str) -> str | None:
        """A signed, time-limited download URL on this server, or None for an unknown resource."""
        with self._store.transaction() as repo:
            resource = repo.get_resource(resource_id, workspace=self.workspace)
        if resource is None:
            return None
        return signed_url(
            base_url,
            self._signing_key,
            resource_id,
            now=now,
            ttl=self._url_ttl,
            name=PurePosixPath(resource.path).name,
        )

    def download(
        self, now: float, resource_id: int, expires: str | None, given: str | None
    ) -> Verdict | Download | None:
        """The resource behind a valid signed URL; a Verdict if the URL is bad; None if unknown."""
        verdict = verify(self._signing_key, resource_id, expires, given, now=now)
        if verdict is not Verdict.VALID:
            return verdict
        with self._store.transaction() as repo:
            resource = repo.get_resource(resource_id, workspace=None)
            content = repo.resource_content(resource_id)
        if resource is None or content is None:
            return None
        return Download(resource.path, resource.content_type, content)
