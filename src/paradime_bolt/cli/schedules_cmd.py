"""`paradime-bolt schedules list` and `paradime-bolt schedules show NAME`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from ._options import json_option
from ._state import session

if TYPE_CHECKING:
    from paradime_bolt.models import Schedule

    from ._output import Output

__all__ = ["schedules"]


@click.group("schedules")
def schedules() -> None:
    """List the Bolt schedules, or show one.

    \b
    Examples:
      paradime-bolt schedules list
      paradime-bolt schedules list --all --json | jq -r '.schedules[].name'
      paradime-bolt schedules show "daily run"
    """


@schedules.command("list")
@click.option("--all", "show_all", is_flag=True, help="Include inactive (suspended) schedules.")
@json_option
@click.pass_context
def list_schedules(ctx: click.Context, show_all: bool, as_json: bool) -> None:
    """List the schedules: cron, last run and its state, next run, owner.

    \b
    Example:
      paradime-bolt schedules list --all
    """
    from ._render import format_time

    with session(ctx, json_mode=as_json) as (out, bolt):
        found = list(bolt.iter_schedules(show_inactive=show_all))
    if as_json:
        out.document({"schedules": [_schedule_record(s) for s in found]})
        return
    if not found:
        out.note("no schedules" if show_all else "no active schedules (--all lists every one)")
        return
    if out.interactive:
        _terminal_table(out, found)
        return
    headers = ["name", "schedule", "last run", "last state", "next run", "owner"]
    if show_all:
        headers.append("suspended")
    rows = []
    for schedule in found:
        row = [
            schedule.name,
            schedule.schedule,
            format_time(schedule.last_run_datetime) or (schedule.last_run_at or ""),
            schedule.last_run_state or "",
            format_time(schedule.next_run_datetime) or (schedule.next_run_at or ""),
            schedule.owner or "",
        ]
        if show_all:
            row.append("yes" if schedule.suspended else "no")
        rows.append(row)
    out.table(headers, rows)


def _terminal_table(out: Output, found: list[Schedule]) -> None:
    """The table for a terminal, made to fit 80 columns: times to the minute (UTC, said once in
    the header), "suspended" as a suspended schedule's next run, and the owner left out when
    there is no room; dates, cron expressions and states are never cut."""
    from ._render import format_minute

    rows = [
        [
            schedule.name,
            schedule.schedule,
            format_minute(schedule.last_run_datetime) or (schedule.last_run_at or ""),
            schedule.last_run_state or "",
            "suspended"
            if schedule.suspended
            else format_minute(schedule.next_run_datetime) or (schedule.next_run_at or ""),
            schedule.owner or "",
        ]
        for schedule in found
    ]
    out.table(
        ["name", "schedule", "last run (UTC)", "last state", "next run (UTC)", "owner"],
        rows,
        whole=(1, 2, 3, 4),
        optional=(5,),
    )


def _schedule_record(schedule: Schedule) -> dict[str, Any]:
    from ._render import iso

    record: dict[str, Any] = schedule.model_dump(mode="json")
    # Times as ISO 8601 in UTC, like every other JSON document; raw text when unreadable.
    for key, moment in (
        ("last_run_at", schedule.last_run_datetime),
        ("next_run_at", schedule.next_run_datetime),
    ):
        record[key] = iso(moment) or record[key]
    return record


@schedules.command("show")
@click.argument("name")
@click.option("--slug", is_flag=True, help="NAME is the schedule's slug (daily-run), not its name.")
@json_option
@click.pass_context
def show_schedule(ctx: click.Context, name: str, slug: bool, as_json: bool) -> None:
    """Show one schedule: its cron, commands, owner and latest run.

    \b
    Examples:
      paradime-bolt schedules show "daily run"
      paradime-bolt schedules show daily-run --slug --json
    """
    with session(ctx, json_mode=as_json) as (out, bolt):
        details = bolt.bolt_schedule_name(slug=name) if slug else bolt.bolt_schedule_name(name)
    record: dict[str, Any] = {"slug" if slug else "name": name}
    record.update(details.model_dump(mode="json", exclude={"ok"}))
    if as_json:
        out.document(record)
        return
    commands = details.commands or []
    out.fields(
        [
            ("slug" if slug else "name", name),
            ("schedule", details.schedule or ""),
            ("owner", details.owner or ""),
            ("source", details.source or ""),
            (
                "suspended",
                "" if details.suspended is None else ("yes" if details.suspended else "no"),
            ),
            ("latest run", "" if details.latest_run_id is None else str(details.latest_run_id)),
            ("uuid", details.uuid or ""),
            ("commands", commands[0] if commands else ""),
            *(("", command) for command in commands[1:]),
        ]
    )
