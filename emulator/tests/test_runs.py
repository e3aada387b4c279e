"""Runs: their lifecycle over (fake) time, failures, overrides, cancellation and listing."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from paradime_bolt_emulator import EmulatorServer

from .support import Api, FakeClock, command_ids

DTTM = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}")
INFRA = ["git clone ...", "dbt deps"]
RUNS_QUERY = (
    "query($name: String, $slug: String, $offset: Int!, $limit: Int!) {"
    " listBoltRuns(scheduleName: $name, slug: $slug, offset: $offset, limit: $limit) {"
    " ok runs { id state actor actorEmail startDttm endDttm parentScheduleRunId"
    " gitInfo { branch commitHash pullRequestId } } } }"
)
CANCEL = "mutation($id: Int!) { cancelBoltRun(scheduleRunId: $id) { ok } }"


def runs(api: Api, offset: int = 0, limit: int = 10, **ref: str) -> dict[str, Any]:
    """listBoltRuns for a schedule given as name= or slug=."""
    result: dict[str, Any] = api.data(RUNS_QUERY, offset=offset, limit=limit, **ref)["listBoltRuns"]
    return result


def test_a_run_goes_from_starting_through_running_to_success(api: Api, clock: FakeClock) -> None:
    run_id = api.trigger("daily run")
    assert api.status(run_id) == {"ok": True, "state": "STARTING", "commands": []}

    clock.advance(1.5)  # git clone runs from 1 s to 3 s after the trigger
    status = api.status(run_id)
    assert status["state"] == "RUNNING"
    [clone] = status["commands"]
    assert clone["command"] == "git clone ..."
    assert clone["startDttm"] == "2024-08-27 22:58:58.000000"
    assert clone["endDttm"] is None
    assert clone["returnCode"] is None

    clock.advance(4.6)  # 6.1 s: dbt run (5.04 s to 7.04 s) is running
    status = api.status(run_id)
    assert status["state"] == "RUNNING"
    assert [command["command"] for command in status["commands"]] == [*INFRA, "dbt run"]
    assert [command["returnCode"] for command in status["commands"]] == [0, 0, None]

    clock.advance(10)
    status = api.status(run_id)
    assert status["state"] == "SUCCESS"
    commands = status["commands"]
    assert [command["command"] for command in commands] == [*INFRA, "dbt run", "dbt test"]
    assert all(command["returnCode"] == 0 for command in commands)
    ids = [command["id"] for command in commands]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    for command in commands:
        assert DTTM.fullmatch(command["startDttm"])
        assert DTTM.fullmatch(command["endDttm"])
        assert command["startDttm"] < command["endDttm"]
    assert commands[0]["endDttm"] == "2024-08-27 22:59:00.000000"
    assert commands[1]["startDttm"] == "2024-08-27 22:59:00.020000"
    assert commands[0]["stdout"] == ""
    assert "Cloning into" in commands[0]["stderr"]
    assert "Running with dbt=" in commands[2]["stdout"]
    assert "Completed successfully" in commands[2]["stdout"]
    assert commands[2]["stderr"] == ""

    [listed] = runs(api, name="daily run")["runs"]
    assert listed["state"] == "SUCCESS"
    assert listed["startDttm"] == "2024-08-27 22:58:57.000000"
    assert listed["endDttm"] == commands[-1]["endDttm"]


def test_a_failing_command_ends_the_run_in_error_and_skips_the_rest(
    api: Api, clock: FakeClock
) -> None:
    run_id = api.trigger("broken tests")
    clock.advance(60)
    status = api.status(run_id)
    assert status["state"] == "ERROR"
    outcome = [(command["command"], command["returnCode"]) for command in status["commands"]]
    assert outcome == [("git clone ...", 0), ("dbt deps", 0), ("dbt seed", 0), ("dbt test", 1)]
    failing = status["commands"][-1]
    assert "FAIL 2 not_null_stg_orders_order_id" in failing["stdout"]
    assert "Failure in test not_null_stg_orders_order_id" in failing["stderr"]
    clock.advance(600)
    assert len(api.status(run_id)["commands"]) == 4  # dbt docs generate never runs


def test_commands_and_branch_override_one_run_only(api: Api, clock: FakeClock) -> None:
    custom = api.trigger(
        "daily run", commands=["dbt compile", "dbt seed"], branch="feature-123", prNumber=12
    )
    clock.advance(60)
    status = api.status(custom)
    assert [command["command"] for command in status["commands"]] == [
        *INFRA,
        "dbt compile",
        "dbt seed",
    ]
    assert "feature-123" in status["commands"][0]["stderr"]

    plain = api.trigger("daily run")
    clock.advance(60)
    assert [command["command"] for command in api.status(plain)["commands"]] == [
        *INFRA,
        "dbt run",
        "dbt test",
    ]
    latest, first = runs(api, name="daily run")["runs"]
    assert first["id"] == custom
    assert first["gitInfo"]["branch"] == "feature-123"
    assert first["gitInfo"]["pullRequestId"] == "12"
    assert latest["gitInfo"]["branch"] == "main"
    assert latest["gitInfo"]["pullRequestId"] is None
    assert latest["gitInfo"]["commitHash"] != first["gitInfo"]["commitHash"]
    details = api.data('{ boltScheduleName(scheduleName: "daily run") { commands } }')
    assert details["boltScheduleName"]["commands"] == ["dbt run", "dbt test"]


def test_triggering_a_schedule_with_a_run_in_progress_fails(api: Api, clock: FakeClock) -> None:
    first = api.trigger("daily run")
    for _ in range(2):  # while STARTING, then while RUNNING
        error = api.error('mutation { triggerBoltRun(slug: "daily-run") { runId } }')
        assert "AlreadyRunningException" in error["message"]
        assert error["extensions"]["code"] == "ALREADY_RUNNING"
        assert error["path"] == ["triggerBoltRun"]
        clock.advance(2)
    clock.advance(60)
    assert api.trigger("daily run") > first
    assert api.trigger("broken tests") > first  # other schedules are independent


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        (
            'mutation { triggerBoltRun(scheduleName: "nope") { runId } }',
            "ScheduleNotFoundException",
        ),
        ('mutation { triggerBoltRun(slug: "nope") { runId } }', "ScheduleNotFoundException"),
        (
            'mutation { triggerBoltRun(scheduleName: "daily run", slug: "daily-run") { runId } }',
            "InvalidArgumentsException: pass exactly one of scheduleName or slug",
        ),
        ("mutation { triggerBoltRun { runId } }", "InvalidArgumentsException"),
        (
            'mutation { triggerBoltRun(scheduleName: "daily run", commands: []) { runId } }',
            "InvalidArgumentsException: commands must not be empty",
        ),
        (
            'mutation { triggerBoltRun(scheduleName: "daily run", commands: [" "]) { runId } }',
            "InvalidArgumentsException",
        ),
        (
            'mutation { triggerBoltRun(scheduleName: "daily run", branch: "") { runId } }',
            "InvalidArgumentsException: branch must not be empty",
        ),
        (
            'mutation { triggerBoltRun(scheduleName: "daily run", commands: ["dbt run"],'
            ' commandConfigs: [{command: "dbt run"}]) { runId } }',
            "InvalidArgumentsException: pass commands or commandConfigs, not both",
        ),
    ],
)
def test_bad_triggers_are_graphql_errors(api: Api, document: str, fragment: str) -> None:
    assert fragment in api.error(document)["message"]


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (
            "{ boltRunStatus(runId: 1) { ok state commands { id } } }",
            {"ok": False, "state": None, "commands": None},
        ),
        (
            "{ boltCommand(commandId: 1) { ok command startDttm endDttm stdout stderr"
            " returnCode scheduleRunId resources { id } } }",
            {
                "ok": False,
                "command": None,
                "startDttm": None,
                "endDttm": None,
                "stdout": None,
                "stderr": None,
                "returnCode": None,
                "scheduleRunId": None,
                "resources": None,
            },
        ),
        (
            "{ boltCommandLogs(commandId: 1) { ok lines { line } cursor finished } }",
            {"ok": False, "lines": [], "cursor": "0:0", "finished": False},
        ),
        ("{ boltResourceUrl(resourceId: 1) { ok url } }", {"ok": False, "url": None}),
        ("mutation { cancelBoltRun(scheduleRunId: 1) { ok } }", {"ok": False}),
        ('{ listBoltRuns(scheduleName: "nope") { ok runs { id } } }', {"ok": False, "runs": None}),
        (
            '{ boltScheduleName(slug: "nope") { ok latestRunId commands owner schedule uuid'
            " source suspended } }",
            {
                "ok": False,
                "latestRunId": None,
                "commands": None,
                "owner": None,
                "schedule": None,
                "uuid": None,
                "source": None,
                "suspended": None,
            },
        ),
        ('mutation { suspendBoltSchedule(slug: "nope", suspend: true) { ok } }', {"ok": False}),
    ],
)
def test_unknown_ids_answer_ok_false_with_nulls(
    api: Api, document: str, expected: dict[str, Any]
) -> None:
    assert list(api.data(document).values()) == [expected]


def test_ids_are_not_interchangeable(api: Api, clock: FakeClock) -> None:
    run_id = api.trigger("daily run")
    clock.advance(60)
    command_id = api.status(run_id)["commands"][0]["id"]
    assert api.status(command_id)["ok"] is False
    assert api.command(run_id)["ok"] is False


def test_command_ids_increase_with_start_time_across_runs(api: Api, clock: FakeClock) -> None:
    first = api.trigger("daily run")
    clock.advance(0.5)
    second = api.trigger("broken tests")
    clock.advance(60)
    commands = api.status(first)["commands"] + api.status(second)["commands"]
    by_id = sorted(commands, key=lambda command: command["id"])
    by_start = sorted(commands, key=lambda command: command["startDttm"])
    assert by_id == by_start
    assert [command["id"] for command in by_id] != [command["id"] for command in commands]


def test_cancel_ends_the_running_command_and_skips_the_rest(api: Api, clock: FakeClock) -> None:
    run_id = api.trigger("daily run")
    clock.advance(6)  # inside dbt run
    assert api.data(CANCEL, id=run_id) == {"cancelBoltRun": {"ok": True}}
    status = api.status(run_id)
    assert status["state"] == "CANCELED"
    assert [command["command"] for command in status["commands"]] == [*INFRA, "dbt run"]
    cancelled = status["commands"][-1]
    assert cancelled["returnCode"] == -15
    assert cancelled["endDttm"] == "2024-08-27 22:59:03.000000"
    assert cancelled["stderr"].endswith("the run was cancelled through the Bolt API.\n")
    assert "Completed successfully" not in cancelled["stdout"]

    clock.advance(600)
    assert api.status(run_id) == status
    assert api.data(CANCEL, id=run_id) == {"cancelBoltRun": {"ok": False}}
    [listed] = runs(api, slug="daily-run")["runs"]
    assert listed["state"] == "CANCELED"
    assert listed["endDttm"] == "2024-08-27 22:59:03.000000"


def test_cancel_while_starting_runs_nothing(api: Api, clock: FakeClock) -> None:
    run_id = api.trigger("daily run")
    clock.advance(0.5)
    assert api.data(CANCEL, id=run_id)["cancelBoltRun"]["ok"] is True
    clock.advance(60)
    assert api.status(run_id) == {"ok": True, "state": "CANCELED", "commands": []}


def test_cancelling_a_finished_run_is_not_ok(api: Api, clock: FakeClock) -> None:
    run_id = api.trigger("daily run")
    clock.advance(60)
    assert api.data(CANCEL, id=run_id)["cancelBoltRun"]["ok"] is False
    assert api.status(run_id)["state"] == "SUCCESS"


def test_runs_are_listed_newest_first_and_paged(api: Api, clock: FakeClock) -> None:
    triggered = []
    for _ in range(3):
        triggered.append(api.trigger("daily run"))
        clock.advance(60)
    listed = runs(api, name="daily run")
    assert listed["ok"] is True
    assert [run["id"] for run in listed["runs"]] == triggered[::-1]
    assert [run["id"] for run in runs(api, offset=1, limit=1, slug="daily-run")["runs"]] == [
        triggered[1]
    ]
    assert runs(api, offset=5, name="daily run") == {"ok": True, "runs": []}
    run = listed["runs"][0]
    assert run["actor"] == "api"
    assert run["actorEmail"]
    assert run["parentScheduleRunId"] is None
    assert re.fullmatch(r"[0-9a-f]{40}", run["gitInfo"]["commitHash"])
    assert len({run["gitInfo"]["commitHash"] for run in listed["runs"]}) == 1  # same branch
    assert runs(api, name="broken tests") == {"ok": True, "runs": []}


def test_a_commit_given_as_branch_is_the_commit_hash(api: Api) -> None:
    commit = "e987a71966bf68c79c7fdcb4c4c19babdaf9b258"
    api.trigger("daily run", branch=commit)
    [run] = runs(api, name="daily run")["runs"]
    assert run["gitInfo"] == {"branch": commit, "commitHash": commit, "pullRequestId": None}


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        ('{ listBoltRuns(scheduleName: "daily run", limit: 0) { ok } }', "limit must be 1 or more"),
        ('{ listBoltRuns(slug: "daily-run", offset: -1) { ok } }', "offset must be 0 or more"),
        ("{ listBoltRuns { ok } }", "pass exactly one of scheduleName or slug"),
    ],
)
def test_bad_run_listings_are_errors(api: Api, document: str, fragment: str) -> None:
    assert fragment in api.error(document)["message"]


def test_runs_progress_in_real_time_on_a_real_server(quick_schedules_file: Path) -> None:
    with EmulatorServer(schedules=quick_schedules_file) as server, httpx.Client() as http:
        api = Api(http, server.endpoint)
        run_id = api.trigger("quick run")
        states = [api.status(run_id)["state"]]
        deadline = time.monotonic() + 60
        while states[-1] in {"STARTING", "RUNNING"} and time.monotonic() < deadline:
            time.sleep(0.02)
            states.append(api.status(run_id)["state"])
        assert states[0] in {"STARTING", "RUNNING"}
        assert states[-1] == "SUCCESS"
        assert list(command_ids(api.status(run_id))) == [*INFRA, "dbt run", "dbt test"]
