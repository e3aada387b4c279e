"""The seven documented operations, errors, cancel and downloads, against the emulator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paradime_bolt import (
    AlreadyRunningError,
    AuthenticationError,
    BoltClient,
    NotFoundError,
    OperationFailedError,
    RunState,
)
from paradime_bolt_emulator import EmulatorServer
from paradime_bolt_emulator.pytest_plugin import BoltEmulator
from tests.support.e2e import UNTIL_CANCELLED
from tests.support.twins import Twin

pytestmark = pytest.mark.e2e

# An id no test creates, inside GraphQL's 32-bit Int.
UNKNOWN_ID = 2**31 - 1

FAST = {"poll_interval": 0.05, "max_poll_interval": 0.2, "timeout": 60}


def test_all_seven_operations(live: Twin, tmp_path: Path) -> None:
    page = live.call("list_bolt_schedules", offset=0, limit=50, show_inactive=False)
    names = {s.name for s in page.schedules}
    assert "daily run" in names
    assert page.total_count == len(page.schedules)

    details = live.call("bolt_schedule_name", schedule_name="daily run")
    assert details.commands and details.source == "yaml"

    run = live.call("trigger_bolt_run", schedule_name="daily run", commands=["dbt run"])
    final = live.call("wait_for_run", run.run_id, **FAST)
    assert final.run_state is RunState.SUCCESS
    status = live.call("bolt_run_status", run_id=run.run_id)
    commands = [c.command for c in status.commands]
    assert commands[:2] == ["git clone ...", "dbt deps"]
    assert commands[2:] == ["dbt run"], "the override replaces the schedule's commands"
    assert all(c.return_code == 0 for c in status.commands)
    assert status.commands[-1].start_datetime is not None

    command = live.call("bolt_command", command_id=status.commands[-1].id)
    assert command.schedule_run_id == run.run_id
    paths = {r.path: r.id for r in command.resources}
    assert "target/manifest.json" in paths

    url = live.call("bolt_resource_url", resource_id=paths["target/manifest.json"]).url
    assert url.startswith("http://127.0.0.1:")

    running = live.call("trigger_bolt_run", UNTIL_CANCELLED)
    assert live.call("cancel_bolt_run", schedule_run_id=running.run_id).ok is True
    canceled = live.call("wait_for_run", running.run_id, **FAST)
    assert canceled.run_state is RunState.CANCELED


def test_wrong_credentials_are_an_authentication_error(shared_emulator: BoltEmulator) -> None:
    for kind in ("sync", "async"):
        twin = Twin(kind, endpoint=shared_emulator.endpoint, api_key="k", api_secret="wrong")
        with pytest.raises(AuthenticationError) as info:
            twin.call("list_bolt_schedules")
        assert info.value.status_code == 401
        assert "wrong" not in str(info.value)


def test_cancelling_a_finished_run_fails(live: Twin) -> None:
    run = live.call("trigger_and_wait", "daily run", **FAST)
    with pytest.raises(OperationFailedError, match=f"schedule_run_id={run.run_id}"):
        live.call("cancel_bolt_run", run.run_id)


def test_already_running(live: Twin) -> None:
    run = live.call("trigger_bolt_run", UNTIL_CANCELLED)
    try:
        with pytest.raises(AlreadyRunningError, match="AlreadyRunningException"):
            live.call("trigger_bolt_run", UNTIL_CANCELLED)
    finally:
        live.call("cancel_bolt_run", run.run_id)


@pytest.mark.parametrize(
    ("method", "args", "kind"),
    [
        ("bolt_schedule_name", ("no such schedule",), "schedule"),
        ("list_bolt_runs", ("no such schedule",), "schedule"),
        ("suspend_bolt_schedule", ("no such schedule",), "schedule"),
        ("trigger_bolt_run", ("no such schedule",), "schedule"),
        ("retry_bolt_run_from_failure", ("no such schedule",), "schedule"),
        ("bolt_run_status", (UNKNOWN_ID,), "run"),
        ("bolt_run_progress", (UNKNOWN_ID,), "run"),
        ("retry_bolt_run", (UNKNOWN_ID,), "run"),
        ("retry_all_bolt_run", (UNKNOWN_ID,), "run"),
        ("bolt_command", (UNKNOWN_ID,), "command"),
        ("bolt_command_logs", (UNKNOWN_ID,), "command"),
        ("bolt_resource_url", (UNKNOWN_ID,), "resource"),
    ],
)
def test_unknown_names_and_ids_are_not_found(
    method: str, args: tuple[object, ...], kind: str, live: Twin
) -> None:
    with pytest.raises(NotFoundError) as info:
        live.call(method, *args)
    assert info.value.kind == kind
    assert isinstance(info.value, OperationFailedError), "what existing handlers catch"


def test_cancelling_an_unknown_run_fails(live: Twin) -> None:
    # ok: false for a finished and for an unknown run alike, so not a NotFoundError
    with pytest.raises(OperationFailedError, match=f"schedule_run_id={UNKNOWN_ID}"):
        live.call("cancel_bolt_run", UNKNOWN_ID)


def test_triggering_an_unknown_schedule_keeps_what_the_server_said(live: Twin) -> None:
    with pytest.raises(NotFoundError, match="ScheduleNotFoundException") as info:
        live.call("trigger_bolt_run", "no such schedule")
    assert info.value.arguments == {"schedule_name": "no such schedule"}
    assert info.value.data == {"triggerBoltRun": None}
    assert [e.path for e in info.value.errors] == [("triggerBoltRun",)]


def test_artifact_download(live: Twin, tmp_path: Path) -> None:
    run = live.call("trigger_and_wait", "daily run", **FAST)
    artifact = live.call("find_artifact", run.run_id, "target/manifest.json")
    path = live.call("download_resource", artifact.resource_id, tmp_path)
    assert path == tmp_path / "manifest.json"
    manifest = json.loads(path.read_text())
    assert {"metadata", "nodes", "sources", "parent_map"} <= set(manifest)
    results = live.call("download_json_artifact", run.run_id, "target/run_results.json")
    assert {"metadata", "results", "elapsed_time", "args"} <= set(results)


def test_state_survives_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "bolt.db"
    key, secret = "k", "s"
    with (
        EmulatorServer(port=0, db=db, api_key=key, api_secret=secret) as server,
        BoltClient(endpoint=server.endpoint, api_key=key, api_secret=secret) as bolt,
    ):
        run = bolt.trigger_and_wait("daily run", **FAST)
        bolt.suspend_bolt_schedule("hourly refresh")
        before = bolt.bolt_run_status(run.run_id)
        artifact = bolt.find_artifact(run.run_id, "target/run_results.json")
    with (
        EmulatorServer(port=0, db=db, api_key=key, api_secret=secret) as server,
        BoltClient(endpoint=server.endpoint, api_key=key, api_secret=secret) as bolt,
    ):
        after = bolt.bolt_run_status(run.run_id)
        assert after.model_dump() == before.model_dump()
        assert bolt.bolt_schedule_name("hourly refresh").suspended is True
        assert bolt.list_bolt_runs("daily run").runs[0].id == run.run_id
        content = bolt.download_json_artifact(run.run_id, "target/run_results.json")
        assert content["results"]
        again = bolt.find_artifact(run.run_id, "target/run_results.json")
        assert artifact.resource_id == again.resource_id
