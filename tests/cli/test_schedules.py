"""`schedules list` and `schedules show`, against the scripted fake API."""

from __future__ import annotations

import json

from tests.support import payloads as p
from tests.support.cli import Invoke
from tests.support.fake_api import GraphQLScript


def test_list_prints_a_plain_table(invoke: Invoke, script: GraphQLScript) -> None:
    script.on("ListBoltSchedules", p.schedules(p.schedule("daily run"), p.schedule("hourly")))
    result = invoke("schedules", "list")
    assert result.exit_code == 0, result.output
    header, first, second = result.stdout.splitlines()
    assert header.startswith("NAME ")
    assert "LAST STATE" in header
    assert header.endswith("OWNER")
    assert first.startswith("daily run ")
    assert "2024-08-27 22:59:01 UTC" in first
    assert "SUCCESS" in first
    assert second.startswith("hourly ")
    assert script.calls[0] == (
        "ListBoltSchedules",
        {"offset": 0, "limit": 50, "showInactive": False},
    )


def test_list_all_asks_for_inactive_schedules_and_shows_which_are(
    invoke: Invoke, script: GraphQLScript
) -> None:
    script.on(
        "ListBoltSchedules",
        p.schedules(p.schedule("daily run"), p.schedule("legacy", suspended=True)),
    )
    result = invoke("schedules", "list", "--all")
    assert result.exit_code == 0, result.output
    assert script.calls[0][1]["showInactive"] is True
    lines = result.stdout.splitlines()
    assert lines[0].endswith("SUSPENDED")
    assert lines[1].endswith("no")
    assert lines[2].endswith("yes")


def test_list_json_is_one_document(invoke: Invoke, script: GraphQLScript) -> None:
    script.on("ListBoltSchedules", p.schedules(p.schedule("daily run")))
    result = invoke("schedules", "list", "--json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    [only] = document["schedules"]
    assert only["name"] == "daily run"
    assert only["last_run_state"] == "SUCCESS"
    assert only["commands"] == ["dbt run", "dbt test"]


def test_an_empty_list_says_so_on_stderr(invoke: Invoke, script: GraphQLScript) -> None:
    script.on("ListBoltSchedules", p.schedules())
    result = invoke("schedules", "list")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "no active schedules" in result.stderr


def test_show(invoke: Invoke, script: GraphQLScript) -> None:
    script.on("BoltScheduleName", p.schedule_details())
    result = invoke("schedules", "show", "daily run")
    assert result.exit_code == 0, result.output
    assert script.calls == [("BoltScheduleName", {"scheduleName": "daily run"})]
    lines = result.stdout.splitlines()
    assert lines[0].split(None, 1) == ["name:", "daily run"]
    assert "latest run: 15509" in " ".join(result.stdout.split())
    assert lines[-2].split(None, 1) == ["commands:", "dbt run"]
    assert lines[-1].strip() == "dbt test"


def test_show_by_slug_as_json(invoke: Invoke, script: GraphQLScript) -> None:
    script.on("BoltScheduleName", p.schedule_details())
    result = invoke("schedules", "show", "daily-run", "--slug", "--json")
    assert result.exit_code == 0
    assert script.calls == [("BoltScheduleName", {"slug": "daily-run"})]
    document = json.loads(result.stdout)
    assert document["slug"] == "daily-run"
    assert document["latest_run_id"] == 15509
    assert "ok" not in document


def test_an_unknown_schedule_is_exit_5_with_a_hint(invoke: Invoke, script: GraphQLScript) -> None:
    script.on("BoltScheduleName", p.not_ok("boltScheduleName"))
    result = invoke("schedules", "show", "nope")
    assert result.exit_code == 5
    assert result.stdout == ""
    assert "error: BoltScheduleName: no schedule with schedule_name='nope'" in result.stderr
    assert "schedules list --all" in result.stderr
