"""The run-event hook: started and completed, once each, also without any request (the ticker)."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx

from paradime_bolt_emulator import EmulatorServer, RunEvent

from .support import Api, FakeClock


def test_a_run_reports_started_then_completed_once(
    api: Api, clock: FakeClock, events: list[RunEvent]
) -> None:
    run_id = api.trigger("daily run")
    assert events == []
    clock.advance(1.5)
    api.status(run_id)
    [started] = events
    assert (started.kind, started.run_id, started.state) == ("started", run_id, "RUNNING")
    assert started.schedule_name == "daily run"
    assert started.ended_ts is None

    clock.advance(60)
    api.status(run_id)
    api.status(run_id)
    assert [event.kind for event in events] == ["started", "completed"]
    completed = events[1]
    assert completed.state == "SUCCESS"
    assert completed.ended_ts is not None
    assert [command.command for command in completed.commands] == [
        "git clone ...",
        "dbt deps",
        "dbt run",
        "dbt test",
    ]
    assert all(command.return_code == 0 for command in completed.commands)
    assert completed.commands[0].resources == ()
    assert "target/manifest.json" in dict(completed.commands[2].resources).values()


def test_a_run_cancelled_while_starting_only_completes(
    api: Api, clock: FakeClock, events: list[RunEvent]
) -> None:
    run_id = api.trigger("daily run")
    api.data("mutation($id: Int!) { cancelBoltRun(scheduleRunId: $id) { ok } }", id=run_id)
    clock.advance(60)
    api.status(run_id)
    assert [(event.kind, event.state) for event in events] == [("completed", "CANCELED")]


def test_a_run_that_starts_and_ends_between_requests_reports_both(
    api: Api, clock: FakeClock, events: list[RunEvent]
) -> None:
    api.trigger("broken tests")
    clock.advance(60)
    api.status(1)
    assert [(event.kind, event.state) for event in events] == [
        ("started", "RUNNING"),
        ("completed", "ERROR"),
    ]


def test_the_ticker_delivers_events_without_requests(quick_schedules_file: Path) -> None:
    completed = threading.Event()
    seen: list[RunEvent] = []

    def listener(event: RunEvent) -> None:
        seen.append(event)
        if event.kind == "completed":
            completed.set()

    with (
        EmulatorServer(schedules=quick_schedules_file, listeners=[listener]) as server,
        httpx.Client() as http,
    ):
        api = Api(http, server.endpoint)
        api.trigger("quick run")
        assert completed.wait(60)
    assert [(event.kind, event.state) for event in seen] == [
        ("started", "RUNNING"),
        ("completed", "SUCCESS"),
    ]
