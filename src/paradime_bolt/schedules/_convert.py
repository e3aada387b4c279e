"""Between the API and the YAML: a workspace's schedules as a schedules file, a file's schedule
as a `ScheduleInput`, and what `--remote` asks the API."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from paradime_bolt._exceptions import InvalidArgumentError

from ._validate import RemoteFacts, validate_path

if TYPE_CHECKING:
    from paradime_bolt._client import BoltClient
    from paradime_bolt.models import DeferredSchedule, Schedule, ScheduleInput

__all__ = ["export_yaml", "load_entry", "remote_facts", "schedule_input"]

_EVENTS = ("failed", "passed", "sla")


def remote_facts(bolt: BoltClient) -> RemoteFacts:
    """The API's side of `--remote`: deployed names, every reachable (workspace, schedule)
    pair, and the workspace's environment slugs."""
    existing = {s.slug or s.name for s in bolt.iter_schedules(show_inactive=True)}
    existing |= {s.name for s in bolt.iter_schedules(show_inactive=True)}
    pairs = {(s.workspace_name, s.name) for s in bolt.list_all_schedule_names().schedules}
    environments = {e.slug for e in bolt.list_bolt_environments().environments}
    return RemoteFacts(frozenset(existing), frozenset(pairs), frozenset(environments))


def _events(values: Iterable[str | None] | None) -> list[str]:
    return [v.lower() for v in values or [] if v and v.lower() in _EVENTS]


def _deferred(block: DeferredSchedule | None) -> dict[str, Any] | None:
    if block is None:
        return None
    entry: dict[str, Any] = {"enabled": block.enabled}
    target = block.deferred_schedule_name or block.deferred_schedule_slug
    if target:
        entry["deferred_schedule_name"] = target
    elif block.defer_environment_slug:
        entry["defer_environment_slug"] = block.defer_environment_slug
    else:
        return None
    entry["successful_runs_only"] = block.successful_run_only
    return entry


def _entry(schedule: Schedule, environment: str) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": schedule.name,
        "schedule": schedule.schedule,
        "environment": environment,
        "commands": list(schedule.commands or []),
    }
    optional: dict[str, Any] = {
        "git_branch": schedule.git_branch,
        "owner_email": schedule.owner,
        "slack_on": _events(schedule.slack_on),
        "slack_notify": [c for c in schedule.slack_notify or [] if c],
        "email_on": _events(schedule.email_on),
        "email_notify": [c for c in schedule.email_notify or [] if c],
        "turbo_ci": _deferred(schedule.turbo_ci),
        "deferred_schedule": _deferred(schedule.deferred_schedule),
        "suspended": True if schedule.suspended else None,
    }
    entry.update({key: value for key, value in optional.items() if value})
    return entry


def export_yaml(bolt: BoltClient) -> str:
    """The workspace's schedules (suspended ones too) as a `paradime_schedules.yml`.

    The API does not say a schedule's environment or timezone: each gets the workspace's
    default environment and no timezone (UTC)."""
    environments = bolt.list_bolt_environments().environments
    default = next((e.slug for e in environments if e.is_default), None)
    environment = default or (environments[0].slug if environments else "production")
    entries = [_entry(s, environment) for s in bolt.iter_schedules(show_inactive=True)]
    header = (
        "# Exported by `paradime-bolt schedules export` from the Bolt API.\n"
        f"# environment: the workspace's default ({environment}); timezone: UTC (the API tells "
        "neither).\n"
    )
    body = yaml.safe_dump(
        {"schedules": entries}, sort_keys=False, allow_unicode=True, default_flow_style=False
    )
    return header + body


def load_entry(path: str | os.PathLike[str], name: str) -> Mapping[str, Any]:
    """The schedule named `name` (or with that slug) of a schedules file or project folder,
    after checking the whole file: any error is an `InvalidArgumentError` listing them."""
    report = validate_path(path)
    if report.errors:
        lines = "\n".join(str(f) for f in report.errors)
        raise InvalidArgumentError(f"{path} has errors:\n{lines}")
    for file in report.files:
        document = yaml.safe_load(Path(file).read_text(encoding="utf-8")) or {}
        for entry in document.get("schedules") or []:
            if name in (entry.get("name"), entry.get("slug")):
                return dict(entry)
    raise InvalidArgumentError(f"no schedule named {name!r} in {path}")


def _notification_items(items: Iterable[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    return [
        {"channel": str(i.get("channel") or i.get("address")), "events": _events(i["events"])}
        for i in items or []
    ]


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def schedule_input(entry: Mapping[str, Any]) -> ScheduleInput:
    """A schedule of a schedules file (as YAML loads it) as the API's `ScheduleInput`."""
    from paradime_bolt.models import ScheduleInput

    commands = [c["command"] if isinstance(c, Mapping) else str(c) for c in entry["commands"]]
    data: dict[str, Any] = {
        "name": str(entry["name"]),
        "schedule": str(entry["schedule"]),
        "environment": str(entry["environment"]),
        "commands": commands,
        "gitBranch": entry.get("git_branch"),
        "description": entry.get("description"),
        "timezone": entry.get("timezone"),
        "ownerEmail": entry.get("owner_email"),
        "suspended": entry.get("suspended"),
        "triggerOnMerge": entry.get("trigger_on_merge"),
        "slaSeconds": None if entry.get("sla_minutes") is None else int(entry["sla_minutes"]) * 60,
    }
    notifications: dict[str, list[dict[str, Any]]] = {}
    for kind in ("slack", "email"):
        on = _events(_as_list(entry.get(f"{kind}_on")))
        channels = [c for c in _as_list(entry.get(f"{kind}_notify")) if c]
        if channels and on:
            notifications[f"{kind}Notifications"] = [{"channel": c, "events": on} for c in channels]
    block = entry.get("notifications") or {}
    for key, field in (
        ("emails", "emailNotifications"),
        ("slack_channels", "slackNotifications"),
        ("microsoft_teams", "teamsNotifications"),
    ):
        items = _notification_items(block.get(key))
        if items:
            notifications.setdefault(field, []).extend(items)
    if notifications:
        data["notifications"] = notifications
    for key, field in (("turbo_ci", "turboCi"), ("deferred_schedule", "deferredSchedule")):
        deferred = entry.get(key)
        if deferred:
            only = deferred.get("successful_runs_only", deferred.get("successful_run_only"))
            data[field] = {
                "enabled": bool(deferred["enabled"]),
                "successfulRunOnly": True if only is None else bool(only),
                "deferredScheduleSlug": deferred.get("deferred_schedule_slug"),
                "deferredScheduleName": deferred.get("deferred_schedule_name")
                or deferred.get("deferred_manifest_schedule"),
                "deferEnvironmentSlug": deferred.get("defer_environment_slug"),
            }
    trigger = entry.get("schedule_trigger")
    after = entry.get("run_after")
    if after:
        on = after.get("on", after.get(True, ["passed"]))
        trigger = {
            "enabled": True,
            "schedule_name": after.get("schedule_slug") or after.get("schedule"),
            "workspace_name": after.get("workspace") or "",
            "trigger_on": on,
        }
    if trigger:
        data["scheduleTrigger"] = {
            "enabled": bool(trigger["enabled"]),
            "scheduleName": trigger.get("schedule_slug") or trigger.get("schedule_name"),
            "workspaceName": trigger.get("workspace_name"),
            "triggerOn": list(trigger.get("trigger_on") or []),
        }
    return ScheduleInput.model_validate({k: v for k, v in data.items() if v is not None})
