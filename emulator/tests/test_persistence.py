"""Durable state: a restart on the same --db file loses nothing and finishes what was running."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from paradime_bolt_emulator import EmulatorServer, RunEvent, ScheduleFileError
from paradime_bolt_emulator.storage.store import DatabaseError, Store

from .support import TEST_SCHEDULES, Api, FakeClock, command_ids, write_schedules

pytestmark = pytest.mark.e2e

SCHEDULES = (
    "{ listBoltSchedules(showInactive: true, limit: 50) {"
    " schedules { id name suspended commands } } }"
)


def snapshot(api: Api, run_ids: list[int]) -> dict[str, Any]:
    """Everything the API says about some runs, their commands and the schedules."""
    statuses = {run_id: api.status(run_id) for run_id in run_ids}
    commands = {
        command["id"]: api.command(command["id"])
        for status in statuses.values()
        for command in status["commands"]
    }
    return {"runs": statuses, "commands": commands, "schedules": api.data(SCHEDULES)}


def test_a_restart_on_the_same_database_keeps_everything(
    tmp_path: Path, schedules_file: Path, clock: FakeClock
) -> None:
    db = tmp_path / "bolt.db"
    with (
        EmulatorServer(db=db, schedules=schedules_file, clock=clock) as server,
        httpx.Client() as http,
    ):
        api = Api(http, server.endpoint)
        failed = api.trigger("broken tests")
        clock.advance(60)
        api.data('mutation { suspendBoltSchedule(slug: "daily-run", suspend: true) { ok } }')
        before = snapshot(api, [failed])
        manifest = {
            item["path"]: item["id"]
            for item in api.command(command_ids(api.status(failed))["dbt seed"])["resources"]
        }["target/manifest.json"]
        url = urlsplit(api.resource_url(manifest)["url"])
        interrupted = api.trigger("chatty export")
        clock.advance(6)  # the export command is running when the emulator stops
        assert api.status(interrupted)["state"] == "RUNNING"

    clock.advance(60)
    events: list[RunEvent] = []
    with (
        EmulatorServer(
            db=db, schedules=schedules_file, clock=clock, listeners=[events.append]
        ) as server,
        httpx.Client() as http,
    ):
        api = Api(http, server.endpoint)
        assert snapshot(api, [failed]) == before
        status = api.status(interrupted)
        assert status["state"] == "SUCCESS"
        assert [command["command"] for command in status["commands"]] == [
            "git clone ...",
            "dbt deps",
            "python export.py",
        ]
        # Only the run that finished while the emulator was stopped is reported, once.
        assert [(event.kind, event.run_id) for event in events] == [("completed", interrupted)]
        # The URL signed before the restart still downloads (the key is in the database).
        response = httpx.get(f"{server.base_url}{url.path}?{url.query}")
        assert response.status_code == 200
        assert "nodes" in response.json()
        assert api.trigger("broken tests") > interrupted


def test_the_yaml_is_merged_into_stored_schedules(
    tmp_path: Path, schedules_file: Path, clock: FakeClock
) -> None:
    db = tmp_path / "bolt.db"
    with (
        EmulatorServer(db=db, schedules=schedules_file, clock=clock) as server,
        httpx.Client() as http,
    ):
        api = Api(http, server.endpoint)
        api.data(
            'mutation { suspendBoltSchedule(scheduleName: "pr checks", suspend: true) { ok } }'
        )
        ids = {s["name"]: s["id"] for s in api.data(SCHEDULES)["listBoltSchedules"]["schedules"]}

    changed = {"schedules": [dict(TEST_SCHEDULES["schedules"][0], commands=["dbt build"])]}
    changed["schedules"].append(dict(TEST_SCHEDULES["schedules"][4], suspended=False))
    smaller = write_schedules(tmp_path / "changed.yml", changed)
    with EmulatorServer(db=db, schedules=smaller, clock=clock) as server, httpx.Client() as http:
        api = Api(http, server.endpoint)
        schedules = {s["name"]: s for s in api.data(SCHEDULES)["listBoltSchedules"]["schedules"]}
        assert {name: schedule["id"] for name, schedule in schedules.items()} == ids
        assert schedules["daily run"]["commands"] == ["dbt build"]  # the file's definition wins
        assert schedules["pr checks"]["suspended"] is True  # the API's suspension is kept
        assert schedules["chatty export"]["commands"] == ["python export.py"]  # kept from before


def test_a_database_with_another_layout_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "bolt.db"
    Store(db).close()
    connection = sqlite3.connect(db)
    connection.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    connection.commit()
    connection.close()
    with pytest.raises(DatabaseError, match="layout 99 is not supported"):
        Store(db)


def test_a_server_that_cannot_load_its_schedules_does_not_start(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("schedules: [{name: x, commands: [dbt run], schedule: nightly}]\n")
    server = EmulatorServer(schedules=bad)
    with pytest.raises(ScheduleFileError, match="invalid cron expression"):
        server.start()
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.endpoint
