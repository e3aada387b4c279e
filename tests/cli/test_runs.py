"""`runs status|cancel|logs|retry`, against the scripted fake API."""

from __future__ import annotations

import json

from tests.support import payloads as p
from tests.support.cli import Invoke
from tests.support.fake_api import GraphQLScript

FAST = ("--poll-interval", "0.001")


def test_status_of_a_successful_run(invoke: Invoke, script: GraphQLScript) -> None:
    script.on("BoltRunStatus", p.status("SUCCESS", p.command(1, "dbt run", 0)))
    result = invoke("runs", "status", "15509")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "run 15509: SUCCESS"
    assert lines[1].split() == ["#", "COMMAND", "RETURN", "CODE", "STARTED", "DURATION"]
    assert lines[2].split() == ["1", "dbt", "run", "0", "2024-08-27", "22:58:57", "UTC", "5.4s"]


def test_status_of_a_running_run_exits_0(invoke: Invoke, script: GraphQLScript) -> None:
    script.on("BoltRunStatus", p.status("RUNNING", p.command(1, "dbt run", None)))
    result = invoke("runs", "status", "15509", "--json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert (document["state"], document["finished"], document["succeeded"]) == (
        "RUNNING",
        False,
        None,
    )
    assert document["commands"][0]["ended_at"] is None


def test_status_of_a_failed_run_exits_1_with_the_report(
    invoke: Invoke, script: GraphQLScript
) -> None:
    script.on("BoltRunStatus", p.status("ERROR", *p.FAILING_COMMANDS))
    result = invoke("runs", "status", "15509", "--json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["failure"]["command"] == "dbt test"
    assert "failing command: dbt test (return code 1)" in result.stderr
    assert "Got 3 results" in result.stderr


def test_status_of_an_unknown_run_is_exit_5(invoke: Invoke, script: GraphQLScript) -> None:
    script.on("BoltRunStatus", p.not_ok("boltRunStatus"))
    result = invoke("runs", "status", "4", "--json")
    assert result.exit_code == 5
    document = json.loads(result.stdout)
    assert document["error"]["exit_code"] == 5
    assert document["error"]["type"] == "NotFoundError"
    assert "run_id=4" in document["error"]["message"]
    assert "hint: is the run id right?" in result.stderr


def test_a_run_id_must_be_a_number(invoke: Invoke) -> None:
    result = invoke("runs", "status", "abc")
    assert result.exit_code == 2
    assert "Invalid value for 'RUN_ID'" in result.stderr


def test_cancel(invoke: Invoke, script: GraphQLScript) -> None:
    script.on("CancelBoltRun", p.data(cancelBoltRun={"ok": True}))
    result = invoke("runs", "cancel", "15509")
    assert result.exit_code == 0
    assert result.stdout == "run 15509: cancelled\n"
    assert script.calls == [("CancelBoltRun", {"scheduleRunId": 15509})]


def test_cancel_json_and_a_finished_run(invoke: Invoke, script: GraphQLScript) -> None:
    script.on(
        "CancelBoltRun", p.data(cancelBoltRun={"ok": True}), p.data(cancelBoltRun={"ok": False})
    )
    first = invoke("runs", "cancel", "1", "--json")
    assert json.loads(first.stdout) == {"run_id": 1, "canceled": True}
    second = invoke("runs", "cancel", "1")
    assert second.exit_code == 5
    assert "the run may have finished already" in second.stderr


def test_logs_prints_every_command_in_order(invoke: Invoke, script: GraphQLScript) -> None:
    script.on(
        "BoltRunProgress",
        p.progress("SUCCESS", p.command(2, "dbt test", 0), p.command(1, "dbt run", 0)),
    )
    script.on(
        "BoltCommandLogs",
        p.log_page("run line 1", cursor="a", finished=False),
        p.log_page("run line 2", cursor="b"),
        p.log_page(("stderr", "a warning"), "test line"),
    )
    result = invoke("runs", "logs", "15509")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "==> command 1: dbt run",
        "run line 1",
        "run line 2",
        "==> command 2: dbt test",
        "a warning",
        "test line",
    ]
    logs_calls = [v for name, v in script.calls if name == "BoltCommandLogs"]
    assert logs_calls == [{"commandId": 1}, {"commandId": 1, "cursor": "a"}, {"commandId": 2}]


def test_logs_strip_escape_codes(invoke: Invoke, script: GraphQLScript) -> None:
    script.on("BoltRunProgress", p.progress("SUCCESS", p.command(1, "dbt run", 0)))
    script.on(
        "BoltCommandLogs",
        p.log_page(
            "\x1b[32mOK\x1b[0m created \x1b]0;title\x07model\r", "bell\x07 and \x85 nul\x00"
        ),
    )
    result = invoke("runs", "logs", "1")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1:] == ["OK created model", "bell and  nul"]


def test_logs_json(invoke: Invoke, script: GraphQLScript) -> None:
    script.on("BoltRunProgress", p.progress("SUCCESS", p.command(1, "dbt run", 0)))
    script.on("BoltCommandLogs", p.log_page("one", ("stderr", "two")))
    result = invoke("runs", "logs", "15509", "--json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["state"] == "SUCCESS"
    [command] = document["commands"]
    assert command["command"] == "dbt run"
    assert command["lines"] == [
        {"stream": "stdout", "line": "one"},
        {"stream": "stderr", "line": "two"},
    ]
    assert result.stderr == ""


def test_logs_follow_until_the_run_ends_and_exit_1_when_it_failed(
    invoke: Invoke, script: GraphQLScript
) -> None:
    script.on(
        "BoltRunProgress",
        p.progress("RUNNING", p.command(3, "dbt test", None)),
        p.progress("ERROR", *p.FAILING_COMMANDS),
    )
    script.on(
        "BoltCommandLogs",
        p.log_page("starting tests", cursor="x", finished=False),
        p.log_page(cursor="x", finished=False),
        p.log_page("1 of 2 FAIL not_null_orders_order_id", cursor="y"),
        p.log_page("cloned"),
        p.log_page("deps"),
    )
    script.on("BoltRunStatus", p.status("ERROR", *p.FAILING_COMMANDS))
    result = invoke("runs", "logs", "15509", "--follow", *FAST)
    assert result.exit_code == 1, result.output
    assert "starting tests\n" in result.stdout
    assert "1 of 2 FAIL not_null_orders_order_id" in result.stdout
    assert "failing command: dbt test (return code 1)" in result.stderr


def test_retry_failed_commands(invoke: Invoke, script: GraphQLScript) -> None:
    script.on("RetryBoltRun", p.triggered(16000, "retryBoltRun"))
    result = invoke("runs", "retry", "15509")
    assert result.exit_code == 0, result.output
    assert result.stdout == "16000\n"
    assert "run 16000 retries the failed commands of run 15509" in result.stderr
    assert script.calls == [("RetryBoltRun", {"scheduleRunId": 15509})]


def test_retry_all_and_wait(invoke: Invoke, script: GraphQLScript) -> None:
    script.on("RetryAllBoltRun", p.triggered(16001, "retryAllBoltRun"))
    script.on("BoltRunProgress", p.progress("SUCCESS", p.command(1, "dbt run", 0)))
    script.on("BoltRunStatus", p.status("SUCCESS", p.command(1, "dbt run", 0)))
    result = invoke("runs", "retry", "15509", "--all", "--wait", "--json", *FAST)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert (document["run_id"], document["retry_of"], document["all"]) == (16001, 15509, True)
    assert document["succeeded"] is True


def test_retry_json_without_wait(invoke: Invoke, script: GraphQLScript) -> None:
    script.on("RetryBoltRun", p.triggered(16000, "retryBoltRun"))
    result = invoke("runs", "retry", "15509", "--json")
    assert json.loads(result.stdout) == {"run_id": 16000, "retry_of": 15509, "all": False}


def test_logs_of_a_running_run_point_to_follow(invoke: Invoke, script: GraphQLScript) -> None:
    script.on("BoltRunProgress", p.progress("RUNNING", p.command(1, "dbt run", None)))
    script.on(
        "BoltCommandLogs",
        p.log_page("so far", cursor="a", finished=False),
        p.log_page(cursor="a", finished=False),
    )
    result = invoke("runs", "logs", "3")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["==> command 1: dbt run", "so far"]
    assert "run 3 is RUNNING: --follow keeps reading until it ends" in result.stderr


def test_wait_follows_a_run_to_success(invoke: Invoke, script: GraphQLScript) -> None:
    script.on(
        "BoltRunProgress",
        p.progress("RUNNING", p.command(1, "dbt run", None)),
        p.progress("SUCCESS", p.command(1, "dbt run", 0)),
    )
    script.on("BoltRunStatus", p.status("SUCCESS", p.command(1, "dbt run", 0)))
    result = invoke("runs", "wait", "15509", *FAST)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith("run 15509: SUCCESS after ")
    assert "waiting for run 15509 to end" in result.stderr
    assert script.count("TriggerBoltRun") == 0


def test_wait_for_a_failing_run_is_exit_1_with_the_report(
    invoke: Invoke, script: GraphQLScript
) -> None:
    script.on("BoltRunProgress", p.progress("ERROR", *p.FAILING_COMMANDS))
    script.on("BoltRunStatus", p.status("ERROR", *p.FAILING_COMMANDS))
    result = invoke("runs", "wait", "15509", "--json", *FAST)
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["run_id"] == 15509
    assert document["failure"]["command"] == "dbt test"
    assert document["interrupted"] is False
    assert "failing command: dbt test (return code 1)" in result.stderr


def test_wait_times_out_with_exit_3_and_cancels(invoke: Invoke, script: GraphQLScript) -> None:
    script.on("BoltRunProgress", p.progress("RUNNING", p.command(1, "dbt build", None)))
    script.on("CancelBoltRun", p.data(cancelBoltRun={"ok": True}))
    result = invoke(
        "runs", "wait", "12", "--timeout", "0.05", "--cancel-on-timeout", "--json", *FAST
    )
    assert result.exit_code == 3
    assert script.count("CancelBoltRun") == 1
    assert json.loads(result.stdout)["canceled_on_timeout"] is True


def test_wait_for_an_unknown_run_is_exit_5(invoke: Invoke, script: GraphQLScript) -> None:
    script.on("BoltRunProgress", p.not_ok("boltRunStatus"))
    result = invoke("runs", "wait", "99", *FAST)
    assert result.exit_code == 5
    assert "is the run id right?" in result.stderr
