"""The root command: global options, the registry of subcommands, and central error handling.

Imports click and the standard library only: the subcommands, the client, httpx, pydantic and
rich load when a command needs them.
"""

from __future__ import annotations

import errno
from typing import Any

import click

from ._errors import EXIT_CODES, report_exception
from ._lazy import LazyCommand, LazyGroup
from ._options import REQUEST_TIMEOUT_ENV, request_timeout_option
from ._signals import terminate_as_interrupt
from ._state import get_state

__all__ = ["REGISTRY", "BoltCli", "cli"]

# The subcommands, in the order --help lists them. One line each: adding a command group is
# adding its line here.
REGISTRY = (
    LazyCommand(
        "schedules",
        "paradime_bolt.cli.schedules_cmd",
        "schedules",
        "List schedules, show one; validate, export, create and delete them.",
    ),
    LazyCommand(
        "environments",
        "paradime_bolt.cli.environments_cmd",
        "environments",
        "The workspace's Bolt environments.",
    ),
    LazyCommand(
        "run", "paradime_bolt.cli.run_cmd", "run", "Trigger a schedule's run; optionally wait."
    ),
    LazyCommand(
        "runs",
        "paradime_bolt.cli.runs_cmd",
        "runs",
        "A run's status, logs; wait for, cancel or retry it.",
    ),
    LazyCommand(
        "artifacts",
        "paradime_bolt.cli.artifacts_cmd",
        "artifacts",
        "List and download a run's dbt artifacts.",
    ),
    LazyCommand(
        "whoami",
        "paradime_bolt.cli.whoami_cmd",
        "whoami",
        "The endpoint, credential and workspace in use; does the API accept them?",
    ),
    LazyCommand(
        "emulator",
        "paradime_bolt.cli.emulator_cmd",
        "emulator",
        "Run the local Bolt emulator (the emulator extra).",
    ),
    LazyCommand(
        "schema",
        "paradime_bolt.cli.schema_cmd",
        "schema",
        "Pull, diff and check the API schema; our coverage of it.",
    ),
)


_SETTINGS = (
    ("PARADIME_API_ENDPOINT", "the API's GraphQL URL (or --endpoint)"),
    (
        "PARADIME_API_SECRET",
        "an account API key (prdm_cmp_...), a workspace token (prdm_wsp_...) or a legacy API "
        "secret; never printed or logged",
    ),
    ("PARADIME_WORKSPACE_UID", "the workspace (or --workspace-uid); needed with an account key"),
    ("PARADIME_API_KEY", "the API key, with a legacy API secret only"),
    (REQUEST_TIMEOUT_ENV, "seconds one request may wait (or --request-timeout)"),
)


def _exit_codes_epilog() -> str:
    width = max(len(str(int(code))) for code, _ in EXIT_CODES)
    rows = "\n".join(f"  {int(code):<{width}}  {text}" for code, text in EXIT_CODES)
    name_width = max(len(name) for name, _ in _SETTINGS)
    settings = "\n".join(f"  {name:<{name_width}}  {text}" for name, text in _SETTINGS)
    return (
        "\b\nExamples:\n"
        "  paradime-bolt schedules list\n"
        '  paradime-bolt run "daily run" --branch my-feature --wait --logs --timeout 1800\n'
        "  paradime-bolt runs status 15509 --json\n"
        "\n\b\nConfiguration (environment):\n"
        f"{settings}\n"
        f"\n\b\nExit codes:\n{rows}\n"
        "\nOn a terminal output uses colour, tables and a live view; in CI (CI set), in a pipe "
        "or with TERM=dumb it is plain lines. With --json stdout is one JSON document."
    )


class BoltCli(LazyGroup):
    """The root group: what a command raises becomes a message and an exit code, here."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except (Exception, KeyboardInterrupt) as exc:
            if isinstance(exc, OSError) and exc.errno == errno.EPIPE:
                raise  # click quiets a closed pipe (`paradime-bolt runs logs 1 | head`)
            state = get_state(ctx)
            code = report_exception(exc, state.current_output(), config=state.config)
            raise click.exceptions.Exit(int(code)) from None


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from paradime_bolt import __version__

    click.echo(f"paradime-bolt {__version__}")
    ctx.exit()


@click.group(
    "paradime-bolt",
    cls=BoltCli,
    registry=REGISTRY,
    epilog=_exit_codes_epilog(),
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--endpoint",
    metavar="URL",
    help="The Bolt API's GraphQL URL. Overrides PARADIME_API_ENDPOINT.",
)
@click.option(
    "--workspace-uid",
    metavar="UID",
    help="The workspace every request names (X-Paradime-Workspace); needed with an account API "
    "key. Overrides PARADIME_WORKSPACE_UID.",
)
@click.option(
    "--max-retries",
    type=click.IntRange(min=0),
    metavar="N",
    help="Retries of a request that failed on the network or with 429/502/503/504 "
    "(never of one that may have started a run). Default 2.",
)
@request_timeout_option
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Log the client's requests and retries (DEBUG) to stderr. Secrets are never logged.",
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and exit.",
)
@click.pass_context
def cli(
    ctx: click.Context,
    endpoint: str | None,
    workspace_uid: str | None,
    max_retries: int | None,
    request_timeout: float | None,
    verbose: bool,
) -> None:
    """Trigger and follow Paradime Bolt runs from CI pipelines and terminals.

    Bolt schedules and runs dbt commands; this command line triggers runs (on a pull request's
    branch, say), waits for them with a live view, prints the failing command's output when one
    fails, and fetches the run's artifacts (run_results.json, manifest.json).
    """
    state = get_state(ctx)
    state.endpoint = endpoint
    state.workspace_uid = workspace_uid
    state.max_retries = max_retries
    state.request_timeout = request_timeout
    state.verbose = verbose
    ctx.call_on_close(terminate_as_interrupt())  # SIGTERM (CI stopping the job) like Ctrl-C
    if verbose:
        from ._debug_log import enable_debug_logging

        ctx.call_on_close(enable_debug_logging(state.redactor))
