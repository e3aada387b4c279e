"""The rules of Bolt's schedule YAML, each finding tied to the line of its key or schedule.

Types are read as Paradime's validator reads them (pydantic 1): a text field takes numbers and
booleans as their text, a yes/no field takes `true`, `"yes"`, `1`, ... So what it accepts is
accepted here, and what it refuses is an error here; what it accepts silently but is most likely
a mistake (a key written twice, an unquoted `on`, a key it ignores) is a warning.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from ._nodes import Located

__all__ = ["EVENTS", "Finding", "ScheduleFacts", "check_schedule", "supported_timezones"]

EVENTS = ("failed", "passed", "sla")
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SLUG_MAX_LENGTH = 80
DISPLAY_NAME_MAX_LENGTH = 128
_TRUE = {"1", "on", "t", "true", "y", "yes"}
_FALSE = {"0", "off", "f", "false", "n", "no"}

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Finding:
    """One problem: `FILE:LINE:COLUMN: schedule NAME: message`."""

    file: str
    line: int
    column: int
    message: str
    schedule: str | None = None
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}: "
        who = "" if self.schedule is None else f"schedule {self.schedule}: "
        kind = "warning: " if self.severity == "warning" else ""
        return f"{where}{who}{kind}{self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "schedule": self.schedule,
            "severity": self.severity,
            "message": self.message,
        }


@dataclass
class ScheduleFacts:
    """What the checks across schedules need from one schedule."""

    name: str | None
    located: Located
    file: str
    label: str
    deferred: list[tuple[str, Located, str]] = field(default_factory=list)
    trigger: tuple[str, str, Located] | None = None
    environment: tuple[str, Located] | None = None
    defer_environments: list[tuple[str, Located]] = field(default_factory=list)


@lru_cache(maxsize=1)
def supported_timezones() -> frozenset[str]:
    """Paradime's zone names: the IANA database's, less `localtime` and `Africa/Abidjan`."""
    return frozenset(zoneinfo.available_timezones() - {"localtime", "Africa/Abidjan"})


def is_valid_cron(text: str) -> bool:
    """A cron croniter accepts (5 fields, or 6/7 with seconds and year, or @daily ...), or, as
    Paradime also lets through, any text ending in 7."""
    from croniter import croniter  # type: ignore[import-untyped]

    return bool(croniter.is_valid(text)) or text.endswith("7")


class _Checker:
    """Reports findings for one schedule (or one nested object of it)."""

    def __init__(self, file: str, label: str | None, report: Callable[[Finding], None]) -> None:
        self.file, self.label, self._report = file, label, report

    def error(self, at: Located, message: str) -> None:
        self._report(Finding(self.file, at.line, at.column, message, self.label))

    def warn(self, at: Located, message: str) -> None:
        self._report(Finding(self.file, at.line, at.column, message, self.label, "warning"))

    # -- objects ------------------------------------------------------------------------

    def mapping(
        self,
        located: Located,
        what: str,
        known: Collection[str],
        *,
        required: Collection[str] = (),
        extra: Literal["forbid", "ignore", "allow"] = "forbid",
    ) -> bool:
        """Whether `located` is a mapping; reports unknown and missing keys."""
        if not located.is_mapping:
            self.error(located, f"{what} must be a mapping, not {_kind(located.value)}")
            return False
        for key in located.entries:
            if key in known:
                continue
            if extra == "forbid":
                hint = _close(key, known)
                self.error(located.where(key), f"{what}: unknown key {key!r}{hint}")
            elif extra == "ignore":
                self.warn(located.where(key), f"{what}: unknown key {key!r}: Paradime ignores it")
        for key in required:
            if key not in located.entries:
                self.error(located, f"{what}: {key!r} is required")
        return True

    # -- values, as pydantic 1 coerces them ---------------------------------------------

    def text(self, parent: Located, key: str, what: str, *, optional: bool = True) -> str | None:
        """A text field: a string, or a number or boolean taken as its text."""
        value = parent.entries.get(key)
        if value is None:
            return None
        return self.text_value(value, f"{what}.{key}" if what else key, optional=optional)

    def text_value(self, value: Located, what: str, *, optional: bool = False) -> str | None:
        raw = value.value
        if raw is None:
            if not optional:
                self.error(value, f"{what} must not be empty (null)")
            return None
        if isinstance(raw, str):
            return raw
        if isinstance(raw, (bool, int, float)):
            if value.unquoted_bool and what.split(".")[-1] != "schedule":
                self.warn(
                    value,
                    f"{what}: YAML reads the unquoted {value.plain_text!r} as {raw!r}, so "
                    f"Paradime gets {str(raw)!r}; quote it if you mean the text",
                )
            return str(raw)
        self.error(value, f"{what} must be text, not {_kind(raw)}")
        return None

    def boolean(
        self, parent: Located, key: str, what: str, *, optional: bool = True
    ) -> bool | None:
        value = parent.entries.get(key)
        if value is None:
            return None
        raw = value.value
        name = f"{what}.{key}" if what else key
        if raw is None:
            if not optional:
                self.error(value, f"{name} must be true or false, not null")
            return None
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, (int, float)) and raw in (0, 1):
            return bool(raw)
        if isinstance(raw, str) and raw.lower() in _TRUE | _FALSE:
            return raw.lower() in _TRUE
        self.error(value, f"{name} must be true or false, not {raw!r}")
        return None

    def integer(self, parent: Located, key: str, what: str) -> None:
        value = parent.entries.get(key)
        if value is None or value.value is None:
            return
        try:
            if isinstance(value.value, (list, dict)):
                raise TypeError
            int(value.value)
        except (TypeError, ValueError):
            self.error(value, f"{what}{key} must be a whole number, not {value.value!r}")

    def text_list(
        self, parent: Located, key: str, what: str, *, optional: bool = False
    ) -> list[tuple[str, Located]] | None:
        """A list of texts (`optional`: null allowed); each with where it is."""
        value = parent.entries.get(key)
        if value is None:
            return None
        name = f"{what}.{key}" if what else key
        if value.value is None:
            if not optional:
                self.error(value, f"{name} must be a list, not null")
            return None
        if not value.is_sequence:
            self.error(value, f"{name} must be a list, not {_kind(value.value)}")
            return None
        found = []
        for index, item in enumerate(value.items):
            text = self.text_value(item, f"{name}[{index}]")
            if text is not None:
                found.append((text, item))
        return found

    def events(self, items: list[tuple[str, Located]] | None, what: str, *, lower: bool) -> None:
        for text, item in items or []:
            event = text.lower() if lower else text
            if event not in EVENTS:
                self.error(item, f"{what}: {text!r} is not an event; use one of {_list(EVENTS)}")


_SCHEDULE_KEYS = (
    "name",
    "slug",
    "display_name",
    "schedule",
    "timezone",
    "environment",
    "commands",
    "continue_on_error",
    "command_settings",
    "git_branch",
    "owner_email",
    "description",
    "slack_notify",
    "slack_on",
    "email_notify",
    "email_on",
    "notifications",
    "integrations",
    "sla_minutes",
    "turbo_ci",
    "deferred_schedule",
    "hightouch",
    "schedule_trigger",
    "run_after",
    "trigger_on_merge",
    "concurrency",
    "suspended",
)
_DEFERRED_KEYS = (
    "enabled",
    "deferred_schedule_name",
    "deferred_manifest_schedule",
    "deferred_schedule_slug",
    "defer_environment_slug",
    "successful_runs_only",
    "successful_run_only",
)
_TRIGGER_KEYS = ("enabled", "schedule_name", "schedule_slug", "workspace_name", "trigger_on")
_RUN_AFTER_KEYS = ("schedule", "schedule_slug", "on", "workspace")
_NOTIFICATION_LISTS = ("emails", "slack_channels", "microsoft_teams")
_INTEGRATIONS: dict[str, dict[str, str]] = {
    "incident_io": dict.fromkeys(
        ("status_id", "status", "type_id", "type", "mode", "severity_id", "severity", "visibility"),
        "text",
    ),
    "pagerduty": {
        **dict.fromkeys(
            (
                "from_email",
                "service_id",
                "service_name",
                "priority_id",
                "priority_name",
                "urgency",
                "incident_type_name",
                "incident_type_display_name",
                "escalation_policy_id",
                "escalation_policy_name",
            ),
            "text",
        ),
        "assignee_ids": "list",
        "assignee_names": "list",
    },
    "datadog": {
        **dict.fromkeys(
            (
                "severity",
                "severity_name",
                "state",
                "state_name",
                "commander_user_id",
                "commander_user_name",
            ),
            "text",
        ),
        "customer_impacted": "bool",
        "notification_handles": "list",
    },
    "new_relic": {"environment": "text"},
}


def check_schedule(
    located: Located, file: str, index: int, report: Callable[[Finding], None]
) -> ScheduleFacts:
    """Every rule of one schedule entry; returns what the checks across schedules need."""
    raw_name = located.value.get("name") if located.is_mapping else None
    label = raw_name if isinstance(raw_name, str) and raw_name.strip() else f"#{index + 1}"
    check = _Checker(file, label, report)
    facts = ScheduleFacts(None, located, file, label)
    if not check.mapping(
        located,
        "the schedule",
        _SCHEDULE_KEYS,
        required=("name", "schedule", "environment", "commands"),
    ):
        return facts

    name = check.text(located, "name", "", optional=False)
    slug = check.text(located, "slug", "")
    display = check.text(located, "display_name", "")
    for text, key in ((display, "display_name"), (name if slug else None, "name")):
        if text is None:
            continue
        if "\n" in text or "\r" in text:
            check.error(located.where(key), f"{key} must be one line (it is the display name)")
        if len(text) > DISPLAY_NAME_MAX_LENGTH:
            check.error(
                located.where(key),
                f"{key} has {len(text)} characters; a display name has at most "
                f"{DISPLAY_NAME_MAX_LENGTH}",
            )
    facts.name = slug or name
    if facts.name is not None and not (
        SLUG.fullmatch(facts.name) and len(facts.name) <= SLUG_MAX_LENGTH
    ):
        check.warn(
            located.where("slug" if slug else "name"),
            f"{facts.name!r} is not in slug format (lowercase letters, digits, dashes); "
            "Paradime accepts it but asks new schedules for a slug (`paradime bolt mint`)",
        )

    _check_cron(check, located)
    timezone = check.text(located, "timezone", "")
    if timezone is not None and timezone not in supported_timezones():
        hint = _close(timezone, supported_timezones())
        check.error(located.where("timezone"), f"timezone {timezone!r} is not a timezone{hint}")
    environment = check.text(located, "environment", "", optional=False)
    if environment is not None:
        facts.environment = (environment, located.where("environment"))
    _check_commands(check, located)
    for key in ("git_branch", "owner_email", "description"):
        check.text(located, key, "")
    for key in ("continue_on_error", "trigger_on_merge", "suspended"):
        check.boolean(located, key, "")
    check.integer(located, "sla_minutes", "")
    for key in ("slack_notify", "email_notify"):
        value = located.entries.get(key)
        if value is not None and value.is_sequence:
            check.text_list(located, key, "")
        elif value is not None:
            check.text_value(value, key)
    for key in ("slack_on", "email_on"):
        items = check.text_list(located, key, "")
        check.events([(t, at) for t, at in items or [] if t != ""], key, lower=False)
    _check_notifications(check, located)
    _check_integrations(check, located)
    for key in ("turbo_ci", "deferred_schedule"):
        _check_deferred(check, located, key, facts)
    _check_hightouch(check, located)
    _check_triggers(check, located, facts)
    concurrency = located.entries.get("concurrency")
    if concurrency is not None and concurrency.value is not None:
        if concurrency.value not in ("parallel", "queue"):
            check.error(
                concurrency, f"concurrency must be parallel or queue, not {concurrency.value!r}"
            )
        elif concurrency.value == "queue" and not check.boolean(located, "trigger_on_merge", ""):
            check.error(
                located.where("concurrency"),
                "concurrency: queue applies only to on-merge schedules (trigger_on_merge: true)",
            )
    return facts


def _check_cron(check: _Checker, located: Located) -> None:
    value = located.entries.get("schedule")
    if value is None:
        return
    text = check.text_value(value, "schedule")
    if text is None or text.lower() == "off" or is_valid_cron(text):
        return
    at = located.where("schedule")
    if value.unquoted_bool:
        written = value.plain_text or ""
        fix = "'OFF'" if written.lower() in ("off", "no", "false", "n") else repr(written)
        check.error(
            at,
            f"schedule: YAML reads the unquoted {written!r} as {value.value!r}, which Paradime "
            f"rejects as the cron {text!r}; quote it: schedule: {fix}",
        )
        return
    check.error(at, f"schedule {text!r} is not a cron expression (5 fields) or 'OFF'")


def _check_commands(check: _Checker, located: Located) -> None:
    commands = located.entries.get("commands")
    settings = located.entries.get("command_settings")
    count: int | None = None
    if commands is not None:
        if commands.value is None or not commands.is_sequence:
            check.error(
                located.where("commands"),
                f"commands must be a list of commands, not {_kind(commands.value)}",
            )
        elif not commands.items:
            check.error(located.where("commands"), "commands: a schedule needs at least one")
        else:
            count = len(commands.items)
            objects = [item for item in commands.items if item.is_mapping]
            if objects and settings is not None and settings.value is not None:
                check.error(
                    located.where("command_settings"),
                    "use object-form commands ({command: ..., continue_on_error: ...}) or "
                    "command_settings, not both",
                )
            for index, item in enumerate(commands.items):
                what = f"commands[{index}]"
                if item.is_mapping:
                    check.mapping(
                        item, what, ("command", "continue_on_error"), required=("command",)
                    )
                    if "command" in item.entries:
                        check.text_value(item.entries["command"], f"{what}.command")
                    check.boolean(item, "continue_on_error", what)
                else:
                    check.text_value(item, what)
    if settings is None or settings.value is None:
        return
    if not settings.is_sequence:
        check.error(located.where("command_settings"), "command_settings must be a list")
        return
    for index, item in enumerate(settings.items):
        what = f"command_settings[{index}]"
        if check.mapping(item, what, ("continue_on_error",)):
            check.boolean(item, "continue_on_error", what)
    if count is not None and len(settings.items) != count:
        check.error(
            located.where("command_settings"),
            f"command_settings has {len(settings.items)} entries for {count} commands; "
            "give one per command, in order",
        )


def _block_items(
    check: _Checker, located: Located, block: str, keys: Sequence[str]
) -> Iterator[tuple[str, str, Located]]:
    """Each item of the lists the optional mapping `block` holds under `keys`, as (key, its
    `block.key[index]` label, item); a block that is no mapping or a key that is no list is
    reported and passed over, an unknown key only warned about (Paradime ignores it)."""
    mapping = located.entries.get(block)
    if mapping is None or mapping.value is None:
        return
    if not check.mapping(mapping, block, keys, extra="ignore"):
        return
    for key in keys:
        value = mapping.entries.get(key)
        if value is None or value.value is None:
            continue
        if not value.is_sequence:
            check.error(value, f"{block}.{key} must be a list")
            continue
        for index, item in enumerate(value.items):
            yield key, f"{block}.{key}[{index}]", item


def _check_notifications(check: _Checker, located: Located) -> None:
    for _, what, item in _block_items(check, located, "notifications", _NOTIFICATION_LISTS):
        if not check.mapping(
            item, what, ("channel", "address", "events"), required=("events",), extra="ignore"
        ):
            continue
        channel = check.text(item, "channel", what)
        address = check.text(item, "address", what)
        if not channel and not address:
            check.error(item, f"{what}: give a channel or an address")
        check.events(check.text_list(item, "events", what), f"{what}.events", lower=True)


def _check_integrations(check: _Checker, located: Located) -> None:
    for kind, what, item in _block_items(check, located, "integrations", tuple(_INTEGRATIONS)):
        fields = _INTEGRATIONS[kind]
        if not check.mapping(item, what, tuple(fields), extra="allow"):
            continue
        for key, kind_of in fields.items():
            if kind_of == "text":
                check.text(item, key, what)
            elif kind_of == "bool":
                check.boolean(item, key, what)
            else:
                check.text_list(item, key, what, optional=True)


def _check_deferred(check: _Checker, located: Located, key: str, facts: ScheduleFacts) -> None:
    block = located.entries.get(key)
    if block is None or block.value is None:
        return
    if not check.mapping(block, key, _DEFERRED_KEYS, required=("enabled",)):
        return
    enabled = check.boolean(block, "enabled", key, optional=False)
    names = {k: check.text(block, k, key) for k in _DEFERRED_KEYS if k != "enabled"}
    for flag in ("successful_runs_only", "successful_run_only"):
        check.boolean(block, flag, key)
    target = (
        names["deferred_schedule_slug"]
        or names["deferred_schedule_name"]
        or names["deferred_manifest_schedule"]
    )
    environment = names["defer_environment_slug"]
    if target and environment:
        check.error(
            block.where("defer_environment_slug"),
            f"{key}: defer to a schedule or to an environment (defer_environment_slug), not both",
        )
    elif not target and not environment:
        check.error(
            block,
            f"{key}: name the schedule to defer to (deferred_schedule_slug or "
            "deferred_schedule_name) or an environment (defer_environment_slug)",
        )
    if environment:
        facts.defer_environments.append((environment, block.where("defer_environment_slug")))
    if enabled and target and not environment:
        where = next(
            block.where(k)
            for k in (
                "deferred_schedule_slug",
                "deferred_schedule_name",
                "deferred_manifest_schedule",
            )
            if names[k]
        )
        facts.deferred.append((target, where, key))


def _check_hightouch(check: _Checker, located: Located) -> None:
    block = located.entries.get("hightouch")
    if block is None or block.value is None:
        return
    keys = ("enabled", "sync_on", "slugs")
    if check.mapping(block, "hightouch", keys, required=keys):
        check.boolean(block, "enabled", "hightouch", optional=False)
        check.text_list(block, "sync_on", "hightouch")
        check.text_list(block, "slugs", "hightouch")


def _check_triggers(check: _Checker, located: Located, facts: ScheduleFacts) -> None:
    trigger = located.entries.get("schedule_trigger")
    after = located.entries.get("run_after")
    if trigger is not None and trigger.value is not None and after is not None:
        check.error(located.where("run_after"), "use run_after or schedule_trigger, not both")
    if trigger is not None and trigger.value is not None:
        what = "schedule_trigger"
        if check.mapping(
            trigger, what, _TRIGGER_KEYS, required=("enabled", "workspace_name", "trigger_on")
        ):
            enabled = check.boolean(trigger, "enabled", what, optional=False)
            name = check.text(trigger, "schedule_slug", what) or check.text(
                trigger, "schedule_name", what
            )
            workspace = check.text(trigger, "workspace_name", what, optional=False)
            events = check.text_list(trigger, "trigger_on", what)
            check.events(events, f"{what}.trigger_on", lower=False)
            if not name:
                check.error(trigger, f"{what}: schedule_name or schedule_slug is required")
            elif enabled and workspace is not None:
                at = trigger.where(
                    "schedule_slug" if "schedule_slug" in trigger.keys else "schedule_name"
                )
                facts.trigger = (workspace, name, at)
    if after is None:
        return
    what = "run_after"
    if after.is_mapping and True in after.entries:
        bare = after.keys[True]
        if "on" in after.entries:
            check.error(bare, 'run_after has a bare `on` and a quoted "on"; keep one')
            return
        check.warn(
            bare,
            "run_after: YAML reads the bare key `on` as true; Paradime repairs it, other tools "
            'do not: write "on":',
        )
        after.entries["on"], after.keys["on"] = after.entries.pop(True), after.keys.pop(True)
    if not check.mapping(after, what, _RUN_AFTER_KEYS, required=("schedule",)):
        return
    parent = check.text(after, "schedule", what, optional=False)
    slug = check.text(after, "schedule_slug", what)
    workspace = check.text(after, "workspace", what)
    events = check.text_list(after, "on", what)
    if events is not None and not events:
        check.error(after.where("on"), f"run_after.on needs at least one of {_list(EVENTS)}")
    check.events(events, "run_after.on", lower=False)
    if slug or parent:
        at = after.where("schedule_slug" if slug else "schedule")
        facts.trigger = (workspace or "", slug or parent or "", at)


def _kind(value: object) -> str:
    if value is None:
        return "null"
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false"}.get(
        type(value), type(value).__name__
    )


def _list(items: Sequence[str]) -> str:
    return ", ".join(items)


def _close(key: object, known: Collection[str]) -> str:
    import difflib

    if not isinstance(key, str):
        return ""
    match = difflib.get_close_matches(key, list(known), n=1)
    return f" (did you mean {match[0]!r}?)" if match else ""
