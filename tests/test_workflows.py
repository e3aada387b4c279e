"""The workflows built from the operations: waiting, pagination, logs, artifacts, downloads.
Each runs on both twins against a scripted fake server (pytest-httpx)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from pytest_httpx import HTTPXMock

from paradime_bolt import (
    ArtifactNotFoundError,
    InvalidArgumentError,
    InvalidResponseError,
    NotFoundError,
    OperationFailedError,
    RunFailedError,
    RunTimeoutError,
    StorageError,
    TransportError,
)
from paradime_bolt.models import RunState
from tests.support import payloads as p
from tests.support.fake_api import GraphQLScript, docs_examples
from tests.support.twins import Twin

FAST = {"poll_interval": 0.001, "max_poll_interval": 0.002}


# -- waiting ------------------------------------------------------------------------------------


def test_wait_polls_until_terminal_and_returns_the_full_status(
    twin: Twin, script: GraphQLScript
) -> None:
    script.on(
        "BoltRunProgress", p.progress("STARTING"), p.progress("RUNNING"), p.progress("SUCCESS")
    )
    script.on("BoltRunStatus", p.status("SUCCESS", p.command(1, "dbt run", 0, stdout="done")))
    seen: list[RunState] = []

    status = twin.call("wait_for_run", 7, on_progress=lambda p: seen.append(p.run_state), **FAST)

    assert status.run_state is RunState.SUCCESS
    assert status.commands[0].stdout == "done"
    assert seen == [RunState.STARTING, RunState.RUNNING, RunState.SUCCESS]
    assert script.count("BoltRunProgress") == 3
    assert script.count("BoltRunStatus") == 1
    assert all(v == {"runId": 7} for _, v in script.calls)


def test_unknown_states_are_not_terminal(twin: Twin, script: GraphQLScript) -> None:
    script.on(
        "BoltRunProgress", p.progress("QUEUED"), p.progress("DEPLOYING"), p.progress("SKIPPED")
    )
    script.on("BoltRunStatus", p.status("SKIPPED"))
    assert twin.call("wait_for_run", 7, **FAST).run_state is RunState.SKIPPED
    assert script.count("BoltRunProgress") == 3


def test_wait_times_out(twin: Twin, script: GraphQLScript) -> None:
    script.on("BoltRunProgress", p.progress("RUNNING"))
    with pytest.raises(RunTimeoutError) as info:
        twin.call("wait_for_run", 7, timeout=0.05, **FAST)
    assert (info.value.run_id, info.value.state, info.value.canceled) == (7, "RUNNING", False)
    assert script.count("CancelBoltRun") == 0


def test_wait_cancels_on_timeout_when_asked(twin: Twin, script: GraphQLScript) -> None:
    script.on("BoltRunProgress", p.progress("RUNNING"))
    script.on("CancelBoltRun", {"data": {"cancelBoltRun": {"ok": True}}})
    with pytest.raises(RunTimeoutError, match=r"did not finish within 0\.05s.*cancelled") as info:
        twin.call("wait_for_run", 7, timeout=0.05, cancel_on_timeout=True, **FAST)
    assert info.value.canceled is True
    assert script.count("CancelBoltRun") == 1
    assert ("CancelBoltRun", {"scheduleRunId": 7}) in script.calls


def test_a_run_that_ends_while_being_cancelled_is_returned(
    twin: Twin, script: GraphQLScript
) -> None:
    script.on(
        "BoltRunProgress", p.progress("RUNNING"), p.progress("RUNNING"), p.progress("SUCCESS")
    )
    script.on("CancelBoltRun", {"data": {"cancelBoltRun": {"ok": False}}})
    script.on("BoltRunStatus", p.status("SUCCESS"))
    # On the simulated clock the second poll is past the deadline: cancel, which finds it done.
    status = twin.call("wait_for_run", 7, timeout=0.001, cancel_on_timeout=True, **FAST)
    assert status.run_state is RunState.SUCCESS
    assert script.count("CancelBoltRun") == 1


def test_a_run_still_going_after_a_refused_cancel_times_out_uncancelled(
    twin: Twin, script: GraphQLScript
) -> None:
    script.on("BoltRunProgress", p.progress("RUNNING"))
    script.on("CancelBoltRun", {"data": {"cancelBoltRun": {"ok": False}}})
    with pytest.raises(RunTimeoutError) as info:
        twin.call("wait_for_run", 7, timeout=0.01, cancel_on_timeout=True, **FAST)
    assert (info.value.state, info.value.canceled) == ("RUNNING", False)
    assert script.count("CancelBoltRun") == 1


def test_raise_on_failure_names_the_failing_command_and_its_output(
    twin: Twin, script: GraphQLScript
) -> None:
    documented = next(e for e in docs_examples() if e["operation"] == "BoltRunStatus")
    documented["response"]["data"]["boltRunStatus"]["commands"][0]["stderr"] = "\n".join(
        f"line {n}" for n in range(100)
    )
    script.on("BoltRunProgress", p.progress("ERROR"))
    script.on("BoltRunStatus", documented["response"])
    with pytest.raises(RunFailedError) as info:
        twin.call("wait_for_run", 15509, raise_on_failure=True, **FAST)
    error = info.value
    assert (error.state, error.command, error.return_code) == ("ERROR", "dbt test", 1)
    assert error.command_id == 59241
    assert error.stderr_tail.splitlines() == [f"line {n}" for n in range(70, 100)]
    assert "`dbt test` exited with return code 1" in str(error)
    assert "line 99" in str(error)


@pytest.mark.parametrize("state", ["FAILED", "CANCELED", "ERROR"])
def test_failure_states_raise_only_when_asked(
    state: str, twin: Twin, script: GraphQLScript
) -> None:
    script.on("BoltRunProgress", p.progress(state))
    script.on("BoltRunStatus", p.status(state))
    assert twin.call("wait_for_run", 1, **FAST).state == state
    with pytest.raises(RunFailedError, match=f"run 1 ended {state}"):
        twin.call("wait_for_run", 1, raise_on_failure=True, **FAST)


def test_wait_rejects_bad_intervals(twin: Twin) -> None:
    with pytest.raises(InvalidArgumentError):
        twin.call("wait_for_run", 1, poll_interval=0)
    with pytest.raises(InvalidArgumentError):
        twin.call("wait_for_run", 1, poll_interval=5, max_poll_interval=1)
    with pytest.raises(InvalidArgumentError):
        twin.call("wait_for_run", 1, timeout=0)


def test_waiting_for_an_unknown_run_fails_at_once(twin: Twin, script: GraphQLScript) -> None:
    script.on("BoltRunProgress", {"data": {"boltRunStatus": {"ok": False}}})
    with pytest.raises(OperationFailedError, match="run_id=404"):
        twin.call("wait_for_run", 404, **FAST)


def test_trigger_and_wait(twin: Twin, script: GraphQLScript) -> None:
    script.on("TriggerBoltRun", {"data": {"triggerBoltRun": {"runId": 31}}})
    script.on("BoltRunProgress", p.progress("RUNNING"), p.progress("SUCCESS"))
    script.on("BoltRunStatus", p.status("SUCCESS"))
    run = twin.call("trigger_and_wait", "daily run", branch="feature-1", **FAST)
    assert run.run_id == 31
    assert run.run_state is RunState.SUCCESS
    assert script.calls[0] == (
        "TriggerBoltRun",
        {"scheduleName": "daily run", "branch": "feature-1"},
    )
    assert {v["runId"] for n, v in script.calls if n == "BoltRunProgress"} == {31}


# -- pagination ---------------------------------------------------------------------------------


def schedules_page(names: list[str], total: int) -> dict[str, Any]:
    return p.schedules(*(p.schedule(name) for name in names), total=total)


def test_iter_schedules_walks_every_page(twin: Twin, script: GraphQLScript) -> None:
    script.on(
        "ListBoltSchedules",
        schedules_page(["a", "b"], 5),
        schedules_page(["c", "d"], 5),
        schedules_page(["e"], 5),
    )
    names = [s.name for s in twin.collect("iter_schedules", page_size=2, show_inactive=True)]
    assert names == ["a", "b", "c", "d", "e"]
    assert [v["offset"] for _, v in script.calls] == [0, 2, 4]
    assert {(v["limit"], v["showInactive"]) for _, v in script.calls} == {(2, True)}


def test_iter_schedules_stops_on_an_empty_first_page(twin: Twin, script: GraphQLScript) -> None:
    script.on("ListBoltSchedules", schedules_page([], 0))
    assert twin.collect("iter_schedules") == []
    assert script.count("ListBoltSchedules") == 1


def test_iter_schedules_stops_on_a_short_page_even_if_the_total_says_more(
    twin: Twin, script: GraphQLScript
) -> None:
    script.on("ListBoltSchedules", schedules_page(["a", "b"], 99), schedules_page(["c"], 99))
    assert len(twin.collect("iter_schedules", page_size=2)) == 3
    assert script.count("ListBoltSchedules") == 2


def test_iter_schedules_stops_at_the_total(twin: Twin, script: GraphQLScript) -> None:
    script.on("ListBoltSchedules", schedules_page(["a", "b"], 2))
    assert len(twin.collect("iter_schedules", page_size=2)) == 2
    assert script.count("ListBoltSchedules") == 1


# -- logs ---------------------------------------------------------------------------------------


def test_follow_logs_until_finished(twin: Twin, script: GraphQLScript) -> None:
    script.on(
        "BoltCommandLogs",
        p.log_page(("STDOUT", "a"), ("STDERR", "b"), cursor="2:0", finished=False),
        p.log_page(cursor="2:0", finished=False),
        p.log_page(("STDOUT", "c"), cursor="3:0", finished=True),
    )
    lines = twin.collect("iter_command_logs", 5, poll_interval=0.001)
    assert [(line.stream, line.line) for line in lines] == [
        ("STDOUT", "a"),
        ("STDERR", "b"),
        ("STDOUT", "c"),
    ]
    assert [v for _, v in script.calls] == [
        {"commandId": 5},
        {"commandId": 5, "cursor": "2:0"},
        {"commandId": 5, "cursor": "2:0"},
    ]


def test_without_follow_logs_stop_at_what_is_written(twin: Twin, script: GraphQLScript) -> None:
    script.on(
        "BoltCommandLogs",
        p.log_page(("STDOUT", "a"), cursor="1:0", finished=False),
        p.log_page(cursor="1:0", finished=False),
    )
    assert len(twin.collect("iter_command_logs", 5, follow=False)) == 1
    assert script.count("BoltCommandLogs") == 2


# -- artifacts ----------------------------------------------------------------------------------

RUN_COMMANDS = p.progress(
    "ERROR",
    p.command(1, "git clone ...", 0),
    p.command(2, "dbt deps", 0),
    p.command(3, "dbt run", 0),
    p.command(4, "dbt test", 1),
)


# A failed run: `dbt seed` passed and `dbt test` failed; both wrote a run_results.json.
FAILED_RUN = p.progress(
    "ERROR",
    p.command(1, "git clone ...", 0),
    p.command(2, "dbt deps", 0),
    p.command(3, "dbt seed", 0),
    p.command(4, "dbt test", 1),
)
FAILED_RUN_FILES = {
    3: [(30, "target/manifest.json"), (31, "target/run_results.json")],
    4: [(41, "target/run_results.json")],
}


def files_of(files: dict[int, list[tuple[int, str]]]) -> Any:
    """A BoltCommand answer per command id of FAILED_RUN (`ok: false` for any other id)."""
    texts = {
        c["id"]: (c["command"], c["returnCode"])
        for c in FAILED_RUN["data"]["boltRunStatus"]["commands"]
    }

    def answer(variables: dict[str, Any]) -> dict[str, Any]:
        cid = variables["commandId"]
        if cid not in texts:
            return {"data": {"boltCommand": {"ok": False}}}
        details = p.command_details(9, *files.get(cid, []))
        text, rc = texts[cid]
        details["data"]["boltCommand"].update(command=text, returnCode=rc)
        return details

    return answer


def test_find_artifact_takes_the_latest_dbt_command_that_wrote_it_even_a_failed_one(
    twin: Twin, script: GraphQLScript
) -> None:
    script.on("BoltRunProgress", FAILED_RUN)
    script.on("BoltCommand", files_of(FAILED_RUN_FILES))
    artifact = twin.call("find_artifact", 9, "target/run_results.json")
    assert (artifact.resource_id, artifact.command_id, artifact.command, artifact.return_code) == (
        41,
        4,
        "dbt test",
        1,
    )
    assert [v for n, v in script.calls if n == "BoltCommand"] == [{"commandId": 4}]


def test_find_artifact_looks_back_past_commands_that_did_not_write_it(
    twin: Twin, script: GraphQLScript
) -> None:
    script.on("BoltRunProgress", FAILED_RUN)
    script.on("BoltCommand", files_of(FAILED_RUN_FILES))
    artifact = twin.call("find_artifact", 9, "target/manifest.json")
    assert (artifact.resource_id, artifact.command_id, artifact.return_code) == (30, 3, 0)
    assert [v["commandId"] for n, v in script.calls if n == "BoltCommand"] == [4, 3]


def test_find_artifact_from_a_chosen_command(twin: Twin, script: GraphQLScript) -> None:
    script.on("BoltRunProgress", FAILED_RUN)
    script.on("BoltCommand", files_of(FAILED_RUN_FILES))
    artifact = twin.call("find_artifact", 9, "target/run_results.json", command_id=3)
    assert (artifact.resource_id, artifact.command_id, artifact.command) == (31, 3, "dbt seed")
    assert [v["commandId"] for n, v in script.calls if n == "BoltCommand"] == [3]


def test_find_artifact_from_a_chosen_command_that_is_unknown_elsewhere_or_lacks_it(
    twin: Twin, script: GraphQLScript
) -> None:
    script.on("BoltRunProgress", FAILED_RUN)
    script.on("BoltCommand", files_of(FAILED_RUN_FILES))
    with pytest.raises(NotFoundError, match="BoltCommand: no command with command_id=99"):
        twin.call("find_artifact", 9, "target/run_results.json", command_id=99)
    with pytest.raises(ArtifactNotFoundError, match=r"run 8 has no artifact"):
        twin.call("find_artifact", 8, "target/run_results.json", command_id=4)  # run 9's
    with pytest.raises(ArtifactNotFoundError, match=r"run 9 has no artifact at 'target/x\.json'"):
        twin.call("find_artifact", 9, "target/x.json", command_id=4)
    assert [v["commandId"] for n, v in script.calls if n == "BoltCommand"] == [99, 4, 4]


def test_find_artifact_never_looks_at_infrastructure_and_says_when_missing(
    twin: Twin, script: GraphQLScript
) -> None:
    script.on("BoltRunProgress", RUN_COMMANDS)
    script.on("BoltCommand", p.command_details(9))
    with pytest.raises(ArtifactNotFoundError, match=r"run 9 has no artifact at 'target/x\.json'"):
        twin.call("find_artifact", 9, "target/x.json")
    assert [v["commandId"] for n, v in script.calls if n == "BoltCommand"] == [4, 3]


# -- downloads ----------------------------------------------------------------------------------

URL = "https://files.example/run/42/manifest.json?signature=abc"
RESOURCE_URL = p.resource_url(URL)


def test_download_writes_the_file_atomically(
    twin: Twin, script: GraphQLScript, httpx_mock: HTTPXMock, tmp_path: Path
) -> None:
    script.on("BoltResourceUrl", RESOURCE_URL)
    httpx_mock.add_response(url=URL, content=b'{"nodes": {}}')
    written = twin.call("download_resource", 306228, tmp_path / "m.json")
    assert written == tmp_path / "m.json"
    assert written.read_bytes() == b'{"nodes": {}}'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.json"]
    download = httpx_mock.get_requests(url=URL)[0]
    assert "X-API-SECRET" not in download.headers, "pre-signed URLs get no credentials"


def test_download_into_a_directory_uses_the_url_name(
    twin: Twin, script: GraphQLScript, httpx_mock: HTTPXMock, tmp_path: Path
) -> None:
    script.on("BoltResourceUrl", RESOURCE_URL)
    httpx_mock.add_response(url=URL, content=b"{}")
    assert twin.call("download_resource", 1, tmp_path) == tmp_path / "manifest.json"


@pytest.mark.parametrize(
    ("response", "error"),
    [
        ({"status_code": 403, "text": "<Error><Code>AccessDenied</Code></Error>"}, StorageError),
        ({"content": b"short", "headers": {"Content-Length": "100"}}, TransportError),
    ],
    ids=["forbidden", "truncated"],
)
def test_a_failed_download_leaves_no_partial_file(
    response: dict[str, Any],
    error: type[Exception],
    twin: Twin,
    script: GraphQLScript,
    httpx_mock: HTTPXMock,
    tmp_path: Path,
) -> None:
    dest = tmp_path / "m.json"
    dest.write_bytes(b"previous")
    script.on("BoltResourceUrl", RESOURCE_URL)
    httpx_mock.add_response(url=URL, **response)
    with pytest.raises(error):
        twin.call("download_resource", 1, dest)
    assert dest.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]


def test_a_download_broken_midway_leaves_no_file(
    twin: Twin, script: GraphQLScript, httpx_mock: HTTPXMock, tmp_path: Path
) -> None:
    script.on("BoltResourceUrl", RESOURCE_URL)
    httpx_mock.add_exception(httpx.ReadError("connection reset"), url=URL)
    with pytest.raises(TransportError, match="connection reset"):
        twin.call("download_resource", 1, tmp_path / "m.json")
    assert list(tmp_path.iterdir()) == []


def test_downloads_are_retried(
    twin: Twin, script: GraphQLScript, httpx_mock: HTTPXMock, tmp_path: Path
) -> None:
    script.on("BoltResourceUrl", RESOURCE_URL)
    httpx_mock.add_response(url=URL, status_code=503)
    httpx_mock.add_response(url=URL, content=b"ok")
    path = twin.with_options(max_retries=2).call("download_resource", 1, tmp_path / "f")
    assert path.read_bytes() == b"ok"
    assert [p.name for p in tmp_path.iterdir()] == ["f"]


def test_download_json_artifact(twin: Twin, script: GraphQLScript, httpx_mock: HTTPXMock) -> None:
    script.on("BoltRunProgress", RUN_COMMANDS)
    script.on("BoltCommand", p.command_details(9, (30, "target/run_results.json")))
    script.on("BoltResourceUrl", RESOURCE_URL)
    httpx_mock.add_response(url=URL, json={"metadata": {}, "results": [{"status": "pass"}]})
    results = twin.call("download_json_artifact", 9, "target/run_results.json")
    assert results["results"][0]["status"] == "pass"
    assert ("BoltResourceUrl", {"resourceId": 30}) in script.calls


@pytest.mark.parametrize(
    ("options", "resource_id"), [({}, 41), ({"command_id": 3}, 31)], ids=["default", "chosen"]
)
def test_download_json_artifact_of_a_failed_run(
    options: dict[str, Any],
    resource_id: int,
    twin: Twin,
    script: GraphQLScript,
    httpx_mock: HTTPXMock,
) -> None:
    script.on("BoltRunProgress", FAILED_RUN)
    script.on("BoltCommand", files_of(FAILED_RUN_FILES))
    script.on("BoltResourceUrl", RESOURCE_URL)
    httpx_mock.add_response(url=URL, json={"results": []}, is_optional=True)
    assert twin.call("download_json_artifact", 9, "target/run_results.json", **options) == {
        "results": []
    }
    assert [v for n, v in script.calls if n == "BoltResourceUrl"] == [{"resourceId": resource_id}]


def test_download_json_artifact_that_is_not_json(
    twin: Twin, script: GraphQLScript, httpx_mock: HTTPXMock
) -> None:
    script.on("BoltRunProgress", RUN_COMMANDS)
    script.on("BoltCommand", p.command_details(9, (30, "target/manifest.json")))
    script.on("BoltResourceUrl", RESOURCE_URL)
    httpx_mock.add_response(url=URL, content=b"<html>")
    with pytest.raises(InvalidResponseError, match="not valid JSON"):
        twin.call("download_json_artifact", 9)


def test_a_resource_url_without_url_is_an_invalid_response(
    twin: Twin, script: GraphQLScript, tmp_path: Path
) -> None:
    script.on("BoltResourceUrl", {"data": {"boltResourceUrl": {"ok": True, "url": None}}})
    with pytest.raises(InvalidResponseError, match="no url"):
        twin.call("download_resource", 1, tmp_path / "x")


# -- the rest of the runs API ---------------------------------------------------------------------


def test_list_bolt_runs(twin: Twin, script: GraphQLScript) -> None:
    run = {
        "id": 5,
        "state": "SUCCESS",
        "actor": "api",
        "actorEmail": None,
        "startDttm": "2024-08-27 22:58:57.738046",
        "endDttm": None,
        "parentScheduleRunId": None,
        "gitInfo": {"branch": "main", "commitHash": "abc", "pullRequestId": None},
    }
    script.on("ListBoltRuns", {"data": {"listBoltRuns": {"ok": True, "runs": [run]}}})
    page = twin.call("list_bolt_runs", slug="daily-run", limit=5)
    assert page.runs[0].run_state is RunState.SUCCESS
    assert page.runs[0].git_info.branch == "main"
    assert page.runs[0].start_datetime is not None
    assert script.calls == [("ListBoltRuns", {"slug": "daily-run", "offset": 0, "limit": 5})]


@pytest.mark.parametrize(
    ("method", "args", "kwargs", "operation", "variables"),
    [
        ("retry_bolt_run", (5,), {}, "RetryBoltRun", {"scheduleRunId": 5}),
        ("retry_all_bolt_run", (5,), {}, "RetryAllBoltRun", {"scheduleRunId": 5}),
        (
            "retry_bolt_run_from_failure",
            ("daily run",),
            {},
            "RetryBoltRunFromFailure",
            {"scheduleName": "daily run"},
        ),
    ],
)
def test_retries_return_the_new_run(
    method: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    operation: str,
    variables: dict[str, Any],
    twin: Twin,
    script: GraphQLScript,
) -> None:
    field = operation[0].lower() + operation[1:]
    script.on(operation, {"data": {field: {"runId": 99}}})
    assert twin.call(method, *args, **kwargs).run_id == 99
    assert script.calls == [(operation, variables)]


def test_suspend_and_resume(twin: Twin, script: GraphQLScript) -> None:
    script.on(
        "SuspendBoltSchedule",
        {"data": {"suspendBoltSchedule": {"ok": True}}},
        {"data": {"suspendBoltSchedule": {"ok": False}}},
    )
    assert twin.call("suspend_bolt_schedule", slug="hourly").ok is True
    with pytest.raises(OperationFailedError, match="suspend=False"):
        twin.call("suspend_bolt_schedule", "nope", suspend=False)
    assert [v for _, v in script.calls] == [
        {"slug": "hourly", "suspend": True},
        {"scheduleName": "nope", "suspend": False},
    ]


def test_command_logs_page(twin: Twin, script: GraphQLScript) -> None:
    script.on("BoltCommandLogs", p.log_page(("STDOUT", "x"), cursor="1:0", finished=True))
    page = twin.call("bolt_command_logs", 5, "0:0")
    assert (page.cursor, page.finished, page.lines[0].line) == ("1:0", True, "x")
    assert json.dumps(script.calls[0][1]) == '{"commandId": 5, "cursor": "0:0"}'


def test_download_into_a_new_directory_named_with_a_trailing_slash(
    twin: Twin, script: GraphQLScript, httpx_mock: HTTPXMock, tmp_path: Path
) -> None:
    script.on("BoltResourceUrl", RESOURCE_URL)
    httpx_mock.add_response(url=URL, content=b"{}")
    written = twin.call("download_resource", 1, f"{tmp_path}/new/")
    assert written == tmp_path / "new" / "manifest.json"


def test_a_downloaded_file_gets_the_usual_permissions(
    twin: Twin, script: GraphQLScript, httpx_mock: HTTPXMock, tmp_path: Path
) -> None:
    import os

    script.on("BoltResourceUrl", RESOURCE_URL)
    httpx_mock.add_response(url=URL, content=b"{}")
    mask = os.umask(0o022)
    try:
        written = twin.call("download_resource", 1, tmp_path / "m.json")
    finally:
        os.umask(mask)
    assert written.stat().st_mode & 0o777 == 0o644


# -- every workflow helper takes the per-request options -------------------------------------------


def unavailable(_: object) -> httpx.Response:
    return httpx.Response(503, json={"errors": [{"message": "unavailable"}]})


def _failed_event() -> Any:
    from paradime_bolt.webhooks import parse_event
    from tests.support.webhooks import docs_example

    body = docs_example()
    body["commands"][3]["return_code"] = 1
    return parse_event(body)


def _script_for(helper: str, script: GraphQLScript, httpx_mock: HTTPXMock) -> None:
    """Answers for `helper`, where the first answer to each query is a 503 (retried only when
    the per-call max_retries allows it: the client's own is 0)."""
    run = p.progress("SUCCESS", p.command(3, "dbt run", 0))
    details = p.command_details(9, (30, "target/manifest.json"))
    answers: dict[str, list[Any]] = {
        "wait_for_run": [("BoltRunProgress", run), ("BoltRunStatus", p.status("SUCCESS"))],
        "iter_schedules": [("ListBoltSchedules", schedules_page(["a"], 1))],
        "iter_command_logs": [
            (
                "BoltCommandLogs",
                {
                    "data": {
                        "boltCommandLogs": {
                            "ok": True,
                            "lines": [],
                            "cursor": "0:0",
                            "finished": True,
                        }
                    }
                },
            )
        ],
        "find_artifact": [("BoltRunProgress", run), ("BoltCommand", details)],
        "download_resource": [("BoltResourceUrl", RESOURCE_URL)],
        "failed_command_details": [("BoltCommand", details)],
    }
    answers["trigger_and_wait"] = answers["wait_for_run"]
    answers["download_json_artifact"] = [*answers["find_artifact"], *answers["download_resource"]]
    answers["download_event_artifact"] = answers["download_resource"]
    if helper == "trigger_and_wait":
        script.on("TriggerBoltRun", {"data": {"triggerBoltRun": {"runId": 31}}})
    for operation, answer in answers[helper]:
        script.on(operation, unavailable, answer)
    if "download" in helper:
        httpx_mock.add_response(url=URL, status_code=503)
        httpx_mock.add_response(url=URL, json={"nodes": {}})


@pytest.mark.parametrize(
    ("helper", "args", "options"),
    [
        ("wait_for_run", (31,), {"request_timeout": 7, **FAST}),
        ("trigger_and_wait", ("daily run",), {"request_timeout": 7, **FAST}),
        ("iter_schedules", (), {"timeout": 7}),
        ("iter_command_logs", (5,), {"timeout": 7}),
        ("find_artifact", (9, "target/manifest.json"), {"timeout": 7}),
        ("download_json_artifact", (9,), {"timeout": 7}),
        ("download_resource", (1, "{tmp}/m.json"), {"timeout": 7}),
        ("failed_command_details", ("{event}",), {"timeout": 7}),
        ("download_event_artifact", ("{event}", "target/manifest.json", "{tmp}"), {"timeout": 7}),
    ],
)
def test_workflow_helpers_take_a_per_request_timeout_and_max_retries(
    helper: str,
    args: tuple[Any, ...],
    options: dict[str, Any],
    twin: Twin,
    script: GraphQLScript,
    httpx_mock: HTTPXMock,
    tmp_path: Path,
) -> None:
    _script_for(helper, script, httpx_mock)
    event = _failed_event()
    arguments = [
        event if a == "{event}" else a.replace("{tmp}", str(tmp_path)) if isinstance(a, str) else a
        for a in args
    ]
    method = twin.collect if helper.startswith("iter_") else twin.call
    method(helper, *arguments, max_retries=1, **options)
    requests = httpx_mock.get_requests()
    assert len(requests) >= 2
    assert {r.extensions["timeout"]["read"] for r in requests} == {7}
    assert sum(1 for n, _ in script.calls if n != "TriggerBoltRun") >= 2, "a 503 was retried"


def test_trigger_and_wait_passes_command_configs_and_continue_on_error(
    twin: Twin, script: GraphQLScript
) -> None:
    from paradime_bolt.models import CommandInput

    script.on("TriggerBoltRun", {"data": {"triggerBoltRun": {"runId": 31}}})
    script.on("BoltRunProgress", p.progress("SUCCESS"))
    script.on("BoltRunStatus", p.status("SUCCESS"))
    configs = [CommandInput(command="dbt run"), CommandInput(command="dbt test")]
    run = twin.call(
        "trigger_and_wait", "daily run", command_configs=configs, continue_on_error=True, **FAST
    )
    assert run.run_id == 31
    assert script.calls[0] == (
        "TriggerBoltRun",
        {
            "scheduleName": "daily run",
            "commandConfigs": [{"command": "dbt run"}, {"command": "dbt test"}],
            "continueOnError": True,
        },
    )
