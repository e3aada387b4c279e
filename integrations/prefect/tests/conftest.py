"""Fixtures: one Prefect test server and one emulator for the session, and `BoltCredentials`
pointing at the emulator. Each test uses its own schedule of `paradime_schedules.yml`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect.testing.utilities import prefect_test_harness

from paradime_bolt_emulator.pytest_plugin import BoltEmulator, BoltEmulatorFactory
from prefect_paradime_bolt import BoltCredentials

HERE = Path(__file__).parent


@pytest.fixture(scope="session", autouse=True)
def prefect_server() -> Iterator[None]:
    """A temporary Prefect server (its own SQLite database) that every flow reports to."""
    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture(scope="session")
def emulator(bolt_emulator_factory: BoltEmulatorFactory) -> BoltEmulator:
    return bolt_emulator_factory(schedules=HERE / "paradime_schedules.yml")


@pytest.fixture
def credentials(emulator: BoltEmulator) -> BoltCredentials:
    return BoltCredentials(
        endpoint=emulator.endpoint, api_key=emulator.api_key, api_secret=emulator.api_secret
    )
