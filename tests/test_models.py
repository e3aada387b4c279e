"""The generated models: shared selections are one readable type, and the typed views they
inherit are the hand-written ones in `paradime_bolt._views`, not copies."""

from __future__ import annotations

import ast
from pathlib import Path

from pytest_httpx import HTTPXMock

from paradime_bolt import _views
from paradime_bolt.models import (
    DeferredSchedule,
    Notification,
    Run,
    RunCommand,
    RunProgress,
    RunProgressCommand,
    RunState,
    RunStatus,
    Schedule,
    TriggeredRun,
    TurboCi,
)
from tests.support.twins import Twin

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "src" / "paradime_bolt" / "_generated"
COMMAND = {"id": 1, "command": "dbt run", "startDttm": "2024-08-27 22:58:57", "returnCode": 0}


def test_the_views_are_the_hand_written_ones() -> None:
    assert RunState.__module__ == "paradime_bolt._views"
    assert issubclass(RunStatus, _views.RunStateMixin)
    assert issubclass(RunProgress, _views.RunStateMixin)
    assert issubclass(Run, _views.RunStateMixin) and issubclass(Run, _views.StartEndMixin)
    assert issubclass(RunProgressCommand, _views.StartEndMixin)
    assert issubclass(Schedule, _views.ScheduleMixin)


def test_the_generated_package_holds_no_hand_written_module() -> None:
    for path in GENERATED.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defined = {n.name for n in tree.body if isinstance(n, ast.ClassDef | ast.FunctionDef)}
        assert not defined & {"RunState", "RunStateMixin", "parse_bolt_datetime"}, path.name
    for name in ("base_client.py", "async_base_client.py"):  # ariadne-codegen's copies
        tree = ast.parse((GENERATED / name).read_text(encoding="utf-8"))
        (base,) = [n for n in tree.body if isinstance(n, ast.ClassDef)]
        assert [ast.unparse(s) for s in base.body] == ["unset = UNSET"], name


def test_a_runs_commands_are_one_type_with_logs_a_subtype(
    twin: Twin, httpx_mock: HTTPXMock
) -> None:
    full = {**COMMAND, "stdout": "done", "stderr": ""}
    httpx_mock.add_response(json={"data": {"boltRunStatus": {"ok": True, "commands": [full]}}})
    httpx_mock.add_response(json={"data": {"boltRunStatus": {"ok": True, "commands": [COMMAND]}}})
    (with_logs,) = twin.call("bolt_run_status", 7).commands
    (without,) = twin.call("bolt_run_progress", 7).commands
    assert type(with_logs) is RunCommand and type(without) is RunProgressCommand
    assert isinstance(with_logs, RunProgressCommand)
    assert repr(with_logs).startswith("RunCommand(id=1, command='dbt run'")
    assert with_logs.start_datetime == without.start_datetime is not None


def test_every_operation_that_starts_a_run_answers_a_triggered_run(
    twin: Twin, httpx_mock: HTTPXMock
) -> None:
    for field in ("triggerBoltRun", "retryBoltRun", "retryAllBoltRun", "retryBoltRunFromFailure"):
        httpx_mock.add_response(json={"data": {field: {"runId": 9}}})
    answers = [
        twin.call("trigger_bolt_run", "daily run"),
        twin.call("retry_bolt_run", 1),
        twin.call("retry_all_bolt_run", 1),
        twin.call("retry_bolt_run_from_failure", "daily run"),
    ]
    assert {type(a) for a in answers} == {TriggeredRun}
    assert repr(answers[1]) == "TriggeredRun(run_id=9)"


def test_a_schedule_shares_its_settings_and_notification_types(
    twin: Twin, httpx_mock: HTTPXMock
) -> None:
    deferred = {"enabled": True, "successfulRunOnly": False}
    note = {"channel": "#data", "events": ["failed"]}
    schedule = {
        "name": "daily run",
        "schedule": "OFF",
        "id": 1,
        "uuid": "u",
        "source": "yaml",
        "turboCi": deferred,
        "deferredSchedule": deferred,
        "notifications": {"emailNotifications": [note], "slackNotifications": [note]},
    }
    httpx_mock.add_response(
        json={"data": {"listBoltSchedules": {"schedules": [schedule], "totalCount": 1}}}
    )
    (found,) = twin.call("list_bolt_schedules").schedules
    assert type(found) is Schedule
    assert type(found.turbo_ci) is type(found.deferred_schedule) is DeferredSchedule is TurboCi
    assert found.notifications is not None
    assert found.notifications.email_notifications is not None
    assert type(found.notifications.email_notifications[0]) is Notification


def test_no_client_directive_is_sent() -> None:
    for name in ("client.py", "async_client.py"):
        assert "@mixin" not in (GENERATED / name).read_text(encoding="utf-8"), name


def test_a_schedules_last_state_parsed_under_its_readable_name(
    twin: Twin, httpx_mock: HTTPXMock
) -> None:
    base = {"schedule": "OFF", "id": 1, "uuid": "u", "source": "yaml"}
    ran = {**base, "name": "ran", "lastRunState": "cancelled"}
    never = {**base, "name": "never"}
    httpx_mock.add_response(
        json={"data": {"listBoltSchedules": {"schedules": [ran, never], "totalCount": 2}}}
    )
    first, second = twin.call("list_bolt_schedules").schedules
    assert first.last_run_state_parsed is RunState.CANCELED is first.last_run_run_state
    assert second.last_run_state_parsed is None
