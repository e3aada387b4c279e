"""Fixtures for the emulator tests.

Most tests drive the ASGI app in process (``httpx.ASGITransport``) with a fake clock, so run
progress is exact and nothing sleeps; tests of the real server, restarts and the CLI use
``EmulatorServer`` or a subprocess with tiny real durations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from paradime_bolt_emulator import EmulatorConfig, create_app
from paradime_bolt_emulator.runs.events import RunEvent

from .support import (
    QUICK_SCHEDULES,
    TEST_SCHEDULES,
    Api,
    FakeClock,
    InProcessClient,
    write_schedules,
)


@pytest.fixture
def schedules_file(tmp_path: Path) -> Path:
    """The scripted test schedules, as a YAML file."""
    return write_schedules(tmp_path / "paradime_schedules.yml", TEST_SCHEDULES)


@pytest.fixture
def quick_schedules_file(tmp_path: Path) -> Path:
    """Schedules with tiny real durations."""
    return write_schedules(tmp_path / "quick_schedules.yml", QUICK_SCHEDULES)


@pytest.fixture
def clock() -> FakeClock:
    """Fake time, starting at EPOCH."""
    return FakeClock()


@pytest.fixture
def events() -> list[RunEvent]:
    """Run events delivered to the app's listener."""
    return []


@pytest.fixture
def make_app(
    schedules_file: Path, clock: FakeClock, events: list[RunEvent]
) -> Iterator[Callable[..., Any]]:
    """Build in-process apps over the test schedules and fake clock; closed at teardown."""
    apps: list[Any] = []

    def build(**overrides: Any) -> Any:
        config = EmulatorConfig(**{"schedules": schedules_file, **overrides})
        app = create_app(config, clock=clock, listeners=[events.append])
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.state.emulator.close()


@pytest.fixture
def client(make_app: Callable[..., Any]) -> Iterator[InProcessClient]:
    """An httpx client talking to an in-process emulator app."""
    in_process = InProcessClient(make_app())
    yield in_process
    in_process.close()


@pytest.fixture
def api(client: InProcessClient) -> Api:
    """GraphQL helpers over the in-process emulator."""
    return Api(client, "/graphql")
