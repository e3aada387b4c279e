"""The tasks composed by hand, in a sync and an async flow, under the same names."""

from __future__ import annotations

import asyncio
from typing import Any

from prefect import flow

from paradime_bolt import RunState
from prefect_paradime_bolt import (
    BoltCredentials,
    get_bolt_run_artifact,
    trigger_bolt_run,
    wait_for_bolt_run,
)

from .support import FAST, BoltEmulator


def test_sync_tasks_trigger_wait_and_fetch_an_artifact(credentials: BoltCredentials) -> None:
    @flow
    def composed() -> Any:
        run_id = trigger_bolt_run(credentials, "tasks")
        status = wait_for_bolt_run(credentials, run_id, **FAST)
        return run_id, status.state, get_bolt_run_artifact(credentials, run_id)

    _, state, results = composed()
    assert state == "SUCCESS"
    assert results["args"]["invocation_command"] == "dbt test"  # the latest dbt command's


def test_async_tasks_and_the_failing_commands_artifact(
    credentials: BoltCredentials, emulator: BoltEmulator
) -> None:
    @flow
    async def composed() -> Any:
        run_id = await trigger_bolt_run(credentials, "async failing model")
        status = await wait_for_bolt_run(credentials, run_id, raise_on_failure=False, **FAST)
        return run_id, status, await get_bolt_run_artifact(credentials, run_id)

    run_id, status, results = asyncio.run(composed())
    assert status.run_state is RunState.ERROR
    assert results["args"]["invocation_command"] == "dbt run"  # the failing command's
    assert {r["status"] for r in results["results"]} >= {"error"}
    assert emulator.client.bolt_run_status(run_id).run_state is RunState.ERROR
