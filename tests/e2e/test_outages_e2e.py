"""A wait that goes on through a real outage: the emulator's port closed mid-wait and opened
again, over loopback HTTP, on both twins. The outage starts from the first poll's callback and
the run is ended from the first poll after it, so nothing depends on how fast anything is."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest

from paradime_bolt import APIUnreachableError, BoltClient
from paradime_bolt.models import RunProgress, RunState
from paradime_bolt_emulator.pytest_plugin import BoltEmulator, BoltEmulatorFactory
from paradime_bolt_emulator.schedules.spec import builtin_schedules_text
from tests.support.e2e import UNTIL_CANCELLED, live_twin

pytestmark = pytest.mark.e2e

OUTAGE = 3.0
POLL = {"poll_interval": 0.2, "max_poll_interval": 0.2}

_SCHEDULE = f"""
  - name: {UNTIL_CANCELLED}
    schedule: "OFF"
    commands: [dbt build]
    emulator:
      commands:
        dbt build: {{duration: 86400}}
"""


@pytest.fixture
def emulator(bolt_emulator_factory: BoltEmulatorFactory, tmp_path: Path) -> BoltEmulator:
    schedules = tmp_path / "paradime_schedules.yml"
    schedules.write_text(builtin_schedules_text() + _SCHEDULE, encoding="utf-8")
    return bolt_emulator_factory(schedules=schedules)


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_wait_goes_on_through_the_port_being_closed(
    kind: str, emulator: BoltEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="paradime_bolt")
    run_id = emulator.client.trigger_bolt_run(UNTIL_CANCELLED).run_id
    seen: list[str | None] = []

    def on_progress(progress: RunProgress) -> None:
        seen.append(progress.state)
        if len(seen) == 1:
            emulator.outage(OUTAGE, mode="refuse")  # returns once the port is closed
        elif len(seen) == 2:  # the first answer after the outage: end the run
            with BoltClient(**_credentials(emulator)) as bolt:
                bolt.cancel_bolt_run(run_id)

    status = live_twin(kind, emulator).call("wait_for_run", run_id, on_progress=on_progress, **POLL)

    assert status.run_state is RunState.CANCELED
    messages = [r.getMessage() for r in caplog.records if r.name == "paradime_bolt"]
    assert any(
        m.startswith(f"Bolt API unreachable while waiting for run {run_id}") for m in messages
    )
    assert any(m.startswith("Bolt API answering again after") for m in messages)


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_an_outage_longer_than_the_tolerance_gives_up_with_its_length(
    kind: str, emulator: BoltEmulator
) -> None:
    run_id = emulator.client.trigger_bolt_run(UNTIL_CANCELLED).run_id

    def on_progress(_progress: RunProgress) -> None:
        emulator.outage(600, mode="unavailable")

    with pytest.raises(APIUnreachableError) as info:
        live_twin(kind, emulator).call(
            "wait_for_run", run_id, on_progress=on_progress, outage_tolerance=1, **POLL
        )
    assert info.value.run_id == run_id
    assert info.value.unreachable_for >= 1
    assert "HTTP 503" in info.value.last_error or "503" in info.value.last_error


def _credentials(emulator: BoltEmulator) -> dict[str, Any]:
    return {
        "endpoint": emulator.endpoint,
        "api_key": emulator.api_key,
        "api_secret": emulator.api_secret,
    }


def test_a_cancelled_anyio_scope_still_lets_the_guard_cancel_the_run(
    emulator: BoltEmulator,
) -> None:
    """A timeout scope (anyio's, as Prefect's flow timeouts use) cancels each later wait inside
    it, over real HTTP: the guard's cancel request is shielded from that, so the run ends."""
    import anyio

    from paradime_bolt import AsyncBoltClient

    run_id = emulator.client.trigger_bolt_run(UNTIL_CANCELLED).run_id
    seen: dict[str, Any] = {}

    async def main() -> None:
        async with AsyncBoltClient(**_credentials(emulator)) as bolt:
            with anyio.CancelScope() as scope:

                async def cancel_once_polled(_progress: RunProgress) -> None:
                    scope.cancel()  # the wait never ends by itself: cancel it from its first poll

                async with bolt.cancel_on_interrupt(run_id) as guard:
                    seen["guard"] = guard
                    await bolt.wait_for_run(run_id, on_progress=cancel_once_polled, **POLL)
            seen["cancelled"] = scope.cancelled_caught

    asyncio.run(main())
    assert seen["cancelled"] is True
    assert (seen["guard"].interrupted, seen["guard"].canceled) == (True, True)
    assert emulator.client.bolt_run_status(run_id).run_state is RunState.CANCELED


class _Interrupt(BaseException):
    """Stands for what Prefect's SIGTERM handler (``TerminationSignal``) and Dagster's raise."""


def test_an_interrupt_asyncio_swallowed_into_a_dropped_connection_ends_the_wait(
    emulator: BoltEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A signal handler's exception that lands in asyncio's socket callback is caught there and
    closes the connection with it (the Prefect ring saw a cancelled flow poll on): the wait
    raises it instead of polling through a seeming outage, and the guard cancels the run."""
    from anyio._backends import _asyncio as anyio_asyncio

    from paradime_bolt import AsyncBoltClient

    run_id = emulator.client.trigger_bolt_run(UNTIL_CANCELLED).run_id
    receive = anyio_asyncio.StreamProtocol.data_received
    state = {"armed": False, "fired": False}

    def data_received(protocol: anyio_asyncio.StreamProtocol, data: bytes) -> None:
        if state["armed"]:
            state["armed"], state["fired"] = False, True
            raise _Interrupt  # inside asyncio's read callback, as a signal would land
        receive(protocol, data)

    monkeypatch.setattr(anyio_asyncio.StreamProtocol, "data_received", data_received)

    def arm_once(_progress: RunProgress) -> None:
        assert not state["fired"], "the wait polled on after the interrupt"
        state["armed"] = True

    async def main() -> None:
        async with (
            AsyncBoltClient(**_credentials(emulator)) as bolt,
            bolt.cancel_on_interrupt(run_id),
        ):
            await bolt.wait_for_run(run_id, on_progress=arm_once, timeout=300, **POLL)

    with pytest.raises(_Interrupt):
        asyncio.run(main())
    assert state["fired"]
    assert emulator.client.bolt_run_status(run_id).run_state is RunState.CANCELED
