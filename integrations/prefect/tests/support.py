"""Helpers of the tests: fast polls, waiting on states, and reading back what a flow run left
in Prefect (its state, artifacts, events, logs)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypedDict, TypeVar
from uuid import UUID

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterKey,
    LogFilter,
    LogFilterFlowRunId,
)
from prefect.client.schemas.objects import Artifact, FlowRun, Log
from prefect.events.filters import EventFilter, EventNameFilter, EventRelatedFilter
from prefect.events.schemas.events import ReceivedEvent

from paradime_bolt import BoltClient, RunState
from paradime_bolt_emulator.pytest_plugin import BoltEmulator

__all__ = [
    "BOUND",
    "FAST",
    "BoltEmulator",
    "artifact",
    "events_of",
    "flow_run",
    "logs_of",
    "newest_run",
    "task_states",
    "wait_for",
]

T = TypeVar("T")

# Every wait on a state is bounded, generously: a loaded 2-core machine must pass too.
BOUND = 300.0


class Polls(TypedDict):
    poll_interval: float
    max_poll_interval: float


# Fast polls: the emulator's runs last a fraction of a second.
FAST: Polls = {"poll_interval": 0.05, "max_poll_interval": 0.2}


def wait_for(what: str, probe: Callable[[], T | None], bound: float = BOUND) -> T:
    """Polls `probe` until it returns something truthy; fails naming `what` after `bound` s."""
    deadline = time.monotonic() + bound
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {bound:.0f}s waiting for {what}")
        time.sleep(0.1)


def flow_run(flow_run_id: UUID) -> FlowRun:
    with get_client(sync_client=True) as client:
        return client.read_flow_run(flow_run_id)


def artifact(key: str) -> Artifact:
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key]))
        )
    assert found, f"no artifact {key!r}"
    return found[-1]


def events_of(flow_run_id: UUID, prefix: str) -> list[ReceivedEvent]:
    """The events named `prefix...` related to a flow run, as the server has them now."""
    with get_client(sync_client=True) as client:
        page = client.read_events(
            EventFilter(
                event=EventNameFilter(prefix=[prefix]),
                related=EventRelatedFilter(id=[f"prefect.flow-run.{flow_run_id}"]),
            ),
            limit=50,
        )
    return list(page.events)


def logs_of(flow_run_id: UUID) -> list[Log]:
    with get_client(sync_client=True) as client:
        return client.read_logs(
            log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id]))
        )


def newest_run(bolt: BoltClient, schedule: str) -> tuple[int, RunState] | None:
    """The id and state of a schedule's newest run, or None before its first."""
    runs = bolt.list_bolt_runs(schedule, limit=1).runs or []
    return (runs[0].id, runs[0].run_state) if runs else None


def task_states(flow_run_id: UUID) -> dict[str, str]:
    """The state of each task run of a flow run, by task name (the latest run of each)."""
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
        )
    return {
        run.name.rsplit("-", 1)[0]: run.state.type.value
        for run in sorted(runs, key=lambda r: r.expected_start_time or r.created)
        if run.state is not None
    }
