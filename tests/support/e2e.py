"""What the end-to-end tests share with their fixtures (tests/e2e/conftest.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .twins import Twin

if TYPE_CHECKING:
    from paradime_bolt_emulator.pytest_plugin import BoltEmulator

UNTIL_CANCELLED = "until cancelled"
"""A schedule of the shared emulator whose run is still going whenever a test looks."""


def live_twin(kind: str, emulator: BoltEmulator) -> Twin:
    """A sync or async client for `emulator`, on real time."""
    return Twin(
        kind,
        simulated_time=False,
        endpoint=emulator.endpoint,
        api_key=emulator.api_key,
        api_secret=emulator.api_secret,
    )
