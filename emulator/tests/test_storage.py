"""The tables: each defined once, by its record, and still exactly the layout 2 that shipped."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from paradime_bolt_emulator.storage.records import (
    CommandRecord,
    PlannedCommand,
    RequestedCommand,
    ResourceRecord,
    RunRecord,
    ScheduleRow,
)
from paradime_bolt_emulator.storage.store import Store
from paradime_bolt_emulator.storage.tables import RUNS

LAYOUT_2 = Path(__file__).parent / "fixtures" / "layout_2.sql"
TABLES = ("meta", "schedules", "runs", "commands", "resources")


def _layout(connection: sqlite3.Connection) -> dict[str, Any]:
    """Columns (name, type, not null, default, key), indexes and foreign keys of every table."""
    layout: dict[str, Any] = {}
    for table in TABLES:
        indexes = connection.execute(f"PRAGMA index_list({table})").fetchall()
        layout[table] = {
            "columns": [
                tuple(row)[1:6] for row in connection.execute(f"PRAGMA table_info({table})")
            ],
            "indexes": sorted(
                (
                    tuple(index)[1:4],
                    [
                        tuple(c)[2]
                        for c in connection.execute(f"PRAGMA index_info({tuple(index)[1]})")
                    ],
                )
                for index in indexes
            ),
            "foreign_keys": [
                tuple(row)[2:5] for row in connection.execute(f"PRAGMA foreign_key_list({table})")
            ],
        }
    return layout


def test_a_fresh_store_creates_exactly_the_layout_that_shipped(tmp_path: Path) -> None:
    shipped = sqlite3.connect(":memory:")
    shipped.executescript(LAYOUT_2.read_text(encoding="utf-8"))
    store = Store(tmp_path / "bolt.db")
    store.close()
    fresh = sqlite3.connect(tmp_path / "bolt.db")
    assert _layout(fresh) == _layout(shipped)


@pytest.mark.parametrize(
    ("table", "record", "unloaded"),
    [
        ("schedules", ScheduleRow, []),
        ("runs", RunRecord, []),
        ("commands", CommandRecord, []),
        ("resources", ResourceRecord, ["content"]),  # read only when downloaded
    ],
)
def test_every_column_is_a_field_of_its_record(
    table: str, record: type[Any], unloaded: list[str]
) -> None:
    store = Store()
    with store.transaction():
        names = [row[1] for row in store._connection.execute(f"PRAGMA table_info({table})")]
    store.close()
    assert names == [field.name for field in dataclasses.fields(record)] + unloaded


def test_records_come_back_as_they_were_stored() -> None:
    store = Store()
    requested = (RequestedCommand("dbt run", continue_on_error=True),)
    plan = (PlannedCommand(0, "git clone ...", None, 0.0, 1.5, 0, "", "cloning\n"),)
    with store.transaction() as repo:
        run_id = repo.insert_run(
            workspace="ws",
            schedule_name="daily run",
            state="STARTING",
            trigger_ts=100.0,
            start_delay=1.0,
            branch="main",
            commit_hash="abc",
            pr_number=None,
            reason="because",
            actor="api",
            actor_email=None,
            parent_run_id=None,
            requested=requested,
            plan=plan,
        )
        repo.mark_emitted(run_id, started=True, completed=False)
        command_id = repo.insert_command(
            run_id=run_id,
            position=0,
            command="git clone ...",
            start_ts=100.0,
            planned_end_ts=101.5,
            stdout="",
            stderr="cloning\n",
        )
        resource_id = repo.insert_resource(command_id, "logs/dbt.log", "text/plain", b"log")
        repo.upsert_schedule("ws", "daily run", "{}")
        repo.set_suspended("ws", "daily run", True)
        run = repo.get_run(run_id, workspace="ws")
        command = repo.get_command(command_id, workspace="ws")
        resource = repo.get_resource(resource_id, workspace=None)
        (schedule,) = repo.schedule_rows("ws")
        content = repo.resource_content(resource_id)
    store.close()
    assert run is not None and command is not None and resource is not None
    assert (run.requested, run.plan, run.reason, run.pr_number) == (
        requested,
        plan,
        "because",
        None,
    )
    assert (run.started_emitted, run.completed_emitted) == (True, False)
    assert (command.run_id, command.stderr, command.end_ts) == (run_id, "cloning\n", None)
    assert (resource.command_id, resource.path, content) == (command_id, "logs/dbt.log", b"log")
    assert (schedule.name, schedule.suspended_override) == ("daily run", True)


def test_an_insert_of_a_column_the_table_lacks_names_it() -> None:
    with pytest.raises(ValueError, match="runs has no column nope, zzz"):
        RUNS.insert({"workspace": "ws", "zzz": 1, "nope": 2})
