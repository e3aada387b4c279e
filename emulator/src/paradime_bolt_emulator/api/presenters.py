"""Records shaped into the schema's payload types, as dicts keyed by GraphQL field name.

Every payload sets every field of its type, nulls included: the strict default resolver treats a
missing key as a bug, so a field the schema gains later fails loudly instead of reading null.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from paradime_bolt_emulator.runs.logs import LogPage
from paradime_bolt_emulator.schedules.spec import DeferredSpec, ScheduleSpec, slugify
from paradime_bolt_emulator.storage.records import CommandRecord, ResourceRecord, RunRecord
from paradime_bolt_emulator.timefmt import format_dttm, format_optional_dttm

from .service import ScheduleView, visible_output

Payload = dict[str, Any]

_SCHEDULE_NAMESPACE = uuid.UUID("0b5c2f4e-8d1a-5e3b-9c7f-2a6d4e8b1f30")


def schedule_uuid(name: str) -> str:
    """A schedule's stable uuid: uuid5 of its name."""
    return str(uuid.uuid5(_SCHEDULE_NAMESPACE, name))


def _deferred(spec: ScheduleSpec, deferred: DeferredSpec | None) -> Payload | None:
    if deferred is None:
        return None
    name = deferred.deferred_schedule_name
    return {
        "enabled": deferred.enabled,
        "deferredScheduleName": name,
        "deferredScheduleSlug": None if name is None else slugify(name),
        # Schedules as code only support one environment, so the deferred one is the same.
        "deferEnvironmentSlug": None if name is None else spec.environment,
        "successfulRunOnly": deferred.successful_run_only,
    }


def _notifications(channels: Sequence[str], events: Sequence[str]) -> list[Payload]:
    return [
        {"channel": channel, "events": list(events), "templateSlug": None, "templateName": None}
        for channel in channels
    ]


def schedule(view: ScheduleView) -> Payload:
    """A BoltSchedule."""
    spec, latest = view.entry.spec, view.latest_run
    return {
        "id": view.entry.id,
        "uuid": schedule_uuid(spec.name),
        "name": spec.name,
        "slug": spec.slug,
        "schedule": spec.schedule,
        "owner": spec.owner_email,
        "lastRunAt": None if latest is None else format_dttm(latest.trigger_ts),
        "lastRunState": None if latest is None else latest.state,
        "nextRunAt": format_optional_dttm(view.next_run_ts),
        "source": spec.source,
        "suspended": view.entry.suspended,
        "turboCi": _deferred(spec, spec.turbo_ci),
        "deferredSchedule": _deferred(spec, spec.deferred_schedule),
        "commands": list(spec.commands),
        "gitBranch": spec.git_branch,
        "slackOn": list(spec.slack_on),
        "slackNotify": list(spec.slack_notify),
        "emailOn": list(spec.email_on),
        "emailNotify": list(spec.email_notify),
        "notifications": {
            "emailNotifications": _notifications(spec.email_notify, spec.email_on),
            "slackNotifications": _notifications(spec.slack_notify, spec.slack_on),
            "msTeamsNotifications": [],
        },
    }


def schedule_details(view: ScheduleView | None) -> Payload:
    """A BoltScheduleDetails; ``ok: false`` with nulls when the schedule does not exist."""
    if view is None:
        return {
            "ok": False,
            "latestRunId": None,
            "commands": None,
            "owner": None,
            "schedule": None,
            "uuid": None,
            "source": None,
            "suspended": None,
        }
    spec = view.entry.spec
    return {
        "ok": True,
        "latestRunId": None if view.latest_run is None else view.latest_run.id,
        "commands": list(spec.commands),
        "owner": spec.owner_email,
        "schedule": spec.schedule,
        "uuid": schedule_uuid(spec.name),
        "source": spec.source,
        "suspended": view.entry.suspended,
    }


def run(record: RunRecord) -> Payload:
    """A BoltRun as listBoltRuns returns it."""
    return {
        "id": record.id,
        "state": record.state,
        "actor": record.actor,
        "actorEmail": record.actor_email,
        "startDttm": format_dttm(record.trigger_ts),
        "endDttm": format_optional_dttm(record.ended_ts),
        "parentScheduleRunId": record.parent_run_id,
        "gitInfo": {
            "branch": record.branch,
            "commitHash": record.commit_hash,
            "pullRequestId": None if record.pr_number is None else str(record.pr_number),
        },
    }


def runs(records: list[RunRecord] | None) -> Payload:
    """A BoltRuns; ``ok: false`` and null runs when the schedule does not exist."""
    if records is None:
        return {"ok": False, "runs": None}
    return {"ok": True, "runs": [run(record) for record in records]}


def run_command(command: CommandRecord, now: float) -> Payload:
    """A BoltRunCommand; a running command shows the output written so far and a null end."""
    stdout, stderr = visible_output(command, now)
    return {
        "id": command.id,
        "command": command.command,
        "startDttm": format_dttm(command.start_ts),
        "endDttm": format_optional_dttm(command.end_ts),
        "stdout": stdout,
        "stderr": stderr,
        "returnCode": command.return_code,
    }


def run_status(found: tuple[RunRecord, list[CommandRecord]] | None, now: float) -> Payload:
    """A BoltRunStatus; ``ok: false`` with nulls when the run does not exist."""
    if found is None:
        return {"ok": False, "state": None, "commands": None}
    record, commands = found
    return {
        "ok": True,
        "state": record.state,
        "commands": [run_command(command, now) for command in commands],
    }


def command_details(
    found: tuple[CommandRecord, list[ResourceRecord]] | None, now: float
) -> Payload:
    """A BoltCommandDetails; ``ok: false`` with nulls when the command does not exist."""
    if found is None:
        return {
            "ok": False,
            "command": None,
            "startDttm": None,
            "endDttm": None,
            "stdout": None,
            "stderr": None,
            "returnCode": None,
            "scheduleRunId": None,
            "resources": None,
        }
    command, resources = found
    details = run_command(command, now)
    del details["id"]
    return {
        "ok": True,
        **details,
        "scheduleRunId": command.run_id,
        "resources": [{"id": resource.id, "path": resource.path} for resource in resources],
    }


def command_logs(page: LogPage | None, cursor: str | None) -> Payload:
    """A BoltCommandLogs; ``ok: false``, no lines and ``finished: false`` for an unknown command."""
    if page is None:
        return {"ok": False, "lines": [], "cursor": cursor or "0:0", "finished": False}
    return {
        "ok": True,
        "lines": [{"stream": stream, "line": line} for stream, line in page.lines],
        "cursor": page.cursor,
        "finished": page.finished,
    }


def resource_url(url: str | None) -> Payload:
    """A BoltResourceUrl; ``ok: false`` and a null url for an unknown resource."""
    return {"ok": url is not None, "url": url}


def triggered(run_id: int) -> Payload:
    """A BoltTriggeredRun."""
    return {"runId": run_id}


def ok(value: bool) -> Payload:
    """A BoltOk."""
    return {"ok": value}
