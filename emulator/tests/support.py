"""Shared helpers of the emulator tests: scripted schedules, a fake clock and GraphQL helpers."""

from __future__ import annotations

import json
import socket
import threading
from contextlib import AbstractContextManager
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import anyio.from_thread
import httpx
import yaml

from paradime_bolt_emulator.clock import DEFAULT_START, ManualClock

# 2024-08-27 22:58:57 UTC, the day of the docs' boltRunStatus example.
EPOCH = DEFAULT_START

LONG_STDOUT_LINES = 450
LONG_STDERR_LINES = 30

# Durations are in (fake) seconds: start_delay 1, every command 2 unless scripted.
SCRIPT = {"start_delay": 1, "default_duration": 2}
TEST_SCHEDULES: dict[str, Any] = {
    "schedules": [
        {
            "name": "daily run",
            "description": "nightly",
            "owner_email": "data@acme.io",
            "git_branch": "main",
            "schedule": "0 2 * * *",
            "commands": ["dbt run", "dbt test"],
            "slack_on": ["failed"],
            "slack_notify": ["#data-alerts"],
            "email_on": ["failed", "passed"],
            "email_notify": ["data@acme.io"],
            "emulator": SCRIPT,
        },
        {
            "name": "broken tests",
            "owner_email": "data@acme.io",
            "schedule": "OFF",
            "commands": ["dbt seed", "dbt test", "dbt docs generate"],
            "emulator": {**SCRIPT, "commands": {"dbt test": {"return_code": 1}}},
        },
        {
            "name": "flaky snapshot",
            "schedule": "30 7 * * 1-5",
            "timezone": "Europe/Berlin",
            "commands": ["dbt snapshot", "dbt run"],
            "emulator": {
                **SCRIPT,
                "commands": {"dbt snapshot": {"return_code": 2, "fail_attempts": 1}},
            },
        },
        {
            "name": "chatty export",
            "commands": ["python export.py"],
            "emulator": {
                **SCRIPT,
                "commands": {
                    "python export.py": {
                        "duration": 10,
                        "stdout": "".join(
                            f"exported batch {n}\n" for n in range(LONG_STDOUT_LINES)
                        ),
                        "stderr": "".join(f"warning {n}\n" for n in range(LONG_STDERR_LINES)),
                    }
                },
            },
        },
        {
            "name": "pr checks",
            "owner_email": "platform@acme.io",
            "schedule": "OFF",
            "source": "ui",
            "timezone": "Europe/Berlin",
            "commands": ["dbt build"],
            "turbo_ci": {"enabled": True, "deferred_schedule_name": "daily run"},
            "deferred_schedule": {
                "enabled": True,
                "deferred_schedule_name": "daily run",
                "successful_run_only": True,
            },
            "emulator": SCRIPT,
        },
        {
            "name": "old nightly",
            "schedule": "0 3 * * *",
            "suspended": True,
            "commands": ["dbt run"],
            "emulator": SCRIPT,
        },
    ]
}
# Tiny real durations, for tests against a real server and the CLI.
QUICK_SCHEDULES: dict[str, Any] = {
    "schedules": [
        {
            "name": "quick run",
            "commands": ["dbt run", "dbt test"],
            "emulator": {"start_delay": 0.05, "default_duration": 0.05},
        },
        {
            "name": "slow run",
            "commands": ["dbt run"],
            "emulator": {
                "start_delay": 0.05,
                "default_duration": 0.05,
                "commands": {"dbt run": {"duration": 60}},
            },
        },
    ]
}

FakeClock = ManualClock  # the name these tests use

HEADERS = {"X-API-KEY": "bolt-emulator-key", "X-API-SECRET": "bolt-emulator-secret"}


class InProcessClient:
    """A blocking facade over ``httpx.AsyncClient(transport=httpx.ASGITransport(app))``."""

    def __init__(self, app: Any, base_url: str = "http://emulator.test") -> None:
        self.app = app
        self._portal_cm: AbstractContextManager[Any] = anyio.from_thread.start_blocking_portal()
        self._portal = self._portal_cm.__enter__()
        self._client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url)

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send one request through the app."""
        response: httpx.Response = self._portal.call(
            partial(self._client.request, method, url, **kwargs)
        )
        return response

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        """POST through the app."""
        return self.request("POST", url, **kwargs)

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        """GET through the app."""
        return self.request("GET", url, **kwargs)

    def close(self) -> None:
        """Close the client and the portal."""
        self._portal.call(self._client.aclose)
        self._portal_cm.__exit__(None, None, None)


class Api:
    """Posts GraphQL to the emulator with the API headers and unpacks the answers."""

    def __init__(self, client: Any, endpoint: str, headers: dict[str, str] = HEADERS) -> None:
        self.client = client
        self.endpoint = endpoint
        self.headers = headers

    def call(self, query: str, **variables: Any) -> dict[str, Any]:
        """The whole JSON body; the HTTP status must be 200."""
        response = self.client.post(
            self.endpoint, json={"query": query, "variables": variables}, headers=self.headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def data(self, query: str, **variables: Any) -> dict[str, Any]:
        """The data of an answer that must have no errors."""
        body = self.call(query, **variables)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    def error(self, query: str, **variables: Any) -> dict[str, Any]:
        """The single GraphQL error of an answer whose root field came back null."""
        body = self.call(query, **variables)
        assert len(body.get("errors", [])) == 1, body
        assert all(value is None for value in (body.get("data") or {}).values()), body
        error: dict[str, Any] = body["errors"][0]
        return error

    # shortcuts for the common operations

    def trigger(self, schedule: str = "daily run", **arguments: Any) -> int:
        """Trigger a run by schedule name with optional extra arguments; returns the run id."""
        data = self.data(
            "mutation($name: String, $commands: [String!], $branch: String, $prNumber: Int,"
            " $reason: String, $commandConfigs: [BoltCommandInput!], $continueOnError: Boolean) {"
            " triggerBoltRun(scheduleName: $name, commands: $commands, branch: $branch,"
            " prNumber: $prNumber, reason: $reason, commandConfigs: $commandConfigs,"
            " continueOnError: $continueOnError) { runId } }",
            name=schedule,
            **arguments,
        )
        run_id: int = data["triggerBoltRun"]["runId"]
        return run_id

    def status(self, run_id: int) -> dict[str, Any]:
        """boltRunStatus with every field."""
        status: dict[str, Any] = self.data(
            "query($id: Int!) { boltRunStatus(runId: $id) { ok state commands {"
            " id command startDttm endDttm stdout stderr returnCode } } }",
            id=run_id,
        )["boltRunStatus"]
        return status

    def command(self, command_id: int) -> dict[str, Any]:
        """boltCommand with every field."""
        command: dict[str, Any] = self.data(
            "query($id: Int!) { boltCommand(commandId: $id) { ok command startDttm endDttm"
            " stdout stderr returnCode scheduleRunId resources { id path } } }",
            id=command_id,
        )["boltCommand"]
        return command

    def resource_url(self, resource_id: int) -> dict[str, Any]:
        """boltResourceUrl."""
        url: dict[str, Any] = self.data(
            "query($id: Int!) { boltResourceUrl(resourceId: $id) { ok url } }", id=resource_id
        )["boltResourceUrl"]
        return url


def write_schedules(path: Path, document: dict[str, Any]) -> Path:
    """Write a schedules document as YAML and return its path."""
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def command_ids(status: dict[str, Any]) -> dict[str, int]:
    """Command text to id, from a boltRunStatus answer."""
    return {command["command"]: command["id"] for command in status["commands"]}


class CaptureReceiver:
    """A stdlib HTTP server on a free loopback port that records every POST and answers 202.

    ``url(path)`` is where to send; ``wait_for(n)`` blocks until n requests have arrived.
    """

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str], bytes]] = []
        self._arrived = threading.Condition()
        capture = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with capture._arrived:
                    capture.requests.append((self.path, dict(self.headers), body))
                    capture._arrived.notify_all()
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the test reads the requests instead."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, path: str = "/") -> str:
        """An http URL on this receiver."""
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    def wait_for(self, count: int, timeout: float = 10) -> bool:
        """Whether ``count`` requests arrived within ``timeout`` seconds."""
        with self._arrived:
            return self._arrived.wait_for(lambda: len(self.requests) >= count, timeout)

    def bodies(self) -> list[dict[str, Any]]:
        """The JSON bodies received so far."""
        return [json.loads(body) for _, _, body in self.requests]

    def __enter__(self) -> CaptureReceiver:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


def refused_url(path: str = "/hooks") -> str:
    """An http URL on a loopback port where nothing listens (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"
