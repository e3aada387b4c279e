"""EmulatorProcess: the emulator in a process of its own."""

from __future__ import annotations

import httpx
import pytest

from paradime_bolt_emulator import EmulatorProcess

pytestmark = pytest.mark.subprocess


def test_it_serves_and_stops_cleanly() -> None:
    with EmulatorProcess("--log-level", "warning") as emulator:
        assert emulator.pid > 0
        health = httpx.get(emulator.endpoint.replace("/graphql", "/healthz"), timeout=10)
        assert health.json() == {"status": "ok"}
    assert emulator.exit_code == 0


def test_a_process_that_exits_before_serving_says_so() -> None:
    with pytest.raises(RuntimeError, match=r"exited \(code 2\) before printing its endpoint"):
        EmulatorProcess("--port", "not-a-port").start()


def test_stopping_what_never_started_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="has not been started"):
        EmulatorProcess().stop()
