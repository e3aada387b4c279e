"""One emulator for the lineage tests (scripted dbt, its built-in artifacts), and the finished
runs they read: each schedule is run once per session."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("openlineage.common", reason="the openlineage extra is not installed")


@pytest.fixture(scope="session")
def bolt(bolt_emulator_factory: Any) -> Any:
    return bolt_emulator_factory(schedules="tests/lineage/schedules.yml")


@pytest.fixture(scope="session")
def runs(bolt: Any) -> dict[str, int]:
    """The run id of each schedule of schedules.yml, every one finished."""
    found = {}
    for name in ("seed build test", "model fails", "tests fail", "deps fails"):
        run = bolt.client.trigger_and_wait(name, timeout=600, poll_interval=0.05)
        found[name] = run.run_id
    return found
