"""Each task and the flow are twins: the sync one (written by scripts/unasync.py) has the async
one's name, parameters, defaults and docstring."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from prefect_paradime_bolt import (
    get_bolt_run_artifact,
    retry_bolt_run,
    trigger_bolt_run,
    trigger_bolt_run_and_wait_for_completion,
    wait_for_bolt_run,
)

TASKS = (trigger_bolt_run, wait_for_bolt_run, retry_bolt_run, get_bolt_run_artifact)
FLOW = trigger_bolt_run_and_wait_for_completion
PAIRS = [*((task.sync, task.aio) for task in TASKS), (FLOW.sync, FLOW)]


@pytest.mark.parametrize(("sync", "aio"), PAIRS, ids=[task.name for task in TASKS] + ["flow"])
def test_the_sync_twin_matches_the_async_one(sync: Any, aio: Any) -> None:
    assert (sync.name, sync.isasync, aio.isasync) == (aio.name, False, True)
    assert inspect.signature(sync.fn).parameters == inspect.signature(aio.fn).parameters
    assert sync.fn.__doc__ == aio.fn.__doc__
    assert sync.description == aio.description
