"""Each task and the flow are twins: the sync one (written by scripts/unasync.py) has the async
one's name, parameters, defaults and docstring."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pytest
from prefect.deployments.runner import RunnerDeployment
from prefect.flows import load_flow_from_entrypoint

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
    sync_signature, aio_signature = inspect.signature(sync.fn), inspect.signature(aio.fn)
    assert sync_signature.parameters == aio_signature.parameters
    assert sync_signature.return_annotation == aio_signature.return_annotation
    assert sync.fn.__doc__ == aio.fn.__doc__
    assert sync.description == aio.description


@pytest.mark.parametrize("flow", [FLOW, FLOW.sync], ids=["async", "sync"])
def test_a_deployment_s_file_entrypoint_loads_the_flow_with_its_twin(
    flow: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Prefect loads a file entrypoint as a script, without the package's `__init__`: the
    async flow's file must pair the twins itself, or a sync call of it would fail."""
    monkeypatch.chdir(tmp_path)
    deployment = RunnerDeployment.from_flow(flow, name="twins")
    assert deployment.entrypoint is not None
    loaded = load_flow_from_entrypoint(deployment.entrypoint)
    assert (loaded.name, loaded.isasync) == (flow.name, flow.isasync)
    if flow.isasync:
        assert deployment.entrypoint.endswith("_flows.py:trigger_bolt_run_and_wait_for_completion")
        assert (loaded.sync.name, loaded.sync.isasync) == (flow.name, False)
