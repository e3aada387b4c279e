"""Options shared by several commands: --json, the RUN_ID argument (`runs ...`, `artifacts ...`),
--slug (`run`, `schedules show`), and the waiting options of `run`, `runs wait` and `runs retry`."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import click

__all__ = [
    "DEFAULT_TIMEOUT",
    "MAX_POLL_INTERVAL",
    "REQUEST_TIMEOUT_ENV",
    "WaitOptions",
    "json_option",
    "poll_interval_option",
    "request_timeout_option",
    "run_id_argument",
    "slug_option",
    "wait_options",
    "waiting_options",
]

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_TIMEOUT = 3600.0
DEFAULT_OUTAGE_TOLERANCE = 600.0  # the client's; not imported, so --help loads no client
DEFAULT_POLL_INTERVAL = 1.0
MAX_POLL_INTERVAL = 10.0
REQUEST_TIMEOUT_ENV = "PARADIME_BOLT_REQUEST_TIMEOUT"


def _finite(_ctx: click.Context, _param: click.Parameter, value: float | None) -> float | None:
    """FloatRange lets nan and inf through: a duration must be a real number of seconds."""
    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"{value!r} is not a finite number of seconds")
    return value


def _seconds_option(*names: str, positive: bool, **attrs: Any) -> Callable[[F], F]:
    """An option taking a duration: a finite number of seconds, more than 0 when `positive`
    (else 0 or more). Checked as the command line is parsed, so before any request: a run is
    never triggered only for its wait to refuse the value."""
    option: Callable[[F], F] = click.option(
        *names,
        type=click.FloatRange(min=0, min_open=positive),
        callback=_finite,
        metavar="SECONDS",
        **attrs,
    )
    return option


def request_timeout_option(function: F) -> F:
    """--request-timeout (global): how long one HTTP request may take."""
    return _seconds_option(
        "--request-timeout",
        positive=True,
        envvar=REQUEST_TIMEOUT_ENV,
        show_envvar=True,
        help="How long one request may wait to connect, or for each part of the answer, before "
        "it fails (and is retried, see --max-retries). Default 30.",
    )(function)


def json_option(function: F) -> F:
    return click.option(
        "--json",
        "as_json",
        is_flag=True,
        help="Write exactly one JSON document to stdout; diagnostics go to stderr.",
    )(function)


def run_id_argument(function: F) -> F:
    """RUN_ID: the id of a run, a whole number from 1."""
    return click.argument("run_id", type=click.IntRange(min=1))(function)


def slug_option(function: F) -> F:
    """--slug: the NAME argument of a command naming a schedule is its slug."""
    return click.option(
        "--slug", is_flag=True, help="NAME is the schedule's slug (daily-run), not its name."
    )(function)


def poll_interval_option(function: F) -> F:
    return _seconds_option(
        "--poll-interval",
        positive=True,
        default=DEFAULT_POLL_INTERVAL,
        show_default=True,
        help=f"Seconds between the first status polls (the first is at once); polls then "
        f"back off to {MAX_POLL_INTERVAL:g}s (or this value, if larger).",
    )(function)


def _waiting_decorators(condition: str) -> list[Callable[[Any], Any]]:
    """The waiting options, each help text after `condition` ("With --wait: ") if any."""

    def says(text: str) -> str:
        return f"{condition}{text}" if condition else text[:1].upper() + text[1:]

    return [
        _seconds_option(
            "--timeout",
            positive=False,
            help=says(
                f"give up waiting after this long, exit 3 (default {DEFAULT_TIMEOUT:g}; "
                "0 waits without limit)."
            ),
        ),
        click.option(
            "--cancel-on-timeout",
            is_flag=True,
            help=says("cancel the run when the timeout is reached."),
        ),
        click.option(
            "--cancel-on-interrupt",
            is_flag=True,
            help=says(
                "cancel the run when Ctrl-C (SIGINT) or SIGTERM stops the waiting; "
                "without it the run goes on."
            ),
        ),
        _seconds_option(
            "--outage-tolerance",
            positive=False,
            help=says(
                "keep waiting through an API that does not answer (no connection, timeouts, "
                f"429, 5xx) for this long in a row, then exit 5 (default "
                f"{DEFAULT_OUTAGE_TOLERANCE:g}; 0 gives up at once)."
            ),
        ),
        click.option(
            "--logs",
            is_flag=True,
            help=says("print each command's log as it is written."),
        ),
        poll_interval_option,
    ]


def _apply(function: F, decorators: list[Callable[[Any], Any]]) -> F:
    for decorator in reversed(decorators):
        function = decorator(function)
    return function


def waiting_options(function: F) -> F:
    """--timeout, --cancel-on-timeout, --cancel-on-interrupt, --logs and --poll-interval, for
    `runs wait`, which always waits."""
    return _apply(function, _waiting_decorators(""))


def wait_options(function: F) -> F:
    """--wait, and the waiting options that apply with it (`run`, `runs retry`)."""
    wait = click.option(
        "--wait",
        is_flag=True,
        help="Wait for the run to end, showing its progress; exit 1 if it fails.",
    )
    return _apply(function, [wait, *_waiting_decorators("With --wait: ")])


_WAITING_PARAMETERS = (
    "timeout",
    "cancel_on_timeout",
    "logs",
    "poll_interval",
    "cancel_on_interrupt",
    "outage_tolerance",
)


@dataclass(frozen=True)
class WaitOptions:
    """How to wait for a run; `timeout=None` waits without limit."""

    timeout: float | None
    poll_interval: float
    cancel_on_timeout: bool
    logs: bool
    cancel_on_interrupt: bool = False
    outage_tolerance: float = DEFAULT_OUTAGE_TOLERANCE

    @property
    def max_poll_interval(self) -> float:
        return max(self.poll_interval, MAX_POLL_INTERVAL)

    @classmethod
    def of_command(cls, ctx: click.Context) -> WaitOptions | None:
        """The waiting a command's options ask for (`waiting_options` or `wait_options`):
        `runs wait` always waits, `run` and `runs retry` only with --wait (else None)."""
        params = ctx.params
        asked = {name: params[name] for name in _WAITING_PARAMETERS}
        if "wait" not in params:
            return cls.waiting(**asked)
        return cls.from_options(wait=params["wait"], **asked)

    @classmethod
    def waiting(
        cls,
        *,
        timeout: float | None,
        cancel_on_timeout: bool,
        logs: bool,
        poll_interval: float,
        cancel_on_interrupt: bool,
        outage_tolerance: float | None = None,
    ) -> WaitOptions:
        """The waiting the options ask for; no --timeout is the default, 0 no limit."""
        limit = DEFAULT_TIMEOUT if timeout is None else timeout
        return cls(
            timeout=None if limit == 0 else limit,
            poll_interval=poll_interval,
            cancel_on_timeout=cancel_on_timeout,
            logs=logs,
            cancel_on_interrupt=cancel_on_interrupt,
            outage_tolerance=(
                DEFAULT_OUTAGE_TOLERANCE if outage_tolerance is None else outage_tolerance
            ),
        )

    @classmethod
    def from_options(
        cls,
        *,
        wait: bool,
        timeout: float | None,
        cancel_on_timeout: bool,
        logs: bool,
        poll_interval: float,
        cancel_on_interrupt: bool = False,
        outage_tolerance: float | None = None,
    ) -> WaitOptions | None:
        """The waiting asked for, or None without --wait; a usage error for waiting options
        given without --wait."""
        if not wait:
            given = [
                name
                for name, used in (
                    ("--timeout", timeout is not None),
                    ("--cancel-on-timeout", cancel_on_timeout),
                    ("--cancel-on-interrupt", cancel_on_interrupt),
                    ("--outage-tolerance", outage_tolerance is not None),
                    ("--logs", logs),
                )
                if used
            ]
            if given:
                raise click.UsageError(f"{', '.join(given)} only applies with --wait")
            return None
        return cls.waiting(
            timeout=timeout,
            cancel_on_timeout=cancel_on_timeout,
            logs=logs,
            poll_interval=poll_interval,
            cancel_on_interrupt=cancel_on_interrupt,
            outage_tolerance=outage_tolerance,
        )
