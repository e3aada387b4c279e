"""`paradime-bolt runs status|cancel|logs|retry RUN_ID`: one run, by its id."""

from __future__ import annotations

from typing import Any

import click

from ._options import (
    WaitOptions,
    json_option,
    poll_interval_option,
    run_id_argument,
    wait_options,
    waiting_options,
)
from ._state import session

__all__ = ["runs"]


@click.group("runs")
def runs() -> None:
    """Inspect, follow, cancel and retry a run, by its id.

    \b
    Examples:
      paradime-bolt runs status 15509
      paradime-bolt runs wait 15509 --timeout 1800
      paradime-bolt runs logs 15509 --follow
      paradime-bolt runs cancel 15509
      paradime-bolt runs retry 15509 --wait
    """


@runs.command("status")
@run_id_argument
@json_option
@click.pass_context
def status(ctx: click.Context, run_id: int, as_json: bool) -> None:
    """Show a run's state and its commands; exit 1 if it ended failed.

    Exits 0 for a run that succeeded or is still going, and 1, after the failing command and
    the end of its output, for one that ended ERROR, FAILED or CANCELED.

    \b
    Example:
      paradime-bolt runs status 15509 --json | jq -r .state
    """
    from paradime_bolt import RunFailedError

    from ._watch import report_run

    with session(ctx, json_mode=as_json) as (out, bolt):
        current = bolt.bolt_run_status(run_id)
    failure = RunFailedError.from_status(run_id, current) if current.run_state.is_failure else None
    report_run(out, run_id, current, failure=failure)
    if failure is not None:
        raise failure


@runs.command("wait")
@run_id_argument
@waiting_options
@json_option
@click.pass_context
def wait(
    ctx: click.Context,
    /,
    run_id: int,
    as_json: bool,
    **waiting: object,  # the waiting options: WaitOptions.of_command reads them
) -> None:
    """Wait for a run triggered earlier (in another CI step, say) to end.

    The same waiting, report and exit codes as `paradime-bolt run --wait`: 0 when the run
    succeeds, 1 when it fails, 3 on timeout, 130 on Ctrl-C and 143 on SIGTERM. A run that has
    already ended is reported at once.

    \b
    Examples:
      RUN_ID=$(paradime-bolt run "daily run")
      paradime-bolt runs wait "$RUN_ID" --logs --timeout 1800 --cancel-on-timeout
    """
    options = WaitOptions.of_command(ctx)
    assert options is not None  # `runs wait` has no --wait: it always waits
    from ._watch import wait_and_report

    with session(ctx, json_mode=as_json) as (out, bolt):
        wait_and_report(bolt, out, run_id, options, note=f"waiting for run {run_id} to end")


@runs.command("cancel")
@run_id_argument
@json_option
@click.pass_context
def cancel(ctx: click.Context, run_id: int, as_json: bool) -> None:
    """Cancel a run that is still going.

    A run that has already ended cannot be cancelled: exit 5.

    \b
    Example:
      paradime-bolt runs cancel 15509
    """
    with session(ctx, json_mode=as_json) as (out, bolt):
        bolt.cancel_bolt_run(run_id)
    out.result({"run_id": run_id, "canceled": True}, line=f"run {run_id}: cancelled")


@runs.command("logs")
@run_id_argument
@click.option(
    "-f",
    "--follow",
    is_flag=True,
    help="Keep printing new lines until the run ends; exit 1 if it fails.",
)
@poll_interval_option
@json_option
@click.pass_context
def logs(
    ctx: click.Context, run_id: int, follow: bool, poll_interval: float, as_json: bool
) -> None:
    """Print the logs of a run's commands, in order.

    Each command's lines follow a `==> command N: ...` header. With --follow, new lines are
    printed as they are written until the run ends, and the exit code tells how it ended. With
    --json, one document holds every command's lines.

    \b
    Examples:
      paradime-bolt runs logs 15509
      paradime-bolt runs logs 15509 --follow
      paradime-bolt runs logs 15509 --json | jq -r '.commands[-1].lines[].line'
    """
    from paradime_bolt import RunFailedError, RunLogs

    from ._options import MAX_POLL_INTERVAL
    from ._render import command_record
    from ._watch import show_log

    with session(ctx, json_mode=as_json) as (out, bolt):
        logs = RunLogs(bolt)
        chunks = (
            logs.follow(
                run_id,
                poll_interval=poll_interval,
                max_poll_interval=max(poll_interval, MAX_POLL_INTERVAL),
            )
            if follow
            else logs.poll(run_id)
        )
        for chunk in chunks:
            if not as_json:
                show_log(out, chunk)
        progress = logs.progress
        assert progress is not None  # every read polls the run first
        if not follow and not progress.run_state.is_terminal:
            out.note(f"run {run_id} is {progress.state}: --follow keeps reading until it ends")
        failure = None
        if follow and progress.run_state.is_failure:
            failure = RunFailedError.from_status(run_id, bolt.bolt_run_status(run_id))
    if as_json:
        commands: list[dict[str, Any]] = []
        for command in sorted(progress.commands or [], key=lambda c: c.id):
            record = command_record(command)
            record["lines"] = [
                {"stream": entry.stream, "line": entry.line}
                for entry in logs.lines.get(command.id, [])
            ]
            commands.append(record)
        out.document({"run_id": run_id, "state": progress.state, "commands": commands})
    if failure is not None:
        raise failure


@runs.command("retry")
@run_id_argument
@click.option(
    "--all",
    "retry_all",
    is_flag=True,
    help="Re-run every command of the run (but the set-up ones), not only the failed ones.",
)
@wait_options
@json_option
@click.pass_context
def retry(
    ctx: click.Context,
    /,
    run_id: int,
    retry_all: bool,
    as_json: bool,
    **waiting: object,  # the waiting options: WaitOptions.of_command reads them
) -> None:
    """Start a new run that retries a finished run's failed commands (--all: every command).

    Prints the new run's id; with --wait, follows it like `paradime-bolt run --wait`.

    \b
    Examples:
      paradime-bolt runs retry 15509
      paradime-bolt runs retry 15509 --all --wait --logs
    """
    options = WaitOptions.of_command(ctx)
    from ._watch import report_started

    with session(ctx, json_mode=as_json) as (out, bolt):
        triggered = bolt.retry_all_bolt_run(run_id) if retry_all else bolt.retry_bolt_run(run_id)
        new_id = triggered.run_id
        what = "every command" if retry_all else "the failed commands"
        retried = {"retry_of": run_id, "all": retry_all}
        note = f"run {new_id} retries {what} of run {run_id}"
        report_started(bolt, out, new_id, options, note=note, record=retried, **retried)


@runs.command("lineage")
@run_id_argument
@click.option(
    "--namespace",
    metavar="URI",
    help="The warehouse the datasets live in, as OpenLineage names it: snowflake://ACCOUNT, "
    "postgres://HOST:PORT, duckdb:///path/db.duckdb, bigquery, ...",
)
@click.option(
    "--profiles-dir",
    type=click.Path(file_okay=False, exists=True),
    metavar="DIR",
    help="Instead of --namespace: derive it from this dbt profiles.yml, as dbt-ol does.",
)
@click.option(
    "--target", metavar="NAME", help="With --profiles-dir: the target (default: the profile's)."
)
@click.option(
    "--profile",
    "profile_name",
    metavar="NAME",
    help="With --profiles-dir: the profile (default: the only one, else the dbt project's name).",
)
@click.option(
    "--job-namespace",
    metavar="NS",
    help="The OpenLineage namespace of the jobs (default: $OPENLINEAGE_NAMESPACE, else "
    "paradime-bolt).",
)
@click.option(
    "--job-name",
    metavar="NAME",
    help="The job the Bolt run is a run of, usually its schedule's name "
    "(default: bolt.run.RUN_ID).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the events as JSON Lines on stdout.")
@click.option(
    "--emit",
    is_flag=True,
    help="Send the events through the OpenLineage client (OPENLINEAGE_URL, OPENLINEAGE_API_KEY, "
    "openlineage.yml).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 5 when an event could not be built (a missing artifact) or sent.",
)
@click.pass_context
def lineage(
    ctx: click.Context,
    /,
    run_id: int,
    namespace: str | None,
    profiles_dir: str | None,
    target: str | None,
    profile_name: str | None,
    job_namespace: str | None,
    job_name: str | None,
    as_json: bool,
    emit: bool,
    strict: bool,
) -> None:
    """OpenLineage events of a run: its dbt models, seeds, snapshots and tests, the run as their
    parent job (needs `pip install 'paradime-bolt[openlineage]'`).

    What cannot be built (a command without run_results.json, a run that failed before dbt ran)
    is skipped with a warning on stderr, and a lineage backend that fails is reported: neither
    changes the exit code unless --strict.

    \b
    Examples:
      paradime-bolt runs lineage 15509 --namespace snowflake://xy12345.eu-west-1 --json
      OPENLINEAGE_URL=http://marquez:5000 paradime-bolt runs lineage 15509 \\
          --profiles-dir ~/.dbt --target prod --job-name "daily run" --emit
    """
    from ._lineage import run_lineage

    if as_json == emit:
        raise click.UsageError("choose one of --json (print the events) and --emit (send them)")
    if (namespace is None) == (profiles_dir is None):
        raise click.UsageError("name the warehouse: --namespace URI or --profiles-dir DIR")
    if profiles_dir is None and (target or profile_name):
        raise click.UsageError("--target and --profile go with --profiles-dir")
    run_lineage(
        ctx,
        run_id,
        namespace=namespace,
        profile=(profiles_dir, target, profile_name) if profiles_dir else None,
        job_namespace=job_namespace,
        job_name=job_name,
        emit=emit,
        strict=strict,
    )
