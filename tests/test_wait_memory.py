"""What a wait holds while it sleeps: only the polled state, never the last `RunProgress` model,
so a thousand waits in one process (an Airflow triggerer) do not each keep a run's commands."""

from __future__ import annotations

import gc

from paradime_bolt import SimulatedClock
from paradime_bolt.models import RunProgress
from tests.support import payloads as p
from tests.support.fake_api import GraphQLScript
from tests.support.twins import Twin


def _progress_models() -> int:
    gc.collect()
    return sum(isinstance(o, RunProgress) for o in gc.get_objects())


class CountingClock(SimulatedClock):
    """A simulated clock that counts the `RunProgress` models alive at each wait, beyond those
    alive when it was made (an earlier test in the same worker may still hold some)."""

    def __init__(self) -> None:
        super().__init__()
        self.before = _progress_models()
        self.alive: list[int] = []

    def sleep(self, seconds: float) -> None:
        self.alive.append(_progress_models() - self.before)
        super().sleep(seconds)


def test_a_wait_holds_no_progress_model_between_polls(twin: Twin, script: GraphQLScript) -> None:
    states = ["STARTING", "RUNNING", "RUNNING", "SUCCESS"]
    commands = [p.command(1, "dbt deps", 0), p.command(2, "dbt run", None)]
    script.on("BoltRunProgress", *(p.progress(s, *commands) for s in states))
    script.on("BoltRunStatus", p.status("SUCCESS"))
    clock = CountingClock()
    status = Twin(twin.kind, clock=clock).call("wait_for_run", 7)
    assert status.state == "SUCCESS"
    assert clock.alive == [0, 0, 0], "a progress model outlived its poll"
