"""Webhooks end to end: the emulator POSTs run events to our receiver over real loopback HTTP,
and the receiver's callback follows them up through a `BoltClient`.

The receiver (`paradime_bolt.webhooks.create_receiver`, a `{token}` path secret) runs on uvicorn
in a background thread on a free port; the emulator (`EmulatorServer(webhook_urls=[...])`) runs
the built-in schedules, which finish in about a second. The last tests run
`examples/webhook_service.py`, which does the same as a small service.
"""

from __future__ import annotations

import importlib.util
import json
import os
import queue
import re
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from paradime_bolt import BoltClient
from paradime_bolt.webhooks import RUN_COMPLETED, BoltRunEvent, WebhookReceiver, create_receiver

pytestmark = pytest.mark.e2e

uvicorn = pytest.importorskip("uvicorn")
emulator = pytest.importorskip("paradime_bolt_emulator")

KEY, SECRET = "e2e-webhook-key", "e2e-webhook-secret"
MAX_BODY = 256_000
Handler = Callable[[BoltClient, BoltRunEvent], Any]


@contextmanager
def serving(app: WebhookReceiver) -> Iterator[str]:
    """Serve an ASGI app on uvicorn in a thread, on a free loopback port; yields its base URL."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, lifespan="on", access_log=False, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="webhook-receiver", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@dataclass
class Stack:
    """Receiver and emulator wired together; `handler` is what the callback does on completion.

    Every event the callback gets is recorded in `received`; for a completed event, the handler's
    result (or the exception it raised) is put on `handled`.
    """

    token: str
    handler: Handler | None = None
    endpoint: str = ""
    receiver_url: str = ""
    client: BoltClient | None = None
    received: list[BoltRunEvent] = field(default_factory=list)
    handled: queue.Queue[tuple[BoltRunEvent, Any]] = field(default_factory=queue.Queue)

    def callback(self, event: BoltRunEvent) -> None:
        """The receiver's callback (run in a worker thread): follow completed runs up."""
        self.received.append(event)
        if event.event_type != RUN_COMPLETED or self.handler is None:
            return
        try:
            # The endpoint we were configured with: never the body's api_url, which would send
            # our credentials wherever an unauthenticated request says.
            with BoltClient(endpoint=self.endpoint, api_key=KEY, api_secret=SECRET) as bolt:
                result = self.handler(bolt, event)
        except Exception as error:  # noqa: BLE001 - handed to the test, which re-raises it
            result = error
        self.handled.put((event, result))

    def follow_up(self, timeout: float = 15) -> tuple[BoltRunEvent, Any]:
        """The next completed event and what the handler made of it; re-raises its error."""
        event, result = self.handled.get(timeout=timeout)
        if isinstance(result, Exception):
            raise result
        return event, result

    def trigger(self, schedule: str) -> int:
        """Start a run of a schedule through the API."""
        assert self.client is not None
        return self.client.trigger_bolt_run(schedule).run_id


@pytest.fixture
def stack() -> Iterator[Stack]:
    """Our receiver on uvicorn, an emulator sending it webhooks, and a client for the emulator."""
    stack = Stack(token=secrets.token_urlsafe(24))
    receiver = create_receiver(
        stack.callback, path="/hooks/{token}", secret=stack.token, max_body_bytes=MAX_BODY
    )
    with serving(receiver) as base:
        stack.receiver_url = f"{base}/hooks/{stack.token}"
        server = emulator.EmulatorServer(
            api_key=KEY, api_secret=SECRET, webhook_urls=[stack.receiver_url]
        )
        with server, BoltClient(endpoint=server.endpoint, api_key=KEY, api_secret=SECRET) as bolt:
            stack.endpoint, stack.client = server.endpoint, bolt
            yield stack


def test_the_callback_downloads_the_manifest_of_a_completed_run(
    stack: Stack, tmp_path: Path
) -> None:
    folder = tmp_path / "artifacts"
    folder.mkdir()
    stack.handler = lambda bolt, event: bolt.download_event_artifact(
        event, "target/manifest.json", folder
    )
    run_id = stack.trigger("daily run")

    event, written = stack.follow_up()
    assert event.extra("run_id") == run_id
    assert event.succeeded
    assert [c.command for c in event.commands] == [
        "git clone ...",
        "dbt deps",
        "dbt run",
        "dbt test",
    ]
    assert written == folder / "manifest.json"
    manifest = json.loads(written.read_text(encoding="utf-8"))
    assert manifest["nodes"]
    # The started event came first, for the same run.
    assert [(e.event_type, e.extra("run_id")) for e in stack.received] == [
        ("bolt.run.started", run_id),
        ("bolt.run.completed", run_id),
    ]


def test_the_callback_fetches_the_stderr_of_a_failed_command(stack: Stack) -> None:
    stack.handler = lambda bolt, event: bolt.failed_command_details(event)
    run_id = stack.trigger("broken tests")

    event, details = stack.follow_up()
    assert event.extra("run_id") == run_id
    assert event.extra("state") == "ERROR"
    assert not event.succeeded
    [failed] = event.failed_commands
    assert (failed.command, failed.return_code, failed.status) == ("dbt test", 1, "failed")
    [detail] = details
    assert detail.command == "dbt test"
    assert detail.return_code == 1
    assert detail.schedule_run_id == run_id
    assert "Failure in test" in (detail.stderr or "")


def test_the_receiver_refuses_bad_requests_over_http(stack: Stack) -> None:
    body = json.dumps({"api_url": stack.endpoint, "commands": []}).encode()
    wrong = stack.receiver_url.rsplit("/", 1)[0] + "/not-the-token"
    with httpx.Client(timeout=5) as http:
        assert http.post(stack.receiver_url, content=body).status_code == 202
        malformed = http.post(stack.receiver_url, content=b'{"api_url": ')
        assert malformed.status_code == 400
        assert "invalid JSON" in malformed.json()["error"]
        not_an_event = http.post(stack.receiver_url, content=b'{"commands": "nope"}')
        assert not_an_event.status_code == 400
        assert http.post(wrong, content=body).status_code == 401
    # Oversized, on a fresh connection: the server may close it without reading the body.
    with httpx.Client(timeout=5) as http:
        too_big = http.post(stack.receiver_url, content=b" " * (MAX_BODY + 1))
        assert too_big.status_code == 413


# examples/webhook_service.py

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "webhook_service.py"


def _load_example() -> Any:
    spec = importlib.util.spec_from_file_location("webhook_service_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.subprocess
def test_the_example_demo_reports_the_failed_command_and_its_stderr() -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PARADIME_", "BOLT_"))}
    result = subprocess.run(
        [sys.executable, str(EXAMPLE), "--demo", "--tail", "5"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=clean,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert re.search(
        r"bolt\.run\.completed  run \d+ of 'broken tests': ERROR, 1 of 4 commands failed", out
    )
    assert "FAILED  dbt test  (command" in out
    assert "return code 1" in out
    assert "stderr, last 5 line(s):" in out
    assert "| Failure in test relationships_fct_orders_customer_id" in out  # the stderr itself
    assert "emulator  stopped (exit 0)" in out
    assert out.rstrip().endswith("demo finished")
    assert "Traceback" not in result.stderr


def test_the_example_service_needs_a_secret_and_credentials(
    capsys: pytest.CaptureFixture[str],
) -> None:
    example = _load_example()
    with pytest.raises(SystemExit) as exited:
        example.main(["--port", "0"])
    assert exited.value.code == 2
    assert "BOLT_WEBHOOK_SECRET" in capsys.readouterr().err
    assert example.main(["--port", "0", "--secret", "x"]) == 2  # no PARADIME_API_* set
    assert "PARADIME_API" in capsys.readouterr().err
