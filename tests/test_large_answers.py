"""A large answer is validated with the cyclic GC paused, only when that is safe."""

from __future__ import annotations

import gc
import threading

import pytest

from paradime_bolt import _response
from paradime_bolt._response import PAUSE_GC_FROM_BYTES
from tests.support.large_answers import client_answering, large_command_answer
from tests.support.subprocesses import run_python

BIG = large_command_answer(10_000)


def test_the_answer_is_large_enough_to_pause_for() -> None:
    assert len(BIG) >= PAUSE_GC_FROM_BYTES


PAUSED = """
import gc, json
from tests.support.large_answers import client_answering, large_command_answer
BIG = large_command_answer(10_000)
from paradime_bolt import InvalidResponseError
runs = []
gc.set_threshold(700, 10, 10)
gc.callbacks.append(lambda phase, info: runs.append(info["generation"]) if phase == "start" else 0)
bolt = client_answering(BIG)
bolt.bolt_command(1)  # the models are built once, outside the count
from paradime_bolt import _response
switches = []
class Recording:  # the real gc, recording the client's switches
    isenabled = staticmethod(gc.isenabled)
    def disable(self): switches.append("disable"); gc.disable()
    def enable(self): switches.append("enable"); gc.enable()
_response.gc = Recording()
runs.clear()
resources = len(bolt.bolt_command(1).resources or [])
during, enabled_after = len(runs), gc.isenabled()
broken = BIG.replace(b'"id": 9999,', b'"id": "nine",')
try:
    client_answering(broken).bolt_command(1)
    error = None
except InvalidResponseError as exc:
    error = "does not fit the schema" in str(exc)
print(json.dumps({"resources": resources, "gc_runs": during, "enabled_after": enabled_after,
                  "switches": switches,
                  "error": error, "enabled_after_error": gc.isenabled()}))
"""


@pytest.mark.subprocess
def test_a_large_answer_is_validated_without_gc_runs_and_gc_is_back_on() -> None:
    """In a fresh, single-threaded interpreter (this test process may have other threads)."""
    seen = run_python(PAUSED)
    # the request and the answer themselves may cross a threshold once: not 30,000 objects
    assert seen["resources"] == 10_000 and isinstance(seen["gc_runs"], int)
    assert seen["gc_runs"] <= 1
    assert seen == {**seen, "enabled_after": True, "error": True, "enabled_after_error": True}
    assert seen["switches"] == ["disable", "enable"] * 2  # the answer, then the broken one


class RecordingGC:
    """The real `gc`, recording every switch the client makes (how many collections run is up
    to each Python version's GC, so the switches are what these tests read)."""

    def __init__(self) -> None:
        self.switches: list[str] = []

    def isenabled(self) -> bool:
        return gc.isenabled()

    def disable(self) -> None:
        self.switches.append("disable")
        gc.disable()

    def enable(self) -> None:
        self.switches.append("enable")
        gc.enable()


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> RecordingGC:
    recorder = RecordingGC()
    monkeypatch.setattr(_response, "gc", recorder)
    return recorder


def test_with_another_thread_alive_the_gc_is_left_alone(recorded: RecordingGC) -> None:
    bolt = client_answering(BIG)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        command = bolt.bolt_command(1)
    finally:
        release.set()
        other.join()
    assert len(command.resources or []) == 10_000
    assert recorded.switches == []


def test_a_gc_switched_off_by_the_caller_stays_off(recorded: RecordingGC) -> None:
    bolt = client_answering(BIG)
    gc.disable()
    try:
        bolt.bolt_command(1)
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert recorded.switches == []
