"""Interrupted flow runs cancel the Bolt run they started: a flow run cancelled through Prefect's
API (served deployments, in processes of their own, as users run them) and a flow timeout, for
the async flow and its sync twin; and a wait goes on through an API outage."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from prefect.client.orchestration import get_client
from prefect.deployments import run_deployment
from prefect.exceptions import ObjectNotFound
from prefect.settings import PREFECT_API_URL
from prefect.states import Cancelling, State

from paradime_bolt import RunState
from paradime_bolt_emulator.clock import ManualClock
from paradime_bolt_emulator.pytest_plugin import BoltEmulatorFactory
from prefect_paradime_bolt import BoltCredentials, trigger_bolt_run_and_wait_for_completion

from .serve_flows import ASYNC_DEPLOYMENT, SYNC_DEPLOYMENT
from .support import FAST, BoltEmulator, flow_run, newest_run, task_states, wait_for

HERE = Path(__file__).parent
FLOW = "Trigger Bolt run and wait for completion"


def _ended(emulator: BoltEmulator, run_id: int) -> RunState | None:
    state = emulator.client.bolt_run_progress(run_id).run_state
    return state if state.is_terminal else None


# -- cancelling a flow run through Prefect's API ------------------------------------------------


@pytest.fixture(scope="module")
def served(credentials_block: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """`serve_flows.py` in a process of its own, serving both deployments, until the module ends."""
    log = tmp_path_factory.mktemp("runner") / "runner.log"
    env = {
        **os.environ,
        "PREFECT_API_URL": str(PREFECT_API_URL.value()),
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, str(HERE / "serve_flows.py")],
            cwd=HERE,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        with get_client(sync_client=True) as client:

            def deployed() -> bool:
                assert process.poll() is None, log.read_text()
                try:
                    for name in (ASYNC_DEPLOYMENT, SYNC_DEPLOYMENT):
                        client.read_deployment_by_name(f"{FLOW}/{name}")
                except ObjectNotFound:
                    return False
                return True

            wait_for("the served deployments", deployed)
        yield
    finally:
        process.terminate()
        try:
            process.wait(120)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def credentials_block(emulator: BoltEmulator) -> str:
    """The emulator's credentials saved as a block; its document id, for deployment parameters."""
    block = BoltCredentials(
        endpoint=emulator.endpoint, api_key=emulator.api_key, api_secret=emulator.api_secret
    )
    block.save("emulator-for-deployments", overwrite=True)
    assert block._block_document_id is not None
    return str(block._block_document_id)


@pytest.mark.parametrize(
    ("deployment", "schedule"),
    [(ASYNC_DEPLOYMENT, "until cancelled"), (SYNC_DEPLOYMENT, "until cancelled sync")],
)
def test_cancelling_the_flow_run_cancels_the_bolt_run(
    served: None, credentials_block: str, emulator: BoltEmulator, deployment: str, schedule: str
) -> None:
    started = run_deployment(
        f"{FLOW}/{deployment}",
        parameters={
            "credentials": {"$ref": {"block_document_id": credentials_block}},
            "schedule_name": schedule,
            **FAST,
        },
        timeout=0,
    )
    # Cancel once the flow run waits for the Bolt run, as a person does in the UI.
    wait_for(
        "the wait for the Bolt run",
        lambda: task_states(started.id).get("wait_for_bolt_run") == "RUNNING",
    )
    found = newest_run(emulator.client, schedule)
    assert found is not None and not found[1].is_terminal
    with get_client(sync_client=True) as client:
        client.set_flow_run_state(started.id, Cancelling(message="cancelled by the test"))

    def cancelled() -> State | None:
        state = flow_run(started.id).state
        return state if state is not None and state.is_final() else None

    assert wait_for("the flow run to end", cancelled).is_cancelled()
    assert wait_for("the Bolt run to end", lambda: _ended(emulator, found[0])) is RunState.CANCELED


# -- a flow timeout --------------------------------------------------------------------------


def _run_until_timed_out(
    emulator: BoltEmulator, schedule: str, run: Callable[[float], State]
) -> int:
    """Runs the flow with a timeout until one fires after it started its Bolt run (a short one
    may fire first on a slow machine: then it is doubled); returns that run's id."""
    seconds = 2.0
    while seconds < 600:
        before = newest_run(emulator.client, schedule)
        state = run(seconds)
        assert state.is_failed() and state.name == "TimedOut", state
        after = newest_run(emulator.client, schedule)
        flow_run_id = state.state_details.flow_run_id
        assert flow_run_id is not None
        if task_states(flow_run_id).get("trigger_bolt_run") == "COMPLETED":
            assert after is not None and after != before
            return after[0]
        if after is not None and after != before and not after[1].is_terminal:
            emulator.client.cancel_bolt_run(after[0])  # started, but too late to be guarded
        seconds *= 2
    raise AssertionError("the flow never started its Bolt run before timing out")


def test_a_flow_timeout_cancels_the_bolt_run(
    emulator: BoltEmulator, credentials: BoltCredentials
) -> None:
    def run(seconds: float) -> State:
        timed = trigger_bolt_run_and_wait_for_completion.with_options(timeout_seconds=seconds)
        state: State = timed(credentials, "until timed out", return_state=True, **FAST)
        return state

    run_id = _run_until_timed_out(emulator, "until timed out", run)
    assert wait_for("the Bolt run to end", lambda: _ended(emulator, run_id)) is RunState.CANCELED


def test_an_async_flow_timeout_cancels_the_bolt_run(
    emulator: BoltEmulator, credentials: BoltCredentials
) -> None:
    """Prefect times async flows out with an anyio cancel scope, in which every await is
    cancelled again: the cancel request is sent all the same."""

    def run(seconds: float) -> State:
        async def main() -> State:
            timed = trigger_bolt_run_and_wait_for_completion.with_options(timeout_seconds=seconds)
            state: State = await timed(
                credentials, "until timed out async", return_state=True, **FAST
            )
            return state

        return asyncio.run(main())

    run_id = _run_until_timed_out(emulator, "until timed out async", run)
    assert wait_for("the Bolt run to end", lambda: _ended(emulator, run_id)) is RunState.CANCELED


def test_the_waits_own_timeout_cancels_the_run_and_fails_the_flow(
    emulator: BoltEmulator, credentials: BoltCredentials
) -> None:
    from paradime_bolt import RunTimeoutError

    with pytest.raises(RunTimeoutError) as raised:
        trigger_bolt_run_and_wait_for_completion(
            credentials, "until wait timeout", timeout=1, **FAST
        )
    assert raised.value.canceled
    assert (
        wait_for("the Bolt run to end", lambda: _ended(emulator, raised.value.run_id))
        is RunState.CANCELED
    )


# -- an API outage mid-wait ------------------------------------------------------------------


def test_an_emulator_outage_mid_wait_does_not_end_the_wait(
    bolt_emulator_factory: BoltEmulatorFactory, caplog: pytest.LogCaptureFixture
) -> None:
    """The run's time is the test's (a manual clock): it cannot end before the outage does,
    so the flow is waiting all through it, whatever the machine's speed."""
    clock = ManualClock()
    emulator = bolt_emulator_factory(schedules=HERE / "paradime_schedules.yml", clock=clock)
    credentials = BoltCredentials(
        endpoint=emulator.endpoint, api_key=emulator.api_key, api_secret=emulator.api_secret
    )
    with ThreadPoolExecutor(1) as pool:
        waiting = pool.submit(
            trigger_bolt_run_and_wait_for_completion, credentials, "tasks", **FAST
        )
        found = wait_for("the Bolt run", lambda: newest_run(emulator.client, "tasks"))
        wait_for(
            "the flow to wait",
            lambda: any(f"Bolt run {found[0]} is" in r.getMessage() for r in caplog.records),
        )
        emulator.outage(3, mode="refuse")
        assert emulator.wait_outage_over(timeout=300)
        wait_for(
            "the wait to meet the outage",
            lambda: any(
                r.name == "paradime_bolt" and r.levelname == "WARNING" for r in caplog.records
            ),
        )
        clock.advance(3600)  # the run now ends
        summary: Any = waiting.result(timeout=300)
    assert summary["state"] == "SUCCESS"
    assert summary["run_id"] == found[0]
