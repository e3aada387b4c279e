"""Run states and timestamps: typed views that never fail on a value the client does not know."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from pytest_httpx import HTTPXMock

from paradime_bolt.models import RunState, parse_bolt_datetime
from tests.support.twins import Twin


@pytest.mark.parametrize(
    ("raw", "state"),
    [
        ("SUCCESS", RunState.SUCCESS),
        ("running", RunState.RUNNING),
        ("Starting", RunState.STARTING),
        ("CANCELLED", RunState.CANCELED),
        ("QUEUED", RunState.UNKNOWN),
        ("", RunState.UNKNOWN),
        (None, RunState.UNKNOWN),
        (42, RunState.UNKNOWN),
    ],
)
def test_parse(raw: object, state: RunState) -> None:
    assert RunState.parse(raw) is state


def test_terminal_and_failure_states() -> None:
    terminal = {s for s in RunState if s.is_terminal}
    assert terminal == {
        RunState.SUCCESS,
        RunState.ERROR,
        RunState.FAILED,
        RunState.CANCELED,
        RunState.SKIPPED,
    }
    assert {s for s in RunState if s.is_failure} == {
        RunState.ERROR,
        RunState.FAILED,
        RunState.CANCELED,
    }
    for not_terminal in (RunState.STARTING, RunState.RUNNING, RunState.UNKNOWN):
        assert not not_terminal.is_terminal


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-08-27 22:59:01.476387", datetime(2024, 8, 27, 22, 59, 1, 476387, timezone.utc)),
        ("2024-08-27T22:59:01Z", datetime(2024, 8, 27, 22, 59, 1, tzinfo=timezone.utc)),
        (
            "2024-08-27T22:59:01.5+02:00",
            datetime(2024, 8, 27, 22, 59, 1, 500000, timezone(timedelta(hours=2))),
        ),
        ("2024-08-27 22:59", datetime(2024, 8, 27, 22, 59, tzinfo=timezone.utc)),
        ("2024-08-27 22:59:01.123456789", datetime(2024, 8, 27, 22, 59, 1, 123456, timezone.utc)),
    ],
)
def test_timestamps_are_timezone_aware(raw: str, expected: datetime) -> None:
    parsed = parse_bolt_datetime(raw)
    assert parsed == expected
    assert parsed is not None
    assert parsed.tzinfo is not None


@pytest.mark.parametrize(
    "raw", [None, "", "yesterday", "2024-13-45 99:99:99", "1724799541", 1724799541, "2024-08-27"]
)
def test_unreadable_timestamps_give_none(raw: object) -> None:
    assert parse_bolt_datetime(raw) is None


def test_models_expose_typed_views_and_keep_the_raw_strings(
    twin: Twin, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(
        json={
            "data": {
                "boltRunStatus": {
                    "ok": True,
                    "state": "QUEUED",
                    "commands": [
                        {
                            "id": 1,
                            "command": "dbt run",
                            "startDttm": "2024-08-27 22:59:01.476387",
                            "endDttm": "not a date",
                            "stdout": "",
                            "stderr": "",
                            "returnCode": None,
                        }
                    ],
                }
            }
        }
    )
    status = twin.call("bolt_run_status", 1)
    assert status.state == "QUEUED"
    assert status.run_state is RunState.UNKNOWN
    command = status.commands[0]
    assert command.start_datetime == datetime(2024, 8, 27, 22, 59, 1, 476387, timezone.utc)
    assert command.end_dttm == "not a date"
    assert command.end_datetime is None


def test_schedule_views(twin: Twin, httpx_mock: HTTPXMock) -> None:
    schedule = {
        "name": "daily run",
        "schedule": "0 6 * * *",
        "id": 1,
        "uuid": "u",
        "source": "yaml",
        "lastRunAt": "2024-08-27 06:00:00.000001",
        "lastRunState": "error",
        "nextRunAt": None,
    }
    httpx_mock.add_response(
        json={"data": {"listBoltSchedules": {"schedules": [schedule], "totalCount": 1}}}
    )
    (first,) = twin.call("list_bolt_schedules").schedules
    assert first.last_run_datetime == datetime(2024, 8, 27, 6, 0, 0, 1, timezone.utc)
    assert first.next_run_datetime is None
    assert first.last_run_run_state is RunState.ERROR
