"""`paradime-bolt run NAME`: trigger a schedule's run, and optionally wait for it."""

from __future__ import annotations

import click

from ._options import WaitOptions, json_option, slug_option, wait_options
from ._state import session

__all__ = ["run"]


@click.command("run")
@click.argument("name")
@slug_option
@click.option(
    "-c",
    "--command",
    "commands",
    multiple=True,
    metavar="CMD",
    help="A command to run instead of the schedule's, for this run only. Repeat for several.",
)
@click.option("-b", "--branch", help="The git branch to run on, for this run only.")
@click.option("--reason", help="Why the run was triggered, as recorded by Bolt.")
@click.option(
    "--pr-number",
    type=click.IntRange(min=1),
    metavar="N",
    help="The pull request the run is for (Turbo CI schedules).",
)
@wait_options
@json_option
@click.pass_context
def run(
    ctx: click.Context,
    /,
    name: str,
    slug: bool,
    commands: tuple[str, ...],
    branch: str | None,
    reason: str | None,
    pr_number: int | None,
    as_json: bool,
    **waiting: object,  # the waiting options: WaitOptions.of_command reads them
) -> None:
    """Trigger a run of the schedule NAME; with --wait, follow it to its end.

    Without --wait, prints the new run's id and exits 0. With --wait, shows the run's progress
    (a live view on a terminal, a line per change in CI) and exits 0 when it succeeds, 1 when it
    fails (after printing the failing command and the end of its output), 3 on timeout, 130 on
    Ctrl-C and 143 on SIGTERM (with --json still writing the run's document; the run goes on
    unless --cancel-on-interrupt).

    \b
    Examples:
      paradime-bolt run "daily run"
      paradime-bolt run "pull request checks" --branch "$GITHUB_HEAD_REF" \\
          --wait --logs --timeout 1800 --cancel-on-timeout
      paradime-bolt run "daily run" -c "dbt build --select tag:hourly" --json | jq .run_id
    """
    options = WaitOptions.of_command(ctx)
    from ._watch import report_started

    with session(ctx, json_mode=as_json) as (out, bolt):
        triggered = bolt.trigger_bolt_run(
            None if slug else name,
            list(commands) or None,
            branch,
            slug=name if slug else None,
            pr_number=pr_number,
            reason=reason,
        )
        run_id = triggered.run_id
        label = {"slug" if slug else "schedule": name}
        note = f"triggered run {run_id} of {_describe(name, slug)}"
        report_started(
            bolt, out, run_id, options, note=note, record={**label, "branch": branch}, **label
        )


def _describe(name: str, slug: bool) -> str:
    return f"the schedule with slug {name!r}" if slug else f"schedule {name!r}"
