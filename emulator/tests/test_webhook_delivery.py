"""Webhooks from a real emulator server: delivered to a live receiver, and never holding runs up
when the receiver is dead (connection refused) or slow (never answers)."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from paradime_bolt_emulator import EmulatorConfig, EmulatorServer

from .support import Api, CaptureReceiver, refused_url

pytestmark = pytest.mark.e2e


def _server(
    schedules: Path,
    urls: list[str],
    *,
    timeout: float = 5.0,
    backoff: float = 0.2,
    drain: float = 2.0,
) -> EmulatorServer:
    """A server (not started) for these schedules and webhook URLs."""
    config = EmulatorConfig(
        port=0,
        log_level="warning",
        schedules=schedules,
        webhook_urls=tuple(urls),
        webhook_timeout=timeout,
        webhook_backoff=backoff,
        webhook_drain_timeout=drain,
    )
    return EmulatorServer(config)


def _wait_for_state(api: Api, run_id: int, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state: str = api.status(run_id)["state"]
        if state not in ("STARTING", "RUNNING"):
            return state
        time.sleep(0.02)
    raise AssertionError(f"run {run_id} did not finish")


def test_a_live_receiver_gets_started_then_completed(quick_schedules_file: Path) -> None:
    with CaptureReceiver() as receiver:
        url = receiver.url("/hooks/s3cret")
        with _server(quick_schedules_file, [url]) as server, httpx.Client() as http:
            api = Api(http, server.endpoint)
            run_id = api.trigger("quick run")
            assert receiver.wait_for(2)
            endpoint = server.endpoint
    (path, headers, _), _ = receiver.requests
    assert path == "/hooks/s3cret"
    assert headers["Content-Type"] == "application/json"
    assert [h["X-Paradime-Event"] for _, h, _ in receiver.requests] == [
        "bolt.run.started",
        "bolt.run.completed",
    ]
    started, completed = receiver.bodies()
    assert started["api_url"] == completed["api_url"] == endpoint  # the real port, not 0
    assert (started["run_id"], completed["run_id"]) == (run_id, run_id)
    assert completed["state"] == "SUCCESS"
    assert [c["command"] for c in completed["commands"]] == [
        "git clone ...",
        "dbt deps",
        "dbt run",
        "dbt test",
    ]


@pytest.fixture
def silent_port() -> Iterator[str]:
    """A loopback URL whose server accepts connections (the backlog) but never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/hooks"


@pytest.mark.parametrize("receiver", ["dead", "slow"])
def test_a_dead_or_slow_receiver_never_holds_runs_up(
    receiver: str,
    quick_schedules_file: Path,
    silent_port: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = refused_url() if receiver == "dead" else silent_port
    # A minute to answer, a minute before a retry: every delivery is still pending throughout.
    server = _server(quick_schedules_file, [url], timeout=60, backoff=60, drain=0.3).start()
    try:
        with httpx.Client() as http:
            api = Api(http, server.endpoint)
            run_id = api.trigger("quick run")
            assert _wait_for_state(api, run_id) == "SUCCESS"
            second = api.trigger("quick run")  # and the next run is not held up either
            assert _wait_for_state(api, second) == "SUCCESS"
        sender = server.webhooks
        assert sender is not None
        # Two runs ended while no delivery had: the runs never waited for their webhooks.
        assert sender.counts() == type(sender.counts())(delivered=0, failed=0, dropped=0)
    finally:
        with caplog.at_level(logging.WARNING, logger="paradime_bolt_emulator.webhooks"):
            server.stop()
    # Stopping gave up on them at the drain deadline instead of waiting out the minute.
    assert "webhook deliveries unfinished after 0.3s" in caplog.text


def test_events_are_dropped_not_queued_forever_once_stopped(quick_schedules_file: Path) -> None:
    server = _server(quick_schedules_file, [refused_url()], backoff=0.01).start()
    sender = server.webhooks
    server.stop()
    assert sender is not None
    assert server.webhooks is None
    assert sender.flush(0)  # nothing pending after stop


def test_without_urls_there_is_no_sender(quick_schedules_file: Path) -> None:
    with EmulatorServer(schedules=quick_schedules_file) as server:
        assert server.webhooks is None
    with pytest.raises(TypeError, match="sequence"):
        EmulatorServer(webhook_urls="http://127.0.0.1:9/hooks")
