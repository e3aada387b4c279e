"""A large answer is validated with the cyclic GC paused, only when that is safe."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from paradime_bolt._response import PAUSE_GC_FROM_BYTES
from tests.support.large_answers import client_answering, large_command_answer
from tests.support.subprocesses import run_python


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generation of every cyclic-GC run while the test runs, with the default
    thresholds (30,000 tracked objects always trigger several)."""
    runs: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            runs.append(info["generation"])

    thresholds = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    gc.callbacks.append(count)
    try:
        yield runs
    finally:
        gc.callbacks.remove(count)
        gc.set_threshold(*thresholds)


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
                  "error": error, "enabled_after_error": gc.isenabled()}))
"""


def test_a_large_answer_is_validated_without_gc_runs_and_gc_is_back_on() -> None:
    """In a fresh, single-threaded interpreter (this test process may have other threads)."""
    seen = run_python(PAUSED)
    # the request and the answer themselves may cross a threshold once: not 30,000 objects
    assert seen["resources"] == 10_000 and isinstance(seen["gc_runs"], int)
    assert seen["gc_runs"] <= 1
    assert seen == {**seen, "enabled_after": True, "error": True, "enabled_after_error": True}


def test_with_another_thread_alive_the_gc_is_left_alone(collections: list[int]) -> None:
    bolt = client_answering(BIG)
    bolt.bolt_command(1)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        collections.clear()
        bolt.bolt_command(1)
    finally:
        release.set()
        other.join()
    assert len(collections) > 1


def test_a_gc_switched_off_by_the_caller_stays_off() -> None:
    bolt = client_answering(BIG)
    gc.disable()
    try:
        bolt.bolt_command(1)
        assert not gc.isenabled()
    finally:
        gc.enable()
