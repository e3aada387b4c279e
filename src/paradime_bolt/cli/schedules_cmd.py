"""`paradime-bolt schedules list|show|validate|export|create|delete`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from ._options import json_option, slug_option
from ._state import get_state, session

if TYPE_CHECKING:
    from paradime_bolt.models import Schedule

    from ._output import Output

__all__ = ["schedules"]


@click.group("schedules")
def schedules() -> None:
    """List the Bolt schedules, show one; check, export, create and delete them.

    \b
    Examples:
      paradime-bolt schedules list
      paradime-bolt schedules list --all --json | jq -r '.schedules[].name'
      paradime-bolt schedules show "daily run"
      paradime-bolt schedules validate .            # paradime_schedules.yml and .bolt/
      paradime-bolt schedules export -o paradime_schedules.yml
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
@slug_option
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


def _schedules_module() -> Any:
    """`paradime_bolt.schedules`, or a usage error naming the extra that brings PyYAML."""
    from ._errors import CliError, ExitCode

    try:
        import paradime_bolt.schedules as module
    except ImportError as error:
        raise CliError(
            f"schedules as code needs {error.name or 'PyYAML and croniter'}",
            ExitCode.CONFIGURATION,
            hint="pip install 'paradime-bolt[cli]'",
        ) from None
    return module


@schedules.command("validate")
@click.argument("path", default=".", type=click.Path(exists=True))
@click.option(
    "--remote",
    is_flag=True,
    help="Also check references and environments against the API (needs credentials).",
)
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
@json_option
@click.pass_context
def validate_schedules(
    ctx: click.Context, path: str, remote: bool, strict: bool, as_json: bool
) -> None:
    """Check schedule YAML before Paradime reads it: every error, each as
    FILE:LINE:COLUMN: schedule NAME: message. Exit 1 when there is any.

    PATH is a file, or a project folder with paradime_schedules.yml and/or .bolt/ (default:
    the current folder). Warnings (what Paradime accepts but is likely a mistake) do not fail
    unless --strict.

    \b
    Examples:
      paradime-bolt schedules validate
      paradime-bolt schedules validate .bolt/finance.yml --json
      paradime-bolt schedules validate --remote     # names and environments from the API
    """
    module = _schedules_module()
    facts = None
    if remote:
        with session(ctx, json_mode=as_json) as (out, bolt):
            facts = module.remote_facts(bolt)
    else:
        out = get_state(ctx).open_output(json_mode=as_json)
    report = module.validate_path(path, remote=facts)
    failed = bool(report.errors) or (strict and bool(report.warnings))
    if as_json:
        out.document(
            {
                "valid": not failed,
                "errors": len(report.errors),
                "warnings": len(report.warnings),
                "files": [str(f) for f in report.files],
                "findings": [f.to_dict() for f in report.findings],
            }
        )
    else:
        for finding in report.findings:
            out.line(str(finding))
        summary = (
            f"{len(report.files)} file(s): {len(report.errors)} error(s), "
            f"{len(report.warnings)} warning(s)"
        )
        out.note(summary)
    if failed:
        ctx.exit(1)


@schedules.command("export")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, writable=True), help="File to write."
)
@click.pass_context
def export_schedules(ctx: click.Context, output: str | None) -> None:
    """Write the workspace's schedules (from the API) as a paradime_schedules.yml.

    \b
    Example:
      paradime-bolt schedules export -o paradime_schedules.yml
    """
    module = _schedules_module()
    with session(ctx) as (out, bolt):
        text = module.export_yaml(bolt)
    if output is None:
        click.echo(text, nl=False)
        return
    from pathlib import Path

    Path(output).write_text(text, encoding="utf-8")
    out.note(f"wrote {output}")


@schedules.command("create")
@click.option("--file", "file", type=click.Path(exists=True), help="A schedules file or folder.")
@click.option("--name", required=True, help="The schedule's name (in --file: its name or slug).")
@click.option("--schedule", "cron", help="A cron expression, or OFF (without --file).")
@click.option("--environment", default="production", show_default=True, help="Without --file.")
@click.option("--command", "commands", multiple=True, help="A command; repeat for several.")
@click.option("--git-branch", help="Without --file.")
@click.option("--timezone", help="An IANA timezone (without --file).")
@click.option("--owner-email", help="Without --file.")
@click.option("--description", help="Without --file.")
@click.option("--suspended", is_flag=True, help="Create it suspended (without --file).")
@json_option
@click.pass_context
def create_schedule(
    ctx: click.Context,
    file: str | None,
    name: str,
    cron: str | None,
    environment: str,
    commands: tuple[str, ...],
    git_branch: str | None,
    timezone: str | None,
    owner_email: str | None,
    description: str | None,
    suspended: bool,
    as_json: bool,
) -> None:
    """Create an API schedule from a YAML file's schedule, or from options; print its slug.

    \b
    Examples:
      paradime-bolt schedules create --file paradime_schedules.yml --name nightly
      paradime-bolt schedules create --name nightly --schedule "0 2 * * *" \\
          --command "dbt build"
    """
    from ._errors import CliError, ExitCode

    if file is not None:
        if cron or commands:
            raise click.UsageError("--schedule and --command go without --file")
        module = _schedules_module()
        schedule = module.schedule_input(module.load_entry(file, name))
    else:
        if not cron or not commands:
            raise click.UsageError("give --file, or --schedule and at least one --command")
        from paradime_bolt.models import ScheduleInput

        given = {
            "name": name,
            "schedule": cron,
            "environment": environment,
            "commands": list(commands),
            "gitBranch": git_branch,
            "timezone": timezone,
            "ownerEmail": owner_email,
            "description": description,
            "suspended": True if suspended else None,
        }
        schedule = ScheduleInput.model_validate({k: v for k, v in given.items() if v is not None})
    with session(ctx, json_mode=as_json) as (out, bolt):
        created = bolt.create_bolt_schedule(schedule)
    if not created.slug:
        raise CliError("the API returned no slug", ExitCode.API)
    out.result({"name": schedule.name, "slug": created.slug}, line=created.slug)


@schedules.command("delete")
@click.argument("slug")
@json_option
@click.pass_context
def delete_schedule(ctx: click.Context, slug: str, as_json: bool) -> None:
    """Delete an API or UI schedule by its slug (a YAML one: remove it from its file).

    \b
    Example:
      paradime-bolt schedules delete nightly-build-3f9a1c
    """
    with session(ctx, json_mode=as_json) as (out, bolt):
        bolt.delete_bolt_schedule(slug)
    out.result({"slug": slug, "deleted": True}, note=f"deleted {slug}")
