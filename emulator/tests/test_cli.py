"""The command line: options, credentials, webhooks, and the real process (banner, clean stops)."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import httpx
import pytest

from paradime_bolt_emulator import EmulatorConfig, build_parser, main
from paradime_bolt_emulator.cli import config_from_args
from paradime_bolt_emulator.schedules.spec import load_builtin_schedules, load_schedules_file

from .support import CaptureReceiver

pytestmark = pytest.mark.subprocess

ENDPOINT_LINE = re.compile(r"http://127\.0\.0\.1:(\d+)/graphql")


class Emulator:
    """``python -m paradime_bolt_emulator`` in a subprocess, its output read in the background."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        clean = {k: v for k, v in os.environ.items() if not k.startswith("PARADIME_API_")}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "paradime_bolt_emulator", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**clean, **(env or {})},
        )
        self.stdout: queue.Queue[str] = queue.Queue()
        self.lines: list[str] = []
        self.errors: list[str] = []
        assert self.process.stdout is not None
        assert self.process.stderr is not None
        self._readers = [
            threading.Thread(target=self._pump, args=(self.process.stdout, self.stdout.put)),
            threading.Thread(target=self._pump, args=(self.process.stderr, self.errors.append)),
        ]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _pump(stream: IO[str], sink: object) -> None:
        for line in stream:
            sink(line.rstrip("\n"))  # type: ignore[operator]

    def wait_for_endpoint(self, timeout: float = 60) -> str:
        """Read stdout until the endpoint line; fail if it does not come in time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.stdout.get(timeout=0.1)
            except queue.Empty:
                assert self.process.poll() is None, "\n".join(self.errors)
                continue
            self.lines.append(line)
            if ENDPOINT_LINE.fullmatch(line):
                return line
        raise AssertionError(f"no endpoint line in {self.lines} / {self.errors}")

    def stop(self, signum: int, timeout: float = 60) -> int:
        """Send a signal and return the exit status."""
        self.process.send_signal(signum)
        code = self.process.wait(timeout)
        for reader in self._readers:
            reader.join(5)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()
        while not self.stdout.empty():
            self.lines.append(self.stdout.get())
        return code

    def output(self) -> str:
        return "\n".join(self.lines + self.errors)


def graphql(endpoint: str, key: str, secret: str) -> httpx.Response:
    return httpx.post(
        endpoint,
        json={"query": "{ listBoltSchedules { totalCount } }"},
        headers={"X-API-KEY": key, "X-API-SECRET": secret},
    )


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_the_process_serves_and_stops_cleanly(signum: int, quick_schedules_file: Path) -> None:
    emulator = Emulator("--schedules", str(quick_schedules_file))
    try:
        endpoint = emulator.wait_for_endpoint()
        assert "emulator" in emulator.lines[0].lower()
        assert emulator.lines[-1] == endpoint
        assert int(ENDPOINT_LINE.fullmatch(endpoint).group(1)) > 0  # type: ignore[union-attr]
        response = graphql(endpoint, "bolt-emulator-key", "bolt-emulator-secret")
        assert response.json() == {"data": {"listBoltSchedules": {"totalCount": 2}}}
        assert graphql(endpoint, "bolt-emulator-key", "nope").status_code == 401
    finally:
        code = emulator.stop(signum)
    assert code == 0, emulator.output()
    assert "API key: bolt-emulator-key" in emulator.lines
    assert "API secret: bolt-emulator-secret (development default)" in emulator.lines
    assert "Traceback" not in emulator.output()


def test_a_configured_secret_is_never_printed(tmp_path: Path) -> None:
    secret = "s3cret-from-the-environment"
    emulator = Emulator(
        "--api-key", "team-key", "--db", str(tmp_path / "bolt.db"),
        env={"PARADIME_API_SECRET": secret, "PARADIME_API_KEY": "ignored-key"},
    )  # fmt: skip
    try:
        endpoint = emulator.wait_for_endpoint()
        assert graphql(endpoint, "team-key", secret).status_code == 200
        assert graphql(endpoint, "ignored-key", secret).status_code == 401
        assert graphql(endpoint, "team-key", "wrong").status_code == 401
        failed = httpx.post(  # an API error, which the emulator logs
            endpoint,
            json={"query": 'mutation { triggerBoltRun(scheduleName: "nope") { runId } }'},
            headers={"X-API-KEY": "team-key", "X-API-SECRET": secret},
        )
        assert "ScheduleNotFoundException" in failed.text
    finally:
        code = emulator.stop(signal.SIGTERM)
    assert code == 0
    assert "API key: team-key" in emulator.lines
    assert "API secret: (as configured)" in emulator.lines
    assert secret not in emulator.output()
    assert (tmp_path / "bolt.db").exists()


def test_a_bad_schedules_file_exits_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("schedules: [{name: x}]\n", encoding="utf-8")
    assert main(["--port", "0", "--schedules", str(bad)]) == 2
    error = capsys.readouterr().err
    assert f"{bad}: schedules[0] ('x').commands: is required" in error


def test_options_and_defaults() -> None:
    args = build_parser().parse_args([])
    assert (args.host, args.port, args.db, args.schedules) == ("127.0.0.1", 8765, None, None)
    assert (args.url_ttl, args.log_level) == (300, "info")
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--port", "70000"])
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--url-ttl", "0"])


def test_credentials_come_from_options_then_environment_then_defaults() -> None:
    parser = build_parser()
    environ = {"PARADIME_API_KEY": "env-key", "PARADIME_API_SECRET": "env-secret"}
    from_env = config_from_args(parser.parse_args([]), environ)
    assert (from_env.api_key, from_env.api_secret) == ("env-key", "env-secret")
    assert from_env.uses_default_secret is False
    assert "env-secret" not in repr(from_env)
    given = config_from_args(parser.parse_args(["--api-key", "k", "--api-secret", "s"]), environ)
    assert (given.api_key, given.api_secret) == ("k", "s")
    default = config_from_args(parser.parse_args([]), {})
    assert (default.api_key, default.api_secret) == ("bolt-emulator-key", "bolt-emulator-secret")
    assert default.uses_default_secret is True


def test_webhook_urls_and_latency_options() -> None:
    parser = build_parser()
    defaults = config_from_args(parser.parse_args([]), {})
    assert (defaults.webhook_urls, defaults.latency_ms) == ((), 0.0)
    args = parser.parse_args(
        [
            "--webhook-url", "http://127.0.0.1:9000/hooks/tok",
            "--webhook-url", "https://hooks.example.com/bolt",
            "--latency-ms", "12.5",
        ]
    )  # fmt: skip
    config = config_from_args(args, {})
    assert config.webhook_urls == (
        "http://127.0.0.1:9000/hooks/tok",
        "https://hooks.example.com/bolt",
    )
    assert config.latency_ms == 12.5
    assert "hooks/tok" not in repr(config)


@pytest.mark.parametrize(
    "argv",
    [
        ["--webhook-url", "ftp://example.com/hooks/s3cret"],
        ["--webhook-url", "/hooks/s3cret"],
        ["--webhook-url", "http://"],
        ["--webhook-url", "http://host:notaport/s3cret"],
        ["--latency-ms", "-1"],
        ["--latency-ms", "nan"],
        ["--latency-ms", "soon"],
    ],
)
def test_bad_webhook_urls_and_latencies_are_refused(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(argv)
    error = capsys.readouterr().err
    assert argv[0] in error
    assert "s3cret" not in error  # a URL is never echoed: its path may hold a secret


def test_the_config_checks_webhook_urls_without_echoing_them() -> None:
    with pytest.raises(ValueError, match=r"webhook URL #2 is not an absolute") as caught:
        EmulatorConfig(webhook_urls=("http://ok.test/", "mailto:s3cret@example.com"))
    assert "s3cret" not in str(caught.value)
    listed = EmulatorConfig(webhook_urls=["http://ok.test/"])  # type: ignore[arg-type]
    assert listed.webhook_urls == ("http://ok.test/",)
    for bad in (
        {"latency_ms": -1.0},
        {"webhook_attempts": 0},
        {"webhook_timeout": 0.0},
        {"webhook_backoff": float("inf")},
    ):
        with pytest.raises(ValueError, match=next(iter(bad))):
            EmulatorConfig(**bad)


def test_the_process_sends_webhooks_and_keeps_their_secret(quick_schedules_file: Path) -> None:
    token = "path-token-never-logged"
    with CaptureReceiver() as receiver:
        url = receiver.url(f"/hooks/{token}")
        emulator = Emulator(
            "--schedules", str(quick_schedules_file), "--webhook-url", url,
            "--latency-ms", "1", "--log-level", "info",
        )  # fmt: skip
        try:
            endpoint = emulator.wait_for_endpoint()
            triggered = httpx.post(
                endpoint,
                json={"query": 'mutation { triggerBoltRun(scheduleName: "quick run") { runId } }'},
                headers={"X-API-KEY": "bolt-emulator-key", "X-API-SECRET": "bolt-emulator-secret"},
            )
            assert triggered.status_code == 200, triggered.text
            assert receiver.wait_for(2)
        finally:
            code = emulator.stop(signal.SIGTERM)
    assert code == 0, emulator.output()
    started, completed = receiver.bodies()
    assert (started["event"], completed["event"]) == ("bolt.run.started", "bolt.run.completed")
    assert completed["api_url"] == endpoint
    assert f"Webhooks: {receiver.url('')}/..." in emulator.lines
    assert "Latency: 1 ms per GraphQL request" in emulator.lines
    assert token not in emulator.output()  # not in the banner, nor in any log line


def test_print_schedules_gives_a_file_the_emulator_loads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--print-schedules"]) == 0
    printed = capsys.readouterr().out
    target = tmp_path / "paradime_schedules.yml"
    target.write_text(printed, encoding="utf-8")
    names = [spec.name for spec in load_schedules_file(target)]
    assert names == [spec.name for spec in load_builtin_schedules()]
    assert "daily run" in names and printed.startswith("# ")  # the commented example


WORKSPACE_TOKEN = "prdm_wsp_cli-token-never-printed"
ACCOUNT_KEY = "prdm_cmp_cli-key-never-printed"


def test_token_and_workspace_options() -> None:
    parser = build_parser()
    args = parser.parse_args(
        [
            "--workspace-token", WORKSPACE_TOKEN, "--account-key", ACCOUNT_KEY,
            "--workspace", "ws-a", "--workspace", "ws-b=other.yml",
        ]
    )  # fmt: skip
    config = config_from_args(args, {})
    assert (config.workspace_token, config.account_key) == (WORKSPACE_TOKEN, ACCOUNT_KEY)
    assert config.workspaces == ("ws-a", "ws-b")
    assert config.schedules_of("ws-b") == Path("other.yml")
    assert config.schedules_of("ws-a") is None
    default = config_from_args(parser.parse_args([]), {})
    assert (default.workspace_token, default.account_key) == (None, None)
    assert default.workspace_uids == ("bolt-emulator-workspace",)


@pytest.mark.parametrize(
    "argv",
    [
        ["--workspace-token", ACCOUNT_KEY],
        ["--workspace-token", "prdm_wsp_"],
        ["--account-key", WORKSPACE_TOKEN],
        ["--account-key", "prdm_cmp_with space"],
        ["--workspace", ""],
        ["--workspace", "ws a"],
        ["--workspace", "ws-b="],
    ],
)
def test_bad_token_and_workspace_options_are_refused_without_echoing_tokens(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(argv)
    error = capsys.readouterr().err
    assert argv[0] in error
    assert WORKSPACE_TOKEN not in error and ACCOUNT_KEY not in error


def test_the_process_accepts_tokens_and_never_prints_them(quick_schedules_file: Path) -> None:
    emulator = Emulator(
        "--schedules", str(quick_schedules_file), "--log-level", "debug",
        "--workspace-token", WORKSPACE_TOKEN, "--account-key", ACCOUNT_KEY,
        "--workspace", "ws-a", "--workspace", "ws-b",
    )  # fmt: skip
    query = {"query": "{ listBoltSchedules { totalCount } }"}
    try:
        endpoint = emulator.wait_for_endpoint()
        answers = [
            httpx.post(endpoint, json=query, headers=headers).status_code
            for headers in (
                {"Authorization": f"Bearer {WORKSPACE_TOKEN}"},
                {"Authorization": f"Bearer {ACCOUNT_KEY}", "X-Paradime-Workspace": "ws-b"},
                {"Authorization": f"Bearer {ACCOUNT_KEY}"},
                {"Authorization": f"Bearer {WORKSPACE_TOKEN}", "X-Paradime-Workspace": "ws-b"},
                {"Authorization": "Bearer prdm_wsp_wrong"},
            )
        ]
        failed = httpx.post(  # an API error, which the emulator logs
            endpoint,
            json={"query": 'mutation { triggerBoltRun(scheduleName: "nope") { runId } }'},
            headers={"Authorization": f"Bearer {ACCOUNT_KEY}", "X-Paradime-Workspace": "ws-a"},
        )
        assert "ScheduleNotFoundException" in failed.text
    finally:
        code = emulator.stop(signal.SIGTERM)
    assert code == 0, emulator.output()
    assert answers == [200, 200, 400, 403, 401]
    assert "Workspace token: (as configured)" in emulator.lines
    assert "Account API key: (as configured)" in emulator.lines
    assert "Workspaces: ws-a (default), ws-b" in emulator.lines
    assert WORKSPACE_TOKEN not in emulator.output()
    assert ACCOUNT_KEY not in emulator.output()
