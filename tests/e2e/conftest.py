"""End-to-end fixtures: the client against a real emulator over loopback HTTP.

Most tests share one emulator for the session (booting uvicorn per test costs more than the
test); those that need a blank history take `fresh_live`. The shared emulator serves the
built-in schedules plus `until cancelled`, whose run is still going whenever a test looks,
however loaded the machine: tests that need a running run use it, never a short one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from paradime_bolt_emulator.pytest_plugin import BoltEmulator, BoltEmulatorFactory
from paradime_bolt_emulator.schedules.spec import builtin_schedules_text
from tests.support.e2e import UNTIL_CANCELLED, live_twin
from tests.support.twins import Twin

_EXTRA_SCHEDULE = f"""
  - name: {UNTIL_CANCELLED}
    schedule: "OFF"
    commands: [dbt build]
    emulator:
      start_delay: 0.05
      commands:
        dbt build: {{duration: 86400}}
"""


@pytest.fixture(scope="session")
def shared_emulator(
    bolt_emulator_factory: BoltEmulatorFactory, tmp_path_factory: pytest.TempPathFactory
) -> BoltEmulator:
    schedules = tmp_path_factory.mktemp("e2e") / "paradime_schedules.yml"
    schedules.write_text(builtin_schedules_text() + _EXTRA_SCHEDULE, encoding="utf-8")
    return bolt_emulator_factory(schedules=Path(schedules))


@pytest.fixture(params=["sync", "async"])
def live(request: pytest.FixtureRequest, shared_emulator: BoltEmulator) -> Twin:
    """A sync or async client for the session's shared emulator, called the same way."""
    return live_twin(request.param, shared_emulator)


@pytest.fixture(params=["sync", "async"])
def fresh_live(request: pytest.FixtureRequest, bolt_emulator: BoltEmulator) -> Twin:
    """A sync or async client for an emulator of its own: built-in schedules, no runs yet."""
    return live_twin(request.param, bolt_emulator)
