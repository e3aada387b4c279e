"""Helpers of the tests: fast polls, and reading back what a flow run left in Prefect."""

from __future__ import annotations

from typing import Any, TypedDict

from paradime_bolt_emulator.pytest_plugin import BoltEmulator

__all__ = ["FAST", "BoltEmulator"]


class Polls(TypedDict):
    poll_interval: float
    max_poll_interval: float


# Fast polls: the emulator's runs last a fraction of a second.
FAST: Polls = {"poll_interval": 0.05, "max_poll_interval": 0.2}
