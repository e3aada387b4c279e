"""`schedules list --json` writes times as ISO 8601 in UTC, like every other JSON document."""

from __future__ import annotations

import json

from tests.support.cli import Invoke
from tests.support.fake_api import GraphQLScript


def test_schedule_times_are_iso_8601(invoke: Invoke, script: GraphQLScript) -> None:
    schedule = {
        "name": "daily run",
        "schedule": "0 6 * * *",
        "id": 1,
        "uuid": "u",
        "source": "yaml",
        "lastRunAt": "2024-08-27 06:00:00.000001",
        "nextRunAt": "not a time",
    }
    script.on(
        "ListBoltSchedules",
        {"data": {"listBoltSchedules": {"schedules": [schedule], "totalCount": 1}}},
    )
    result = invoke("schedules", "list", "--json")
    assert result.exit_code == 0, result.stderr
    (record,) = json.loads(result.stdout)["schedules"]
    assert record["last_run_at"] == "2024-08-27T06:00:00.000001Z"
    assert record["next_run_at"] == "not a time"
