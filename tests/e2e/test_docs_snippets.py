"""The log-following snippet of docs/waiting.md, run as written against the emulator.

The emulator's clock is the client's: every sleep of the client (polling, waiting for log
lines) moves it, so a run takes no real time and the snippet starts while the run is STARTING,
which is when a snippet that looks only at the commands already there prints nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from paradime_bolt import BoltClient, Clock
from paradime_bolt_emulator import EmulatorServer
from tests.support.clocks import FakeClock

pytestmark = pytest.mark.e2e

PAGE = Path(__file__).parents[2] / "docs" / "waiting.md"

SCHEDULES = """\
schedules:
  - name: logged build
    schedule: "OFF"
    commands: [dbt run, dbt test]
    emulator:
      start_delay: 5
      default_duration: 3
      commands:
        dbt test: {return_code: 1, stderr: "Failure in test not_null_orders_id"}
"""


class SharedTime(Clock):
    """The client's clock is the emulator's: each wait of the client moves it on."""

    def __init__(self, emulator_clock: FakeClock) -> None:
        self.emulator_clock = emulator_clock

    def now(self) -> float:
        return self.emulator_clock()

    def sleep(self, seconds: float) -> None:
        self.emulator_clock.advance(seconds)


def snippet(title: str) -> str:
    """The first Python block of the section `## title` of docs/waiting.md."""
    text = PAGE.read_text(encoding="utf-8")
    pattern = rf"^## {re.escape(title)}\n(?:(?!^## ).)*?```python\n(.*?)```"
    match = re.search(pattern, text, re.DOTALL | re.MULTILINE)
    assert match, f"docs/waiting.md has no Python block under ## {title}"
    return match.group(1)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def bolt(tmp_path: Path, clock: FakeClock) -> Iterator[BoltClient]:
    schedules = tmp_path / "paradime_schedules.yml"
    schedules.write_text(SCHEDULES, encoding="utf-8")
    with (
        EmulatorServer(port=0, db=None, schedules=schedules, clock=clock) as server,
        BoltClient(
            endpoint=server.endpoint,
            api_key=server.api_key,
            api_secret=server.api_secret,
            clock=SharedTime(clock),
        ) as client,
    ):
        yield client


def test_following_the_logs_of_a_run_just_triggered_prints_every_command(
    bolt: BoltClient,
) -> None:
    run_id = bolt.trigger_bolt_run("logged build").run_id
    assert bolt.bolt_run_progress(run_id).state == "STARTING"
    printed: list[tuple[Any, ...]] = []
    namespace: dict[str, Any] = {
        "bolt": bolt,
        "run_id": run_id,
        "print": lambda *a: printed.append(a),
    }

    exec(compile(snippet("Logs, as they are written"), "docs/waiting.md", "exec"), namespace)

    status = bolt.bolt_run_status(run_id)
    assert status.run_state.is_terminal
    expected = [
        (line.stream, line.line)
        for command in sorted(status.commands or [], key=lambda c: c.id)
        for line in bolt.iter_command_logs(command.id, follow=False)
    ]
    assert len({c.id for c in status.commands or []}) == 4  # git clone, dbt deps, run, test
    assert ("STDERR", "Failure in test not_null_orders_id") in expected
    assert printed == expected
