"""Interrupted and timed-out steps cancel their Bolt run.

The interrupt is sent when the Dagster run carries the tag naming its Bolt run (written once the
run is triggered and the step follows it), and the run lasts a day unless cancelled: nothing
depends on how fast anything is.
"""

from __future__ import annotations

import signal
import threading
import time
from typing import Any

from dagster import DagsterInstance, materialize

from dagster_paradime_bolt import TAG_PREFIX, BoltResource, build_bolt_assets

from .conftest import FAST, BoltEmulator


def _bolt_run_id(instance: DagsterInstance) -> int | None:
    for run in instance.get_runs():
        for tag in run.tags:
            if tag.startswith(f"{TAG_PREFIX}/run-"):
                return int(tag.rsplit("-", 1)[1])
    return None


def _interrupt_until_cancelled(
    instance: DagsterInstance, emulator: BoltEmulator, found: list[int], done: threading.Event
) -> threading.Thread:
    """A thread that sends SIGINT to the main thread, as `dagster` does to a step it terminates,
    once the Dagster run names its Bolt run, and again while that run is not cancelled: a signal
    that lands where Python cannot raise it (a finalizer, say) is otherwise lost for good."""
    main = threading.main_thread().ident
    assert main is not None

    def watch() -> None:
        while not found and not done.is_set():
            try:  # the in-memory instance is written by the step at the same time
                run_id = _bolt_run_id(instance)
            except Exception:  # noqa: BLE001 - "database table is locked": read again
                run_id = None
            if run_id is not None:
                found.append(run_id)
            else:
                time.sleep(0.01)
        while found and not done.is_set():
            if emulator.client.bolt_run_status(found[0]).state == "CANCELED":
                return
            signal.pthread_kill(main, signal.SIGINT)
            done.wait(0.5)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def test_an_interrupted_step_cancels_its_bolt_run(
    manifest: dict[str, Any], bolt: BoltResource, emulator: BoltEmulator
) -> None:
    assets = build_bolt_assets(schedule_name="until cancelled", manifest=manifest, **FAST)
    instance = DagsterInstance.ephemeral()
    found: list[int] = []
    done = threading.Event()
    watcher = _interrupt_until_cancelled(instance, emulator, found, done)
    try:
        result = materialize(
            [assets], resources={"bolt": bolt}, instance=instance, raise_on_error=False
        )
    finally:
        done.set()
        watcher.join()
    assert not result.success
    assert found, "the step never tagged its Dagster run with the Bolt run"
    assert emulator.client.bolt_run_status(found[0]).state == "CANCELED"
    assert result.asset_materializations_for_node(assets.op.name) == []
    messages = [entry.user_message for entry in instance.all_logs(result.run_id)]
    assert f"The step was interrupted: Bolt run {found[0]} was cancelled" in messages


def test_a_timeout_cancels_the_run_and_says_so(
    manifest: dict[str, Any], bolt: BoltResource, emulator: BoltEmulator
) -> None:
    assets = build_bolt_assets(
        schedule_name="until timed out", manifest=manifest, run_timeout=0.2, **FAST
    )
    result = materialize(
        [assets],
        resources={"bolt": bolt},
        instance=DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    assert not result.success
    event = next(event for event in result.all_events if event.is_step_failure)
    failure = event.step_failure_data.user_failure_data
    assert failure is not None
    description = failure.description or ""
    run_id = failure.metadata["bolt_run_id"].value
    assert isinstance(run_id, int)
    assert f"Bolt run {run_id} of schedule 'until timed out' did not finish within 0.2s" in (
        description
    )
    assert "it was cancelled in Bolt" in description
    assert emulator.client.bolt_run_status(run_id).state == "CANCELED"


def test_outage_tolerance_reaches_the_clients_wait(
    manifest: dict[str, Any], bolt: BoltResource, emulator: BoltEmulator
) -> None:
    """With outage_tolerance=0 the first unreachable poll fails the step with the client's
    APIUnreachableError (the default, 600 s, waits through it: the real-process ring)."""
    assets = build_bolt_assets(
        schedule_name="until timed out",
        manifest=manifest,
        outage_tolerance=0,
        run_timeout=600,  # a bound, should the step never see the outage
        **FAST,
    )
    instance = DagsterInstance.ephemeral()
    found: list[int] = []

    def outage_once_tagged() -> None:
        while not found:
            try:  # the in-memory instance is written by the step at the same time
                run_id = _bolt_run_id(instance)
            except Exception:  # noqa: BLE001 - "database table is locked": read again
                run_id = None
            if run_id is not None:
                found.append(run_id)
            else:
                time.sleep(0.01)
        emulator.outage(3)

    thread = threading.Thread(target=outage_once_tagged, daemon=True)
    thread.start()
    try:
        result = materialize(
            [assets], resources={"bolt": bolt}, instance=instance, raise_on_error=False
        )
    finally:
        thread.join()
        emulator.wait_outage_over()
        emulator.client.cancel_bolt_run(found[0])
    assert not result.success
    event = next(event for event in result.all_events if event.is_step_failure)
    error = event.step_failure_data.error
    assert error is not None
    assert "APIUnreachableError" in error.to_string()
