"""A small Bolt webhook service: when a run fails, print each failed command and its stderr.

It receives `bolt.run.completed` events with paradime-bolt's receiver (served by uvicorn) and
fetches every failed command in full through `BoltClient`, by the ids the event carries (the
GraphQL strings inside the event are never executed). Run it against your workspace:

    export PARADIME_API_ENDPOINT=... PARADIME_API_KEY=... PARADIME_API_SECRET=...
    export BOLT_WEBHOOK_SECRET="$(python -c 'import secrets; print(secrets.token_urlsafe(32))')"
    python examples/webhook_service.py --host 0.0.0.0 --port 8000

and register `https://<your public host>/hooks/<BOLT_WEBHOOK_SECRET>` as the webhook URL in
Paradime (behind TLS, with access logs off or scrubbed for that path: the secret is in it).
Options: `--host`/`BOLT_WEBHOOK_HOST` (default 127.0.0.1), `--port`/`BOLT_WEBHOOK_PORT`
(default 8000), `--secret`/`BOLT_WEBHOOK_SECRET` (required), `--tail N` stderr lines (default 20).

Or try it without an account: `--demo` starts the local emulator with `--webhook-url` pointing at
this service, triggers the built-in `broken tests` schedule, prints the report and exits 0.

`run_id`, `schedule_name` and `state` are not documented webhook fields: the emulator sends them,
Paradime may not, so the report shows "?" when they are absent.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import uvicorn

from paradime_bolt import BoltClient, BoltError
from paradime_bolt.models import CommandDetails
from paradime_bolt.webhooks import RUN_COMPLETED, BoltRunEvent, WebhookCommand, create_receiver
from paradime_bolt_emulator import EmulatorProcess

HOOK_PATH = "/hooks/{token}"
DEMO_KEY, DEMO_SECRET = "webhook-demo-key", "webhook-demo-secret"
DEMO_SCHEDULE = "broken tests"
DEMO_TIMEOUT = 30.0


def undocumented(event: BoltRunEvent, key: str, default: object = None) -> object:
    """A run-level key Paradime does not document (the emulator sends `run_id`, `state`, ...)."""
    return (event.model_extra or {}).get(key, default)


def run_label(event: BoltRunEvent) -> str:
    """`run 15000 of 'daily run'`, from the event's undocumented keys when it has them."""
    schedule = undocumented(event, "schedule_name")
    return f"run {undocumented(event, 'run_id', '?')}" + (f" of {schedule!r}" if schedule else "")


def stderr_tail(stderr: str | None, lines: int) -> list[str]:
    """The last `lines` lines of a command's stderr, without trailing blank lines."""
    return (stderr or "").rstrip().splitlines()[-lines:] if lines > 0 else []


def failure_report(
    event: BoltRunEvent,
    failed: Sequence[tuple[WebhookCommand, CommandDetails | None]],
    *,
    tail: int,
) -> str:
    """The text printed for a failed run: each failed command, then the tail of its stderr."""
    state = undocumented(event, "state", "failed")
    out = [
        f"{event.event_type}  {run_label(event)}: {state}, "
        f"{len(failed)} of {len(event.commands)} commands failed"
    ]
    for command, details in failed:
        out.append(
            f"  FAILED  {command.command}  "
            f"(command {command.id}, return code {command.return_code}, status {command.status})"
        )
        if details is None:
            out.append("          (its details could not be fetched)")
            continue
        lines = stderr_tail(details.stderr, tail)
        if not lines:
            out.append("          stderr is empty")
            continue
        out.append(f"          stderr, last {len(lines)} line(s):")
        out.extend(f"          | {line}" for line in lines)
    return "\n".join(out)


class Reporter:
    """The receiver's callback: reports each completed run; `reported` is set after a report.

    It runs in a worker thread (the receiver runs plain callbacks with `asyncio.to_thread`), so
    it may block on the API. Credentials come from PARADIME_API_* in the environment.
    """

    def __init__(self, tail: int) -> None:
        self.tail = tail
        self.reported = threading.Event()
        self._print_lock = threading.Lock()

    def __call__(self, event: BoltRunEvent) -> None:
        if event.event_type != RUN_COMPLETED:
            self._print(f"{event.event_type}  {run_label(event)}")
            return
        if event.succeeded:
            self._print(
                f"{event.event_type}  {run_label(event)}: succeeded, {len(event.commands)} commands"
            )
        else:
            self._print(failure_report(event, self._fetch(event), tail=self.tail))
        self.reported.set()

    def _fetch(self, event: BoltRunEvent) -> list[tuple[WebhookCommand, CommandDetails | None]]:
        """Each failed command with its details from the API (None when they cannot be had)."""
        failed = event.failed_commands
        try:
            with BoltClient() as bolt:
                details: list[CommandDetails | None] = list(bolt.failed_command_details(event))
        except BoltError as error:
            self._print(f"could not fetch the failed commands of {run_label(event)}: {error}")
            details = [None] * len(failed)
        return list(zip(failed, details, strict=True))

    def _print(self, text: str) -> None:
        with self._print_lock:
            print(text, flush=True)


def _bound_socket(host: str, port: int) -> socket.socket:
    """A listening socket, bound before uvicorn starts so that port 0 is known at once."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    return sock


def _uvicorn(reporter: Reporter, secret: str) -> uvicorn.Server:
    app = create_receiver(reporter, path=HOOK_PATH, secret=secret)
    # No access log: the secret is part of the path.
    config = uvicorn.Config(app, lifespan="on", access_log=False, log_level="warning")
    return uvicorn.Server(config)


def serve(host: str, port: int, secret: str, tail: int) -> int:
    """Receive webhooks until Ctrl+C (uvicorn handles the signals)."""
    try:
        BoltClient().close()  # fail now, not at the first event, if PARADIME_API_* are missing
    except BoltError as error:
        print(f"webhook_service: {error}", file=sys.stderr)
        return 2
    sock = _bound_socket(host, port)
    shown = f"[{host}]" if ":" in host else host
    print(
        f"receiving Bolt webhooks on http://{shown}:{sock.getsockname()[1]}/hooks/<secret>",
        flush=True,
    )
    _uvicorn(Reporter(tail), secret).run(sockets=[sock])
    return 0


@contextmanager
def receiver_thread(reporter: Reporter, secret: str) -> Iterator[str]:
    """The receiver on a free loopback port, in a background thread; yields its base URL."""
    sock = _bound_socket("127.0.0.1", 0)
    server = _uvicorn(reporter, secret)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise SystemExit("the webhook receiver did not start")
            time.sleep(0.01)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True  # its lifespan shutdown waits for running callbacks
        thread.join(timeout=15)
        sock.close()


@contextmanager
def emulator_process(webhook_url: str) -> Iterator[str]:
    """The emulator in its own process, sending webhooks to `webhook_url`; yields its endpoint."""
    with EmulatorProcess(
        "--log-level", "warning", "--api-key", DEMO_KEY, "--api-secret", DEMO_SECRET,
        "--webhook-url", webhook_url,
    ) as process:  # fmt: skip
        print(f"emulator  {process.endpoint}  (pid {process.pid})", flush=True)
        yield process.endpoint
    print(f"emulator  stopped (exit {process.exit_code})", flush=True)


def demo(tail: int) -> int:
    """Emulator -> webhook -> this service -> API follow-up, all on this machine."""
    secret = secrets.token_urlsafe(24)
    reporter = Reporter(tail)
    with receiver_thread(reporter, secret) as base:
        print(f"receiver  {base}/hooks/<secret>", flush=True)
        with emulator_process(f"{base}/hooks/{secret}") as endpoint:
            # The reporter reads its credentials from the environment, as in a real deployment.
            os.environ.update(
                PARADIME_API_ENDPOINT=endpoint,
                PARADIME_API_KEY=DEMO_KEY,
                PARADIME_API_SECRET=DEMO_SECRET,
            )
            with BoltClient() as bolt:
                run_id = bolt.trigger_bolt_run(DEMO_SCHEDULE).run_id
            print(f"trigger   run {run_id} of {DEMO_SCHEDULE!r}", flush=True)
            if not reporter.reported.wait(DEMO_TIMEOUT):
                print(f"no report within {DEMO_TIMEOUT:g}s", file=sys.stderr)
                return 1
    print("demo finished", flush=True)
    return 0


def _env_port(value: str | None) -> int:
    try:
        return int(value) if value else 8000
    except ValueError:
        raise SystemExit(f"BOLT_WEBHOOK_PORT is not a port: {value!r}") from None


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options; serve, or run the demo."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--host", default=os.environ.get("BOLT_WEBHOOK_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=_env_port(os.environ.get("BOLT_WEBHOOK_PORT")))
    parser.add_argument(
        "--secret", help="the shared secret in the webhook URL (default: $BOLT_WEBHOOK_SECRET)"
    )
    parser.add_argument("--tail", type=int, default=20, help="stderr lines to show per command")
    parser.add_argument("--demo", action="store_true", help="run against a local emulator and exit")
    args: Any = parser.parse_args(argv)
    if args.demo:
        return demo(args.tail)
    secret = args.secret or os.environ.get("BOLT_WEBHOOK_SECRET")
    if not secret:
        parser.error(
            "set --secret or BOLT_WEBHOOK_SECRET, e.g. to the output of "
            "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    return serve(args.host, args.port, secret, args.tail)


if __name__ == "__main__":
    sys.exit(main())
