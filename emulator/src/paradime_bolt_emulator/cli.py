"""``paradime-bolt-emulator`` (or ``python -m paradime_bolt_emulator``): serve until stopped.

``main(argv)`` is the entry point of both ``paradime-bolt-emulator`` and the client's
``paradime-bolt emulator ...`` (``paradime_bolt.cli.emulator_cmd``), which hands it every
argument untouched but ``--help``: that it answers itself, with ``build_parser()``'s help below
its own. On start the endpoint URL is printed alone on its own line; the secret is printed only
when it is the development default, tokens never, and of each ``--webhook-url`` only the origin
(its path may hold a shared secret). SIGINT and SIGTERM stop the server cleanly with exit status 0.

``paradime-bolt-emulator outage SECONDS --endpoint URL [--mode refuse|unavailable]`` asks a
running emulator to stop answering for a while (see ``api.outages``), with the credentials of
``--api-key``/``--api-secret`` or ``PARADIME_API_KEY``/``PARADIME_API_SECRET``.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import signal
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from .api.outages import MODES, OUTAGE_PATH
from .config import (
    ACCOUNT_KEY_PREFIX,
    API_KEY_ENV,
    API_SECRET_ENV,
    DEFAULT_HOST,
    DEFAULT_PORT,
    DEFAULT_URL_TTL,
    DEFAULT_WORKSPACE,
    GRAPHQL_PATH,
    LOG_LEVELS,
    WORKSPACE_TOKEN_PREFIX,
    EmulatorConfig,
    resolve_credentials,
    url_origin,
    webhook_url_problem,
)
from .schedules.spec import ScheduleFileError, builtin_schedules_text
from .server import EmulatorServer
from .storage.store import DatabaseError

PROG = "paradime-bolt-emulator"
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _port(text: str) -> int:
    value = int(text) if text.isascii() and text.isdigit() else -1
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (0-65535)")
    return value


def _number(what: str, allowed: Callable[[float], bool]) -> Callable[[str], float]:
    """An argparse type: a finite number that is ``allowed``, else the error that the text is
    not ``what``."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and allowed(value)):
            raise argparse.ArgumentTypeError(f"{text} is not {what}")
        return value

    return parse


_positive_seconds = _number("a positive number of seconds", lambda value: value > 0)
_milliseconds = _number("a number of milliseconds (0 or more)", lambda value: value >= 0)


def _webhook_url(text: str) -> str:
    problem = webhook_url_problem(text)
    if problem is not None:
        # The URL is not echoed: its path may hold a shared secret.
        raise argparse.ArgumentTypeError(f"{problem} (expected http(s)://host[:port]/path)")
    return text


def _bearer_token(prefix: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        # The value is not echoed: it is a secret.
        if not text.startswith(prefix) or text == prefix:
            raise argparse.ArgumentTypeError(f"expected {prefix} followed by the token")
        if not all(" " < char <= "~" for char in text):
            raise argparse.ArgumentTypeError("expected printable ASCII without spaces")
        return text

    return parse


def _workspace(text: str) -> tuple[str, Path | None]:
    uid, separator, path = text.partition("=")
    if not uid or not all(" " < char <= "~" for char in uid) or (separator and not path):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not UID or UID=SCHEDULES_FILE (the uid: printable ASCII, no spaces)"
        )
    return uid, Path(path) if separator else None


def _environment(text: str) -> tuple[str, str]:
    uid, separator, slug = text.rpartition("=")
    if separator and not uid:
        raise argparse.ArgumentTypeError(f"{text!r} is not SLUG or UID=SLUG")
    return uid, slug


def _add_repeatable(
    parser: argparse.ArgumentParser,
    flag: str,
    *,
    type: Callable[[str], object],
    metavar: str,
    help: str,
) -> None:
    """An option given any number of times: each value is parsed by ``type`` and collected in a
    list, empty when the option is not given, under the flag's name made plural (``--webhook-url``:
    ``args.webhook_urls``)."""
    parser.add_argument(
        flag,
        type=type,
        action="append",
        default=[],
        dest=flag.removeprefix("--").replace("-", "_") + "s",
        metavar=metavar,
        help=help,
    )


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the emulator's options to a parser (the standalone one, or a subcommand's)."""
    parser.add_argument(
        "--dbt-project",
        type=Path,
        metavar="DIR",
        help="run every run's commands with real dbt in this dbt project (each run in its own "
        "copy; schedules from its paradime_schedules.yml and .bolt/; needs "
        "'paradime-bolt-emulator[dbt]')",
    )
    parser.add_argument(
        "--profiles-dir",
        type=Path,
        metavar="DIR",
        help="with --dbt-project: the folder of your profiles.yml (default: a DuckDB profile the "
        "emulator writes, one database per workspace)",
    )
    parser.add_argument(
        "--target", metavar="NAME", help="with --dbt-project: the dbt target to run against"
    )
    parser.add_argument(
        "--host", default=DEFAULT_HOST, help="interface to bind (default: %(default)s)"
    )
    parser.add_argument(
        "--port",
        type=_port,
        default=DEFAULT_PORT,
        help="port to listen on; 0 picks a free one (default: %(default)s)",
    )
    parser.add_argument(
        "--db",
        type=Path,
        metavar="PATH",
        help="SQLite file that keeps schedules, runs and artifacts across restarts "
        "(default: in memory, lost on exit)",
    )
    parser.add_argument(
        "--schedules",
        type=Path,
        metavar="FILE",
        help="schedules YAML in the paradime_schedules.yml shape (default: the --dbt-project's "
        "own schedules, else the built-in set)",
    )
    parser.add_argument(
        "--print-schedules",
        action="store_true",
        help="print the built-in schedules file (a commented example to start from) and exit",
    )
    parser.add_argument(
        "--api-key", help=f"accepted X-API-KEY (default: ${API_KEY_ENV}, else a development key)"
    )
    parser.add_argument(
        "--api-secret",
        help=f"accepted X-API-SECRET (default: ${API_SECRET_ENV}, else a development secret)",
    )
    parser.add_argument(
        "--workspace-token",
        type=_bearer_token(WORKSPACE_TOKEN_PREFIX),
        metavar="TOKEN",
        help=f"accept Authorization: Bearer TOKEN, a {WORKSPACE_TOKEN_PREFIX}... workspace token, "
        "for the default workspace (default: none)",
    )
    parser.add_argument(
        "--account-key",
        type=_bearer_token(ACCOUNT_KEY_PREFIX),
        metavar="KEY",
        help=f"accept Authorization: Bearer KEY, a {ACCOUNT_KEY_PREFIX}... account API key, for "
        "every workspace, the one named by the X-Paradime-Workspace header (default: none)",
    )
    _add_repeatable(
        parser,
        "--workspace",
        type=_workspace,
        metavar="UID[=FILE]",
        help="a workspace that exists, with its own schedules and runs; repeat for several. The "
        "first is the default one, the only one the API key and the workspace token reach. "
        f"=FILE serves that schedules file there instead of --schedules (default: one "
        f"workspace, {DEFAULT_WORKSPACE})",
    )
    _add_repeatable(
        parser,
        "--environment",
        type=_environment,
        metavar="[UID=]SLUG",
        help="a Bolt environment of every workspace (UID=SLUG: of that one only); repeat for "
        "several, the default one first (default: production)",
    )
    parser.add_argument(
        "--url-ttl",
        type=_positive_seconds,
        default=DEFAULT_URL_TTL,
        metavar="SECONDS",
        help="lifetime of signed resource download URLs (default: %(default)g)",
    )
    parser.add_argument(
        "--log-level",
        choices=LOG_LEVELS,
        default="info",
        help="log verbosity (default: %(default)s)",
    )
    _add_repeatable(
        parser,
        "--webhook-url",
        type=_webhook_url,
        metavar="URL",
        help="POST bolt.run.started and bolt.run.completed events of every run to this URL; "
        "repeat for several receivers (default: none)",
    )
    parser.add_argument(
        "--latency-ms",
        type=_milliseconds,
        default=0.0,
        metavar="MS",
        help="delay every GraphQL request by this many milliseconds, to model a remote API "
        "(default: %(default)g)",
    )
    return parser


def build_parser() -> argparse.ArgumentParser:
    """The standalone command's parser."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Serve a local emulator of the Paradime Bolt GraphQL API.",
    )
    return add_arguments(parser)


# Options parsed straight into the EmulatorConfig field of the same name.
_CONFIG_AS_PARSED = (
    "host",
    "port",
    "db",
    "schedules",
    "url_ttl",
    "log_level",
    "latency_ms",
    "workspace_token",
    "account_key",
    "dbt_project",
)


def config_from_args(args: argparse.Namespace, environ: Mapping[str, str]) -> EmulatorConfig:
    """The EmulatorConfig for parsed options, taking credentials from the environment if unset."""
    api_key, api_secret = resolve_credentials(args.api_key, args.api_secret, environ)
    workspaces: list[tuple[str, Path | None]] = args.workspaces
    return EmulatorConfig(
        **{name: getattr(args, name) for name in _CONFIG_AS_PARSED},
        api_key=api_key,
        api_secret=api_secret,
        workspaces=tuple(uid for uid, _ in workspaces),
        workspace_schedules=tuple((uid, path) for uid, path in workspaces if path is not None),
        environments=tuple(slug for uid, slug in args.environments if not uid),
        workspace_environments=tuple((uid, slug) for uid, slug in args.environments if uid),
        webhook_urls=tuple(args.webhook_urls),
        dbt_profiles_dir=args.profiles_dir,
        dbt_target=args.target,
    )


def banner(server: EmulatorServer) -> str:
    """What the command prints once serving; the endpoint URL stands alone on the second line."""
    config = server.config
    secret = (
        f"{config.api_secret} (development default)"
        if config.uses_default_secret
        else "(as configured)"
    )
    database = "in memory (lost on exit)" if config.db is None else str(config.db)
    schedules = "built-in set" if config.schedules is None else str(config.schedules)
    if config.schedules is None and config.dbt_project is not None:
        schedules = "the dbt project's paradime_schedules.yml and .bolt/"
    lines = [
        "Paradime Bolt API emulator is serving on:",
        server.endpoint,
        f"API key: {config.api_key}",
        f"API secret: {secret}",
    ]
    if config.workspace_token is not None:
        lines.append("Workspace token: (as configured)")
    if config.account_key is not None:
        lines.append("Account API key: (as configured)")
    others = "".join(f", {uid}" for uid in config.workspace_uids[1:])
    lines.append(f"Workspaces: {config.default_workspace} (default){others}")
    if config.dbt_project is not None:
        profile = (
            "DuckDB, one database per workspace (written by the emulator)"
            if config.dbt_profiles_dir is None
            else f"profiles.yml in {config.dbt_profiles_dir}"
        )
        lines.append(f"dbt project: {config.dbt_project} (real dbt; profile: {profile})")
    lines += [
        f"Database: {database}",
        f"Schedules: {schedules}",
    ]
    if config.webhook_urls:
        origins = ", ".join(url_origin(url) + "/..." for url in config.webhook_urls)
        lines.append(f"Webhooks: {origins}")
    if config.latency_ms:
        lines.append(f"Latency: {config.latency_ms:g} ms per GraphQL request")
    lines.append("Press Ctrl+C to stop.")
    return "\n".join(lines)


@contextmanager
def _stop_requested() -> Iterator[threading.Event]:
    """An event that SIGINT or SIGTERM sets inside the block; the old handlers return after it."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop  # signals reach only the main thread; the caller stops us some other way
        return

    def request_stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    previous = {signum: signal.signal(signum, request_stop) for signum in _STOP_SIGNALS}
    try:
        yield stop
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def run(args: argparse.Namespace) -> int:
    """Serve with parsed options until SIGINT/SIGTERM; 0 on a clean stop, 2 on bad settings."""
    if args.print_schedules:
        sys.stdout.write(builtin_schedules_text())
        return 0
    logging.basicConfig(
        level=args.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # httpx logs every request's full URL at INFO, and a webhook URL's path may carry the
    # receiver's shared secret; the emulator's own webhook log lines show only the origin.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    with _stop_requested() as stop:
        try:
            config = config_from_args(args, os.environ)
            server = EmulatorServer(config).start()
        except (ScheduleFileError, DatabaseError, ValueError) as error:
            print(f"{PROG}: error: {error}", file=sys.stderr)
            return 2
        except sqlite3.Error as error:
            print(f"{PROG}: error: cannot use the database {args.db}: {error}", file=sys.stderr)
            return 2
        except OSError as error:
            print(
                f"{PROG}: error: cannot serve on {args.host}:{args.port}: {error}", file=sys.stderr
            )
            return 1
        try:
            print(banner(server), flush=True)
            while not stop.wait(0.2):
                pass
        finally:
            server.stop()
    print("Emulator stopped.", flush=True)
    return 0


def build_outage_parser() -> argparse.ArgumentParser:
    """The parser of ``paradime-bolt-emulator outage``."""
    parser = argparse.ArgumentParser(
        prog=f"{PROG} outage",
        description="Make a running emulator stop answering for SECONDS, then serve again with "
        "the same state: to test what waits through an API outage.",
    )
    parser.add_argument("seconds", type=_positive_seconds, metavar="SECONDS")
    parser.add_argument(
        "--endpoint",
        required=True,
        metavar="URL",
        help="the emulator's GraphQL endpoint, as it printed it (http://HOST:PORT/graphql)",
    )
    parser.add_argument(
        "--mode",
        choices=MODES,
        default="refuse",
        help="refuse: close the port (connections refused); unavailable: answer HTTP 503 "
        "(default: %(default)s)",
    )
    parser.add_argument("--api-key", help=f"X-API-KEY (default: ${API_KEY_ENV})")
    parser.add_argument("--api-secret", help=f"X-API-SECRET (default: ${API_SECRET_ENV})")
    return parser


def run_outage(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    """Asks the emulator at ``--endpoint`` for an outage; 0 once it said yes, 1 otherwise."""
    import httpx

    key, secret = resolve_credentials(args.api_key, args.api_secret, environ)
    base = args.endpoint.removesuffix("/").removesuffix(GRAPHQL_PATH)
    try:
        answer = httpx.post(
            base + OUTAGE_PATH,
            json={"seconds": args.seconds, "mode": args.mode},
            headers={"X-API-KEY": key, "X-API-SECRET": secret},
            timeout=10,
        )
    except httpx.HTTPError as error:
        print(f"{PROG} outage: error: cannot reach {base}: {error}", file=sys.stderr)
        return 1
    if answer.status_code != 202:
        try:
            said = answer.json()["errors"][0]["message"]
        except (ValueError, KeyError, IndexError, TypeError):
            said = answer.text[:200]
        print(f"{PROG} outage: error: HTTP {answer.status_code}: {said}", file=sys.stderr)
        return 1
    print(f"Outage started: {args.mode} for {args.seconds:g}s", flush=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` (default: sys.argv[1:]) and serve, or with ``outage`` first ask a running
    emulator for an outage."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["outage"]:
        return run_outage(build_outage_parser().parse_args(arguments[1:]), os.environ)
    return run(build_parser().parse_args(arguments))
