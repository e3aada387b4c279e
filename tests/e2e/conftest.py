"""End-to-end fixtures: the client against a real emulator over loopback HTTP."""

from __future__ import annotations

import pytest

from paradime_bolt.pytest_plugin import BoltEmulator
from tests.conftest import Twin


@pytest.fixture(params=["sync", "async"])
def live(request: pytest.FixtureRequest, bolt_emulator: BoltEmulator) -> Twin:
    """A sync or async client for the emulator, called the same way."""
    return Twin(
        request.param,
        simulated_time=False,
        endpoint=bolt_emulator.endpoint,
        api_key=bolt_emulator.api_key,
        api_secret=bolt_emulator.api_secret,
    )
