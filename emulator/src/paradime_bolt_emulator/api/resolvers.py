"""Resolvers of every root field of schema.graphql: check arguments, call the service, answer.

Argument names are the schema's (camelCase), as ariadne passes them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ariadne import MutationType, QueryType
from graphql import GraphQLResolveInfo

from paradime_bolt_emulator.errors import InvalidArgumentsError
from paradime_bolt_emulator.schedules.catalog import ScheduleRef
from paradime_bolt_emulator.storage.records import RequestedCommand

from . import presenters
from .context import context_of
from .limits import check_run_arguments
from .presenters import Payload

query = QueryType()
mutation = MutationType()


def schedule_ref(schedule_name: str | None, slug: str | None) -> ScheduleRef:
    """The schedule a request names; exactly one of scheduleName and slug must be given."""
    if (schedule_name is None) == (slug is None):
        raise InvalidArgumentsError("pass exactly one of scheduleName or slug")
    return ScheduleRef(name=schedule_name, slug=slug)


def _check_page(offset: int, limit: int) -> None:
    if offset < 0:
        raise InvalidArgumentsError(f"offset must be 0 or more, got {offset}")
    if limit < 1:
        raise InvalidArgumentsError(f"limit must be 1 or more, got {limit}")


def requested_commands(
    commands: Sequence[str] | None,
    command_configs: Sequence[Mapping[str, Any]] | None,
    continue_on_error: bool | None,
) -> list[RequestedCommand] | None:
    """The trigger's command override, or None to run the schedule's own commands."""
    if commands is not None and command_configs is not None:
        raise InvalidArgumentsError("pass commands or commandConfigs, not both")
    default = bool(continue_on_error)
    if command_configs is not None:
        items = [
            RequestedCommand(
                config["command"],
                default if config.get("continueOnError") is None else config["continueOnError"],
            )
            for config in command_configs
        ]
    elif commands is not None:
        items = [RequestedCommand(command, default) for command in commands]
    else:
        return None
    if any(not item.command.strip() for item in items):
        raise InvalidArgumentsError("every command must be a non-empty string")
    return items


# Query


@query.field("listBoltSchedules")
def resolve_list_bolt_schedules(
    _: None,
    info: GraphQLResolveInfo,
    *,
    offset: int,
    limit: int,
    showInactive: bool,
    filter: Mapping[str, Any] | None = None,
) -> Payload:
    """A page of schedules; suspended ones only with showInactive."""
    _check_page(offset, limit)
    context = context_of(info)
    views, total = context.service.list_schedules(
        context.now,
        offset=offset,
        limit=limit,
        show_inactive=showInactive,
        suspended=None if filter is None else filter.get("suspended"),
    )
    return {"schedules": [presenters.schedule(view) for view in views], "totalCount": total}


@query.field("boltScheduleName")
def resolve_bolt_schedule_name(
    _: None, info: GraphQLResolveInfo, *, scheduleName: str | None = None, slug: str | None = None
) -> Payload:
    """One schedule's details, or ok false."""
    context = context_of(info)
    view = context.service.schedule(context.now, schedule_ref(scheduleName, slug))
    return presenters.schedule_details(view)


@query.field("listBoltRuns")
def resolve_list_bolt_runs(
    _: None,
    info: GraphQLResolveInfo,
    *,
    offset: int,
    limit: int,
    scheduleName: str | None = None,
    slug: str | None = None,
) -> Payload:
    """A page of a schedule's runs, newest first, or ok false."""
    ref = schedule_ref(scheduleName, slug)
    _check_page(offset, limit)
    return presenters.runs(context_of(info).service.runs(ref, offset=offset, limit=limit))


@query.field("boltRunStatus")
def resolve_bolt_run_status(_: None, info: GraphQLResolveInfo, *, runId: int) -> Payload:
    """A run's state and started commands, or ok false."""
    context = context_of(info)
    return presenters.run_status(context.service.run_status(runId), context.now)


@query.field("boltCommand")
def resolve_bolt_command(_: None, info: GraphQLResolveInfo, *, commandId: int) -> Payload:
    """One command with its resources, or ok false."""
    context = context_of(info)
    return presenters.command_details(context.service.command(commandId), context.now)


@query.field("boltCommandLogs")
def resolve_bolt_command_logs(
    _: None, info: GraphQLResolveInfo, *, commandId: int, cursor: str | None = None
) -> Payload:
    """The next page of a command's log lines, or ok false."""
    context = context_of(info)
    page = context.service.command_logs(context.now, commandId, cursor)
    return presenters.command_logs(page, cursor)


@query.field("boltResourceUrl")
def resolve_bolt_resource_url(_: None, info: GraphQLResolveInfo, *, resourceId: int) -> Payload:
    """A signed download URL for a resource, or ok false."""
    context = context_of(info)
    url = context.service.resource_url(context.now, resourceId, context.base_url)
    return presenters.resource_url(url)


@query.field("listAllScheduleNames")
def resolve_list_all_schedule_names(_: None, info: GraphQLResolveInfo) -> Payload:
    """Every schedule of every workspace the credential reaches, with the workspace's name."""
    context = context_of(info)
    services = context.reachable or (context.service,)
    return {
        "ok": True,
        "schedules": [
            {"name": name, "workspaceName": service.workspace}
            for service in services
            for name in service.schedule_names()
        ],
    }


@query.field("environments")
def resolve_environments(_: None, info: GraphQLResolveInfo, *, environmentType: str) -> Payload:
    """The workspace's Bolt environments (SCHEDULER, the one type the schema has)."""
    slugs = context_of(info).service.environments()
    return {
        "ok": True,
        "environments": [
            {"slug": slug, "displayName": slug.replace("-", " ").capitalize(), "isDefault": i == 0}
            for i, slug in enumerate(slugs)
        ],
    }


# Mutation


@mutation.field("triggerBoltRun")
def resolve_trigger_bolt_run(
    _: None,
    info: GraphQLResolveInfo,
    *,
    scheduleName: str | None = None,
    slug: str | None = None,
    commands: list[str] | None = None,
    branch: str | None = None,
    prNumber: int | None = None,
    reason: str | None = None,
    commandConfigs: list[Mapping[str, Any]] | None = None,
    continueOnError: bool | None = None,
) -> Payload:
    """Start a run, with this run's own commands and branch when given."""
    ref = schedule_ref(scheduleName, slug)
    requested = requested_commands(commands, commandConfigs, continueOnError)
    if branch is not None and not branch.strip():
        raise InvalidArgumentsError("branch must not be empty")
    check_run_arguments(
        None if requested is None else [r.command for r in requested], branch, reason
    )
    context = context_of(info)
    run_id = context.service.trigger(
        context.now,
        ref,
        commands=requested,
        continue_on_error=bool(continueOnError),
        branch=branch,
        pr_number=prNumber,
        reason=reason,
    )
    return presenters.triggered(run_id)


@mutation.field("cancelBoltRun")
def resolve_cancel_bolt_run(_: None, info: GraphQLResolveInfo, *, scheduleRunId: int) -> Payload:
    """Cancel a run in progress; ok false for a finished or unknown run."""
    context = context_of(info)
    return presenters.ok(context.service.cancel(context.now, scheduleRunId))


@mutation.field("retryBoltRun")
def resolve_retry_bolt_run(_: None, info: GraphQLResolveInfo, *, scheduleRunId: int) -> Payload:
    """Re-run a finished run from its first failed command."""
    context = context_of(info)
    return presenters.triggered(
        context.service.retry(context.now, scheduleRunId, all_commands=False)
    )


@mutation.field("retryAllBoltRun")
def resolve_retry_all_bolt_run(_: None, info: GraphQLResolveInfo, *, scheduleRunId: int) -> Payload:
    """Re-run every command of a finished run (the infrastructure ones run anew anyway)."""
    context = context_of(info)
    return presenters.triggered(
        context.service.retry(context.now, scheduleRunId, all_commands=True)
    )


@mutation.field("retryBoltRunFromFailure")
def resolve_retry_bolt_run_from_failure(
    _: None, info: GraphQLResolveInfo, *, scheduleName: str | None = None, slug: str | None = None
) -> Payload:
    """Retry the schedule's latest failed run from its failing command."""
    ref = schedule_ref(scheduleName, slug)
    context = context_of(info)
    return presenters.triggered(context.service.retry_from_failure(context.now, ref))


@mutation.field("suspendBoltSchedule")
def resolve_suspend_bolt_schedule(
    _: None,
    info: GraphQLResolveInfo,
    *,
    suspend: bool,
    scheduleName: str | None = None,
    slug: str | None = None,
) -> Payload:
    """Suspend or resume a schedule; ok false when it does not exist."""
    ref = schedule_ref(scheduleName, slug)
    return presenters.ok(context_of(info).service.suspend(ref, suspend))


@mutation.field("createBoltSchedule")
def resolve_create_bolt_schedule(
    _: None, info: GraphQLResolveInfo, *, schedule: Mapping[str, Any]
) -> Payload:
    """Create an API schedule; its slug is minted from its name."""
    if not schedule["name"].strip():
        raise InvalidArgumentsError("name must be a non-empty string")
    if not schedule["commands"] or any(not c.strip() for c in schedule["commands"]):
        raise InvalidArgumentsError("commands must be a non-empty list of non-empty commands")
    check_run_arguments(list(schedule["commands"]), schedule.get("gitBranch"), None)
    return {"slug": context_of(info).service.create_schedule(schedule)}


@mutation.field("deleteBoltSchedule")
def resolve_delete_bolt_schedule(_: None, info: GraphQLResolveInfo, *, slug: str) -> Payload:
    """Delete an API or UI schedule; ok false when there is none; a YAML one is an error."""
    return presenters.ok(context_of(info).service.delete_schedule(slug))


@mutation.field("createScheduleSlugs")
def resolve_create_schedule_slugs(
    _: None, info: GraphQLResolveInfo, *, displayNames: list[str]
) -> Payload:
    """Mint one unique slug per display name, in order."""
    return {"ok": True, "slugs": context_of(info).service.mint_slugs(displayNames)}
