"""Dagster as users run it: `dagster asset materialize` and `dagster job execute` processes on a
real DAGSTER_HOME instance, against the emulator over HTTP (issue 22's real-process ring)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable

import pytest
from dagster import AssetKey, DagsterRunStatus

from .conftest import BOUND, Ring, wait_for

pytestmark = pytest.mark.real_orchestrator

OUTAGE = 20.0  # seconds without the API, as in the issue
MATERIALIZE = ("asset", "materialize", "--select", "*")


def _unreachable_logged(ring: Ring, run_id: int) -> bool:
    """Whether the step's client logged that the API was unreachable while it waited."""
    prefix = f"Bolt API unreachable while waiting for run {run_id} "
    return any(message.startswith(prefix) for message in ring.messages())


def test_a_20_second_api_outage_mid_wait_is_survived(ring: Ring) -> None:
    process = ring.start("ring outage", *MATERIALIZE)
    run_id = ring.tagged_bolt_run(process)
    # The port is closed (connections refused) for 20 s, then opened on the same port with the
    # same runs. Repeated until the step's wait has polled into it, should a loaded machine keep
    # the step from polling for a whole outage; a step that failed ends it too.
    for _ in range(5):
        ring.server.outage(OUTAGE)
        assert ring.server.wait_outage_over(BOUND)
        if process.poll() is not None or _unreachable_logged(ring, run_id):
            break
    assert ring.state(run_id) == "STARTING"
    ring.clock.advance(3600)  # the run ends: every command exits 0
    code = ring.exit_code(process)
    assert code == 0, ring.output()

    assert ring.state(run_id) == "SUCCESS"
    messages = ring.messages()
    assert _unreachable_logged(ring, run_id), messages
    assert any(m.startswith("Bolt API answering again after") for m in messages), messages
    run = ring.dagster_run()
    assert run is not None
    assert run.status == DagsterRunStatus.SUCCESS
    with ring.instance() as instance:
        event = instance.get_latest_materialization_event(AssetKey("fct_orders"))
    assert event is not None
    assert event.asset_materialization is not None
    assert event.asset_materialization.metadata["bolt_run_id"].value == run_id


def _ctrl_c(process: subprocess.Popen[str]) -> None:
    os.killpg(process.pid, signal.SIGINT)  # a terminal's Ctrl-C: the whole process group


def _sigterm(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGTERM)  # a supervisor stopping the CLI process


@pytest.mark.parametrize(
    ("schedule", "interrupt"), [("ring ctrl-c", _ctrl_c), ("ring sigterm", _sigterm)]
)
def test_interrupting_the_cli_cancels_the_bolt_run(
    ring: Ring, schedule: str, interrupt: Callable[[subprocess.Popen[str]], None]
) -> None:
    process = ring.start(schedule, *MATERIALIZE)
    run_id = ring.tagged_bolt_run(process)

    # The signal is sent again while the run is not cancelled and the process lives: one that
    # lands where Python cannot raise it (Dagster's own bookkeeping, a finalizer) is lost.
    def cancelled() -> bool | None:
        if ring.state(run_id) == "CANCELED":
            return True
        if process.poll() is None:
            interrupt(process)
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and ring.state(run_id) != "CANCELED":
                time.sleep(0.1)
            return None
        return False  # the process ended and left the run going

    assert wait_for("the Bolt run to be cancelled", cancelled), ring.output()
    assert ring.exit_code(process) != 0
    assert ring.state(run_id) == "CANCELED"
    run = ring.dagster_run()
    assert run is not None
    assert run.status in (DagsterRunStatus.CANCELED, DagsterRunStatus.FAILURE)
    messages = ring.messages()
    assert f"The step was interrupted: Bolt run {run_id} was cancelled" in messages, messages


def test_run_timeout_cancels_the_bolt_run(ring: Ring) -> None:
    process = ring.start("ring timeout", "job", "execute", "-j", "ring_timeout_job")
    run_id = ring.tagged_bolt_run(process)
    # The clock stands still: the run never ends by itself, so only the timeout (3 s) ends it.
    assert ring.exit_code(process) != 0
    assert ring.state(run_id) == "CANCELED"
    run = ring.dagster_run()
    assert run is not None
    assert run.status == DagsterRunStatus.FAILURE
    failure = f"Bolt run {run_id} of schedule 'ring timeout' did not finish within 3s: "
    failure += "it was cancelled in Bolt."
    assert failure in ring.output()
