"""The flow against the emulator, reporting to a real Prefect server: success in sync and async
flows, failure with the log tail, retry from failure, the run artifact and assets."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from prefect import flow
from prefect.client.orchestration import get_client
from prefect.states import State

from paradime_bolt import RunFailedError, RunState
from prefect_paradime_bolt import (
    BoltCredentials,
    artifact_key,
    trigger_bolt_run_and_wait_for_completion,
)

from .support import FAST, BoltEmulator


def test_a_sync_flow_runs_a_schedule_and_returns_its_summary(
    credentials: BoltCredentials, emulator: BoltEmulator
) -> None:
    @flow
    def nightly() -> Any:
        return trigger_bolt_run_and_wait_for_completion(credentials, "sync success", **FAST)

    summary = nightly()
    assert summary["state"] == "SUCCESS"
    assert [c["command"] for c in summary["commands"]][-4:] == [
        "dbt seed",
        "dbt snapshot",
        "dbt run",
        "dbt test",
    ]
    assert all(c["return_code"] == 0 for c in summary["commands"])
    assert summary["url"].endswith(f"/bolt/run_id/{summary['run_id']}")
    status = emulator.client.bolt_run_status(summary["run_id"])
    assert status.run_state is RunState.SUCCESS


def test_an_async_flow_awaits_the_same_name(credentials: BoltCredentials) -> None:
    @flow
    async def nightly() -> Any:
        return await trigger_bolt_run_and_wait_for_completion(
            credentials, "async success", **FAST
        )

    summary = asyncio.run(nightly())
    assert summary["state"] == "SUCCESS"
