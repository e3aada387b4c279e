"""Schedules as code: the ``paradime_schedules.yml`` format the emulator serves, plus its scripting.

The file has the shape Paradime reads from a dbt project. Only ``name`` and ``commands`` are
required; ``default_schedules.yml`` beside this module is a complete, commented example::

    schedules:
      - name: daily run                 # the API's scheduleName; its slug is daily-run
        description: Nightly build      # free text
        owner_email: data@acme.io       # the API's owner
        git_branch: main                # default main
        environment: production         # one of the workspace's environments (default production)
        schedule: "0 2 * * *"           # 5-field cron, or OFF for API-only runs (default OFF)
        timezone: Europe/London         # IANA name for the cron (default UTC)
        commands: [dbt run, dbt test]   # run in order after git clone ... and dbt deps
        slack_on: [failed]              # notification lists (default empty)
        slack_notify: ["#data-alerts"]
        email_on: [failed, passed]
        email_notify: [data@acme.io]
        deferred_schedule:              # turbo_ci takes the same three keys
          enabled: true                 # default true
          deferred_schedule_name: daily run
          successful_run_only: true     # default false
        suspended: false                # true: listed only with showInactive: true
        source: yaml                    # yaml (default) or ui (API-created schedules are ui)
        emulator:                       # emulator-only scripting; Paradime has no such key
          start_delay: 0.1              # seconds a run stays STARTING (default 0.1)
          default_duration: 0.2         # seconds of a command without a duration (default 0.2)
          commands:                     # keyed by the exact command text, infra commands included
            dbt test:
              duration: 0.3             # seconds
              return_code: 1            # non-zero fails the command (default 0)
              stdout: "..."             # replaces the generated dbt-like log text
              stderr: "..."
              fail_attempts: 1          # fail only in the schedule's first N runs executing it

A command without a script entry succeeds after ``default_duration``. With ``fail_attempts``, the
scripted outcome (return code and texts) applies to the first N runs of the schedule that execute
the command, and later runs succeed, so a retry can pass. An unquoted ``schedule: OFF`` is the YAML
boolean false, and is read as ``OFF``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from datetime import timezone, tzinfo
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from .cron import CronExpression
from .yaml_fields import ScheduleFileError, YamlFields

__all__ = [
    "CommandScript",
    "DeferredSpec",
    "EmulatorScript",
    "ScheduleFileError",
    "ScheduleSpec",
    "builtin_schedules_text",
    "load_builtin_schedules",
    "load_schedules_file",
    "parse_schedule",
    "slugify",
]

OFF = "OFF"
BUILTIN_FILE = "default_schedules.yml"

_SOURCES = frozenset({"yaml", "ui"})


@dataclass(frozen=True)
class CommandScript:
    """How one command behaves in the emulator: its duration, outcome and log texts."""

    duration: float | None = None
    return_code: int = 0
    stdout: str | None = None
    stderr: str | None = None
    fail_attempts: int | None = None


@dataclass(frozen=True)
class EmulatorScript:
    """A schedule's emulator-only timing and per-command scripts."""

    start_delay: float = 0.1
    default_duration: float = 0.2
    commands: Mapping[str, CommandScript] = field(default_factory=dict)


@dataclass(frozen=True)
class DeferredSpec:
    """A ``turbo_ci`` or ``deferred_schedule`` block: whose artifacts to compare against."""

    enabled: bool
    deferred_schedule_name: str | None
    successful_run_only: bool


@dataclass(frozen=True)
class ScheduleSpec:
    """One validated schedule; ``definition`` keeps the entry as written, to store it in SQLite."""

    name: str
    slug: str
    description: str
    owner_email: str | None
    git_branch: str
    environment: str
    schedule: str
    timezone: str
    commands: tuple[str, ...]
    slack_on: tuple[str, ...]
    slack_notify: tuple[str, ...]
    email_on: tuple[str, ...]
    email_notify: tuple[str, ...]
    turbo_ci: DeferredSpec | None
    deferred_schedule: DeferredSpec | None
    suspended: bool
    source: str
    emulator: EmulatorScript
    definition: Mapping[str, Any] = field(compare=False, repr=False)

    @property
    def cron(self) -> CronExpression | None:
        """The parsed cron expression, or None for an OFF schedule."""
        return None if self.schedule == OFF else CronExpression.parse(self.schedule)

    @property
    def zone(self) -> tzinfo:
        """The timezone the cron is evaluated in."""
        return _zone(self.timezone)


def _keys(spec: type[Any], *, but: frozenset[str] = frozenset()) -> frozenset[str]:
    """The YAML keys of a block: the fields of the dataclass it is read into."""
    return frozenset(item.name for item in dataclass_fields(spec)) - but


_SCHEDULE_KEYS = _keys(ScheduleSpec, but=frozenset({"definition"}))
_DEFERRED_KEYS = _keys(DeferredSpec)
_SCRIPT_KEYS = _keys(EmulatorScript)
_COMMAND_KEYS = _keys(CommandScript)


def slugify(name: str) -> str:
    """The schedule's slug: lower case, each run of non-alphanumerics one dash (``daily-run``)."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _zone(name: str) -> tzinfo:
    """An IANA zone; UTC needs no tz database, so it works on machines without one."""
    return timezone.utc if name.upper() == "UTC" else ZoneInfo(name)


def _deferred(value: object, origin: str, where: str) -> DeferredSpec:
    """Read a turbo_ci or deferred_schedule mapping."""
    fields = YamlFields(value, origin, where, _DEFERRED_KEYS)
    return DeferredSpec(
        enabled=fields.boolean("enabled", True),
        deferred_schedule_name=fields.optional_str("deferred_schedule_name"),
        successful_run_only=fields.boolean("successful_run_only", False),
    )


def _command_script(value: object, origin: str, where: str) -> CommandScript:
    """Read one command's script under emulator.commands."""
    fields = YamlFields(value, origin, where, _COMMAND_KEYS)
    return_code = fields.integer("return_code") or 0
    fail_attempts = fields.integer("fail_attempts")
    if fail_attempts is not None:
        if fail_attempts < 1:
            fields.fail("must be at least 1", "fail_attempts")
        if return_code == 0:
            fields.fail("needs a non-zero return_code to fail with", "fail_attempts")
    return CommandScript(
        duration=fields.seconds("duration"),
        return_code=return_code,
        stdout=_optional_text(fields, "stdout"),
        stderr=_optional_text(fields, "stderr"),
        fail_attempts=fail_attempts,
    )


def _optional_text(fields: YamlFields, key: str) -> str | None:
    return fields.text_or_empty(key) if fields.raw(key) is not None else None


def _script(value: object, origin: str, where: str) -> EmulatorScript:
    """Read a schedule's emulator mapping."""
    fields = YamlFields(value, origin, where, _SCRIPT_KEYS)
    defaults = EmulatorScript()
    commands: dict[str, CommandScript] = {}
    raw_commands = fields.raw("commands")
    if raw_commands is not None:
        if not isinstance(raw_commands, Mapping):
            fields.fail("must be a mapping of command text to its script", "commands")
        for text, script in raw_commands.items():
            if not isinstance(text, str) or not text.strip():
                fields.fail(f"keys must be command texts, got {text!r}", "commands")
            commands[text] = _command_script(script, origin, f"{where}.commands[{text!r}]")
    start_delay = fields.seconds("start_delay")
    default_duration = fields.seconds("default_duration")
    return EmulatorScript(
        start_delay=defaults.start_delay if start_delay is None else start_delay,
        default_duration=defaults.default_duration
        if default_duration is None
        else default_duration,
        commands=commands,
    )


def _cron_text(fields: YamlFields) -> str:
    """The schedule key as a validated cron expression or OFF."""
    value = fields.raw("schedule")
    if value is None or value is False:
        return OFF
    if not isinstance(value, str):
        fields.fail(f"must be a cron expression or OFF, got {value!r}", "schedule")
    if value.strip().upper() == OFF:
        return OFF
    try:
        CronExpression.parse(value)
    except ValueError as error:
        fields.fail(f"invalid cron expression: {error}", "schedule")
    return value.strip()


def parse_schedule(entry: object, origin: str, where: str) -> ScheduleSpec:
    """Validate one entry of the ``schedules:`` list; raise ScheduleFileError naming the problem."""
    name_hint = entry.get("name") if isinstance(entry, Mapping) else None
    if isinstance(name_hint, str):
        where = f"{where} ({name_hint!r})"
    fields = YamlFields(entry, origin, where, _SCHEDULE_KEYS)
    name = fields.required_str("name")
    slug = fields.optional_str("slug") or slugify(name)
    if not slug:
        fields.fail("needs at least one letter or digit", "name")
    if slug != slugify(slug):
        fields.fail(f"must be lowercase letters, digits and single dashes, got {slug!r}", "slug")
    timezone_name = fields.str_or("timezone", "UTC")
    try:
        _zone(timezone_name)
    except (ZoneInfoNotFoundError, ValueError):
        fields.fail(f"unknown IANA timezone {timezone_name!r}", "timezone")
    # Whether the workspace has this environment is the catalog's check: it knows the workspace.
    environment = fields.str_or("environment", "production")
    source = fields.str_or("source", "yaml")
    if source not in _SOURCES:
        fields.fail(f"must be one of {', '.join(sorted(_SOURCES))}, got {source!r}", "source")
    return ScheduleSpec(
        name=name,
        slug=slug,
        description=fields.text_or_empty("description"),
        owner_email=fields.optional_str("owner_email"),
        git_branch=fields.str_or("git_branch", "main"),
        environment=environment,
        schedule=_cron_text(fields),
        timezone=timezone_name,
        commands=fields.str_list("commands", required=True),
        slack_on=fields.str_list("slack_on"),
        slack_notify=fields.str_list("slack_notify"),
        email_on=fields.str_list("email_on"),
        email_notify=fields.str_list("email_notify"),
        turbo_ci=(
            _deferred(fields.raw("turbo_ci"), origin, f"{where}.turbo_ci")
            if fields.has("turbo_ci")
            else None
        ),
        deferred_schedule=(
            _deferred(fields.raw("deferred_schedule"), origin, f"{where}.deferred_schedule")
            if fields.has("deferred_schedule")
            else None
        ),
        suspended=fields.boolean("suspended", False),
        source=source,
        emulator=(
            _script(fields.raw("emulator"), origin, f"{where}.emulator")
            if fields.has("emulator")
            else EmulatorScript()
        ),
        definition=_as_json_compatible(entry, origin, where),
    )


def _as_json_compatible(entry: object, origin: str, where: str) -> Mapping[str, Any]:
    """The entry as plain JSON data, so it can be stored and parsed again after a restart."""
    try:
        data = json.loads(json.dumps(entry))
    except (TypeError, ValueError) as error:
        raise ScheduleFileError(f"{origin}: {where}: cannot be stored: {error}") from error
    assert isinstance(data, dict)
    return data


def parse_schedules_document(document: object, origin: str) -> list[ScheduleSpec]:
    """Validate a whole parsed file: a mapping with a ``schedules:`` list of unique names."""
    top = YamlFields(document, origin, "top level", frozenset({"schedules"}))
    entries = top.raw("schedules")
    if not isinstance(entries, list):
        top.fail("must be a list of schedules", "schedules")
    specs = [
        parse_schedule(entry, origin, f"schedules[{index}]") for index, entry in enumerate(entries)
    ]
    seen: dict[str, str] = {}
    for index, spec in enumerate(specs):
        for key in (spec.name, spec.slug):
            if key in seen:
                raise ScheduleFileError(
                    f"{origin}: schedules[{index}] ({spec.name!r}): name or slug {key!r} "
                    f"is already used by {seen[key]!r}"
                )
        seen[spec.name] = seen[spec.slug] = spec.name
    return specs


def load_schedules_file(path: Path) -> list[ScheduleSpec]:
    """Read and validate a schedules YAML file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ScheduleFileError(f"{path}: cannot read: {error.strerror or error}") from error
    return _load_text(text, str(path))


def builtin_schedules_text() -> str:
    """The text of ``default_schedules.yml``: the built-in set, and a commented example."""
    return (
        resources.files(__package__ or __name__).joinpath(BUILTIN_FILE).read_text(encoding="utf-8")
    )


def load_builtin_schedules() -> list[ScheduleSpec]:
    """The schedules shipped with the emulator (``default_schedules.yml``)."""
    return _load_text(builtin_schedules_text(), BUILTIN_FILE)


def _load_text(text: str, origin: str) -> list[ScheduleSpec]:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ScheduleFileError(f"{origin}: not valid YAML: {error}") from error
    return parse_schedules_document(document, origin)
