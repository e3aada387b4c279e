"""The public building blocks the command line uses: a run's logs as they are written
(`RunLogs`), a run's artifacts and the default among them, a failed run's error from its
status, and the credential's headers as they may be shown."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from paradime_bolt import (
    AsyncBoltClient,
    AsyncRunLogs,
    BoltClient,
    LogChunk,
    RunFailedError,
    RunLogs,
    default_artifacts,
)
from paradime_bolt.models import RunStatus
from tests.support import payloads as p
from tests.support.fake_api import API_SECRET, GraphQLScript
from tests.support.twins import Twin


def progress(state: str, *ids: int) -> dict[str, Any]:
    return p.progress(state, *(p.command(i, f"dbt step{i}", None) for i in ids))


def run_logs(twin: Twin, method: str, *args: Any, **kwargs: Any) -> tuple[list[LogChunk], Any]:
    """Runs `RunLogs(bolt).method(...)` (or the async twin) to its end: its chunks and itself."""
    if twin.kind == "sync":
        with BoltClient(**twin.client_kwargs) as bolt:
            logs = RunLogs(bolt)
            return list(getattr(logs, method)(*args, **kwargs)), logs

    async def collect() -> tuple[list[LogChunk], Any]:
        async with AsyncBoltClient(**twin.client_kwargs) as bolt:
            alogs = AsyncRunLogs(bolt)
            return [c async for c in getattr(alogs, method)(*args, **kwargs)], alogs

    return asyncio.run(collect())


def test_follow_reads_each_command_on_from_where_it_stopped(
    twin: Twin, script: GraphQLScript
) -> None:
    script.on("BoltRunProgress", progress("RUNNING", 5), progress("SUCCESS", 5, 6))
    script.on(
        "BoltCommandLogs",
        p.log_page("a", cursor="5:1", finished=False),  # first poll: command 5 so far
        p.log_page(cursor="5:1", finished=False),  # nothing more yet
        p.log_page("d", cursor="5:2", finished=True),  # second poll: on from 5:1, to its end
        p.log_page("b", "c", cursor="6:2", finished=True),  # command 6, new
    )
    chunks, logs = run_logs(twin, "follow", 3, poll_interval=2, max_poll_interval=2)

    seen = [(c.number, c.command.id, [line.line for line in c.lines], c.first) for c in chunks]
    assert seen == [
        (1, 5, ["a"], True),
        (1, 5, [], False),
        (1, 5, ["d"], False),
        (2, 6, ["b", "c"], True),
    ]
    cursors = [v.get("cursor") for n, v in script.calls if n == "BoltCommandLogs"]
    assert cursors == [None, "5:1", "5:1", None]
    assert twin.sleeps == [2], "one wait between the two polls, on the client's clock"
    assert logs.progress.run_state.name == "SUCCESS"
    assert {k: [line.line for line in v] for k, v in logs.lines.items()} == {
        5: ["a", "d"],
        6: ["b", "c"],
    }


def test_a_command_read_to_its_end_is_not_asked_again(twin: Twin, script: GraphQLScript) -> None:
    script.on(
        "BoltRunProgress", progress("RUNNING", 1), progress("RUNNING", 1), progress("ERROR", 1)
    )
    script.on("BoltCommandLogs", p.log_page("only", cursor="1:1", finished=True))
    chunks, _ = run_logs(twin, "follow", 3, poll_interval=1, max_poll_interval=1)
    assert [[line.line for line in c.lines] for c in chunks] == [["only"]]
    assert script.count("BoltCommandLogs") == 1
    assert twin.sleeps == [1, 1]


def test_poll_reads_once_without_waiting(twin: Twin, script: GraphQLScript) -> None:
    script.on("BoltRunProgress", progress("RUNNING", 1))
    script.on("BoltCommandLogs", p.log_page(cursor="0", finished=False))
    chunks, logs = run_logs(twin, "poll", 3)
    assert [(c.first, c.lines) for c in chunks] == [(True, [])], "a new command, no line yet"
    assert logs.progress.state == "RUNNING"
    assert twin.sleeps == []


def test_a_runs_artifacts_and_the_default_of_each_path(twin: Twin, script: GraphQLScript) -> None:
    commands = [
        {"id": 1, "command": "git clone ...", "returnCode": 0},
        {"id": 3, "command": "dbt run", "returnCode": 0},
        {"id": 4, "command": "dbt test", "returnCode": 1},
    ]
    script.on("BoltRunProgress", {"data": {"boltRunStatus": {"ok": True, "commands": commands}}})

    def details(variables: dict[str, Any]) -> dict[str, Any]:
        command = variables["commandId"]
        resources = [{"id": command * 10, "path": "target/run_results.json"}]
        return {"data": {"boltCommand": {"ok": True, "resources": resources}}}

    script.on("BoltCommand", details)
    artifacts = twin.call("list_artifacts", 9)
    assert [(a.command_id, a.resource_id, a.command) for a in artifacts] == [
        (1, 10, "git clone ..."),
        (3, 30, "dbt run"),
        (4, 40, "dbt test"),
    ]
    assert default_artifacts(artifacts)["target/run_results.json"] is artifacts[2]
    assert default_artifacts(artifacts[:1]) == {}, "set-up commands are never the default"
    assert [v["commandId"] for n, v in script.calls if n == "BoltCommand"] == [1, 3, 4]


def test_a_failed_runs_error_from_its_status() -> None:
    status = RunStatus.model_validate(
        {
            "ok": True,
            "state": "ERROR",
            "commands": [
                {"id": 1, "command": "dbt deps", "returnCode": 0, "stdout": "", "stderr": ""},
                {"id": 2, "command": "dbt test", "returnCode": 1, "stdout": "x", "stderr": "boom"},
            ],
        }
    )
    error = RunFailedError.from_status(15, status)
    assert (error.run_id, error.command, error.command_id, error.return_code) == (
        15,
        "dbt test",
        2,
        1,
    )
    assert error.output_tail == "boom" and error.status is status


@pytest.mark.parametrize(
    ("credentials", "shown"),
    [
        ({"api_key": "key-1"}, {"X-API-KEY": "**********", "X-API-SECRET": "**********"}),
        (
            {"api_secret": "prdm_cmp_0123456789", "workspace_uid": "ws-1"},
            {"Authorization": "Bearer prdm_cmp_**********", "X-Paradime-Workspace": "ws-1"},
        ),
    ],
)
def test_the_credential_headers_as_they_may_be_shown(
    credentials: dict[str, str], shown: dict[str, str]
) -> None:
    config = BoltClient(
        endpoint="https://api.test.paradime.io/graphql",
        **{"api_secret": API_SECRET, **credentials},
    ).config
    assert config.masked_headers() == shown
