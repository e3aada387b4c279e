"""Fixtures: one emulator for the session (the `bolt_emulator_factory` of paradime-bolt's pytest
plugin), its manifest, and a `BoltResource` pointing at it. Each test uses its own schedule of
`paradime_schedules.yml`, so the shared emulator's history does not leak between tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypedDict

import pytest

from dagster_paradime_bolt import BoltResource

# The one import of the emulator's fixture types (tests take them from here).
from paradime_bolt_emulator.pytest_plugin import BoltEmulator, BoltEmulatorFactory

__all__ = ["FAST", "BoltEmulator", "Polls"]

HERE = Path(__file__).parent


class Polls(TypedDict):
    poll_interval: float
    max_poll_interval: float


# Fast polls: the emulator's runs last a fraction of a second.
FAST: Polls = {"poll_interval": 0.02, "max_poll_interval": 0.1}


@pytest.fixture(scope="session")
def emulator(bolt_emulator_factory: BoltEmulatorFactory) -> BoltEmulator:
    return bolt_emulator_factory(schedules=HERE / "paradime_schedules.yml")


@pytest.fixture(scope="session")
def manifest(emulator: BoltEmulator) -> dict[str, Any]:
    """The manifest.json of a finished run, as `fetch-manifest` would save it."""
    run = emulator.client.trigger_and_wait("full refresh", raise_on_failure=True, **FAST)
    document: dict[str, Any] = emulator.client.download_json_artifact(run.run_id)
    return document


@pytest.fixture
def bolt(emulator: BoltEmulator) -> BoltResource:
    return BoltResource(
        endpoint=emulator.endpoint, api_key=emulator.api_key, api_secret=emulator.api_secret
    )
