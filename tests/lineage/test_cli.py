"""`paradime-bolt runs lineage` as users run it (a process): JSON Lines on stdout; --emit through
the OpenLineage client configured the usual way, to a local HTTP receiver and to a file; a backend
that cannot be reached is a warning (exit 0), or exit 5 with --strict (issue 24)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from .spec import validate_event

NS = "postgres://warehouse.example.com:5432"


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A lineage backend on loopback: what it receives, in order."""
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(
                {"path": self.path, "auth": self.headers.get("Authorization"), **json.loads(body)}
            )
            self.send_response(201)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()


def cli(bolt: Any, cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("OPENLINEAGE", "PARADIME_"))
    }
    return subprocess.run(
        [sys.executable, "-m", "paradime_bolt.cli", "runs", "lineage", *args],
        env={**environ, **bolt.env, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_json_prints_every_event_as_one_line(
    bolt: Any, runs: dict[str, int], tmp_path: Path
) -> None:
    done = cli(bolt, tmp_path, str(runs["model fails"]), "--namespace", NS, "--json")
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stdout.splitlines()]
    assert events[0]["eventType"] == "START"
    assert events[-1]["eventType"] == "FAIL"
    assert {"FAIL"} <= {e["eventType"] for e in events[1:-1]}
    for event in events:
        validate_event(event)


def test_emit_sends_every_event_to_the_http_backend(
    bolt: Any, runs: dict[str, int], tmp_path: Path, receiver: tuple[str, list[dict[str, Any]]]
) -> None:
    url, received = receiver
    run = str(runs["seed build test"])
    printed = cli(bolt, tmp_path, run, "--namespace", NS, "--json", "--job-name", "nightly")
    expected = [json.loads(line) for line in printed.stdout.splitlines()]
    done = cli(
        bolt, tmp_path, run, "--namespace", NS, "--emit", "--job-name", "nightly",
        "--job-namespace", "bolt-prod",
        OPENLINEAGE_URL=url, OPENLINEAGE_API_KEY="ol-key-123",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"{len(expected)} of {len(expected)} OpenLineage events sent" in done.stdout
    assert len(received) == len(expected)
    assert {r["path"] for r in received} == {"/api/v1/lineage"}
    assert {r["auth"] for r in received} == {"Bearer ol-key-123"}
    assert [(r["eventType"], r["job"]["name"]) for r in received] == [
        (e["eventType"], e["job"]["name"]) for e in expected
    ]
    assert {r["job"]["namespace"] for r in received} == {"bolt-prod"}
    assert received[0]["run"]["runId"] == received[-1]["run"]["runId"]
    for event in received:
        event.pop("path")
        event.pop("auth")
        validate_event(event)


def test_emit_through_openlineage_yml_writes_a_file(
    bolt: Any, runs: dict[str, int], tmp_path: Path
) -> None:
    out = tmp_path / "events.jsonl"
    (tmp_path / "openlineage.yml").write_text(
        f"transport:\n  type: file\n  log_file_path: {out}\n  append: true\n"
    )
    done = cli(bolt, tmp_path, str(runs["seed build test"]), "--namespace", NS, "--emit")
    assert done.returncode == 0, done.stderr
    written = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(written) > 20
    assert f"{len(written)} of {len(written)} OpenLineage events sent" in done.stdout


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_backend_is_a_warning_unless_strict(
    bolt: Any, runs: dict[str, int], tmp_path: Path
) -> None:
    (tmp_path / "openlineage.yml").write_text(
        "transport:\n  type: http\n"
        f"  url: http://127.0.0.1:{closed_port()}\n  retry: {{total: 0, connect: 0}}\n"
    )
    run = str(runs["seed build test"])
    done = cli(bolt, tmp_path, run, "--namespace", NS, "--emit")
    assert done.returncode == 0, done.stderr
    assert "could not be reached" in done.stderr
    assert "0 of " in done.stdout
    strict = cli(bolt, tmp_path, run, "--namespace", NS, "--emit", "--strict")
    assert strict.returncode == 5, strict.stderr
    assert "--strict" in strict.stderr


def test_a_run_without_artifacts_warns_and_strict_fails(
    bolt: Any, runs: dict[str, int], tmp_path: Path
) -> None:
    done = cli(bolt, tmp_path, str(runs["deps fails"]), "--namespace", NS, "--json")
    assert done.returncode == 0
    assert len(done.stdout.splitlines()) == 2  # the run's START and FAIL
    assert "warning: run" in done.stderr
    assert "target/manifest.json" in done.stderr
    strict = cli(bolt, tmp_path, str(runs["deps fails"]), "--namespace", NS, "--json", "--strict")
    assert strict.returncode == 5


def test_usage_errors_exit_2(bolt: Any, runs: dict[str, int], tmp_path: Path) -> None:
    run = str(runs["deps fails"])
    assert cli(bolt, tmp_path, run, "--namespace", NS, "--json", "--emit").returncode == 2
    assert cli(bolt, tmp_path, run, "--json").returncode == 2
    both = cli(bolt, tmp_path, run, "--namespace", NS, "--profiles-dir", str(tmp_path), "--json")
    assert both.returncode == 2


def test_a_bad_profile_is_a_configuration_error(
    bolt: Any, runs: dict[str, int], tmp_path: Path
) -> None:
    (tmp_path / "profiles.yml").write_text("shop:\n  target: prod\n  outputs: {}\n")
    done = cli(
        bolt, tmp_path, str(runs["seed build test"]), "--profiles-dir", str(tmp_path), "--json"
    )
    assert done.returncode == 4
    assert "no target 'prod'" in done.stderr
