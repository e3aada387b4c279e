"""`run`: triggering, waiting with progress and logs, the failure report, timeouts."""

from __future__ import annotations

import json
import signal
from typing import Any

import httpx
import pytest

import paradime_bolt
from tests.support import payloads as p
from tests.support.cli import Invoke
from tests.support.fake_api import GraphQLScript

FAST = ("--poll-interval", "0.001")


def test_run_without_wait_prints_the_run_id(invoke: Invoke, script: GraphQLScript) -> None:
    script.on("TriggerBoltRun", p.triggered(15509))
    result = invoke("run", "daily run")
    assert result.exit_code == 0, result.output
    assert result.stdout == "15509\n"
    assert "triggered run 15509 of schedule 'daily run'" in result.stderr
    assert script.calls == [("TriggerBoltRun", {"scheduleName": "daily run"})]


def test_run_overrides_commands_and_branch(invoke: Invoke, script: GraphQLScript) -> None:
    script.on("TriggerBoltRun", p.triggered(7))
    result = invoke(
        "run",
        "daily-run",
        "--slug",
        "-c",
        "dbt build",
        "--command",
        "dbt test",
        "--branch",
        "feature-1",
        "--reason",
        "PR #12",
        "--pr-number",
        "12",
        "--json",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"run_id": 7, "slug": "daily-run", "branch": "feature-1"}
    [(name, variables)] = script.calls
    assert name == "TriggerBoltRun"
    assert variables["slug"] == "daily-run"
    assert variables["commands"] == ["dbt build", "dbt test"]
    assert variables["branch"] == "feature-1"
    assert variables["reason"] == "PR #12"
    assert variables["prNumber"] == 12


def test_run_wait_reports_success(invoke: Invoke, script: GraphQLScript) -> None:
    script.on("TriggerBoltRun", p.triggered(9))
    script.on(
        "BoltRunProgress",
        p.progress("STARTING"),
        p.progress("RUNNING", p.command(1, "dbt run", None)),
        p.progress("SUCCESS", p.command(1, "dbt run", 0)),
    )
    script.on("BoltRunStatus", p.status("SUCCESS", p.command(1, "dbt run", 0)))
    result = invoke("run", "daily run", "--wait", *FAST)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith("run 9: SUCCESS after ")
    assert "dbt run" in result.stdout
    progress_lines = [line for line in result.stderr.splitlines() if line.startswith("run 9:")]
    assert [line.split(" (")[0] for line in progress_lines] == [
        "run 9: STARTING",
        "run 9: RUNNING, command 1: dbt run",
        "run 9: SUCCESS",
    ]


def test_run_wait_json_is_one_document(invoke: Invoke, script: GraphQLScript) -> None:
    script.on("TriggerBoltRun", p.triggered(9))
    script.on("BoltRunProgress", p.progress("SUCCESS", p.command(1, "dbt run", 0)))
    script.on("BoltRunStatus", p.status("SUCCESS", p.command(1, "dbt run", 0)))
    result = invoke("run", "daily run", "--wait", "--json", *FAST)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["run_id"] == 9
    assert document["schedule"] == "daily run"
    assert (document["state"], document["finished"], document["succeeded"]) == (
        "SUCCESS",
        True,
        True,
    )
    assert document["timed_out"] is False
    assert document["failure"] is None
    [command] = document["commands"]
    assert command == {
        "id": 1,
        "command": "dbt run",
        "return_code": 0,
        "started_at": "2024-08-27T22:58:57.738046Z",
        "ended_at": "2024-08-27T22:59:03.135456Z",
        "duration_seconds": 5.397,
    }
    assert "run 9: SUCCESS" in result.stderr


def failing_run(script: GraphQLScript) -> None:
    script.on("TriggerBoltRun", p.triggered(11))
    script.on(
        "BoltRunProgress",
        p.progress("RUNNING", *p.FAILING_COMMANDS[:2]),
        p.progress("ERROR", *p.FAILING_COMMANDS),
    )
    script.on("BoltRunStatus", p.status("ERROR", *p.FAILING_COMMANDS))


def test_a_failed_run_with_logs_exits_1_with_the_failure_report(
    invoke: Invoke, script: GraphQLScript
) -> None:
    failing_run(script)
    script.on(
        "BoltCommandLogs",
        p.log_page("Cloning into 'repo'..."),
        p.log_page("Up to date!"),
        p.log_page(
            "1 of 2 FAIL not_null_orders_order_id",
            ("stderr", "Failure in test not_null_orders_order_id (models/schema.yml)"),
        ),
    )
    result = invoke("run", "daily run", "--wait", "--logs", *FAST)
    assert result.exit_code == 1
    out = result.stdout.splitlines()
    assert out[:6] == [
        "==> command 1: git clone ...",
        "Cloning into 'repo'...",
        "==> command 2: dbt deps",
        "Up to date!",
        "==> command 3: dbt test",
        "1 of 2 FAIL not_null_orders_order_id",
    ]
    assert "run 11: ERROR after" in result.stdout
    err = result.stderr
    assert "error: run 11 ended ERROR" in err
    assert "failing command: dbt test (return code 1)" in err
    assert "--- last 2 line(s) of its stderr ---" in err
    assert "Failure in test not_null_orders_order_id (models/schema.yml)" in err
    assert "  Got 3 results, configured to fail if != 0" in err
    assert [c for c in script.calls if c[0] == "BoltCommandLogs"] == [
        ("BoltCommandLogs", {"commandId": 1}),
        ("BoltCommandLogs", {"commandId": 2}),
        ("BoltCommandLogs", {"commandId": 3}),
    ]


def test_the_failure_report_falls_back_to_stdout(invoke: Invoke, script: GraphQLScript) -> None:
    script.on("TriggerBoltRun", p.triggered(11))
    quiet = p.command(3, "dbt build", 2, stdout="Database Error in model orders\nDone. ERROR=1")
    script.on("BoltRunProgress", p.progress("FAILED", quiet))
    script.on("BoltRunStatus", p.status("FAILED", quiet))
    result = invoke("run", "daily run", "--wait", *FAST)
    assert result.exit_code == 1
    assert "failing command: dbt build (return code 2)" in result.stderr
    assert "--- last 2 line(s) of its stdout ---" in result.stderr
    assert "Database Error in model orders" in result.stderr


def test_a_failed_run_as_json_carries_the_failure(invoke: Invoke, script: GraphQLScript) -> None:
    failing_run(script)
    result = invoke("run", "daily run", "--wait", "--json", *FAST)
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert (document["state"], document["succeeded"]) == ("ERROR", False)
    failure = document["failure"]
    assert failure["command"] == "dbt test"
    assert failure["return_code"] == 1
    assert failure["stderr_tail"].endswith("configured to fail if != 0")
    assert "failing command: dbt test" in result.stderr


def test_a_cancelled_run_exits_1(invoke: Invoke, script: GraphQLScript) -> None:
    script.on("TriggerBoltRun", p.triggered(11))
    script.on("BoltRunProgress", p.progress("CANCELED", p.command(1, "dbt run", -1)))
    script.on("BoltRunStatus", p.status("CANCELED", p.command(1, "dbt run", -1)))
    result = invoke("run", "daily run", "--wait", *FAST)
    assert result.exit_code == 1
    assert "run 11 ended CANCELED" in result.stderr


def test_a_timeout_cancels_the_run_when_asked_and_exits_3(
    invoke: Invoke, script: GraphQLScript
) -> None:
    script.on("TriggerBoltRun", p.triggered(12))
    script.on("BoltRunProgress", p.progress("RUNNING", p.command(1, "dbt build", None)))
    script.on("CancelBoltRun", p.data(cancelBoltRun={"ok": True}))
    result = invoke(
        "run", "daily run", "--wait", "--timeout", "0.05", "--cancel-on-timeout", "--json", *FAST
    )
    assert result.exit_code == 3
    assert script.count("CancelBoltRun") == 1
    assert ("CancelBoltRun", {"scheduleRunId": 12}) in script.calls
    document = json.loads(result.stdout)
    assert document["timed_out"] is True
    assert document["canceled_on_timeout"] is True
    assert document["state"] == "RUNNING"
    assert document["commands"][0]["command"] == "dbt build"
    assert "did not finish within 0.05s" in result.stderr
    assert "it was cancelled" in result.stderr


def test_a_timeout_without_cancel_says_how_to_cancel(invoke: Invoke, script: GraphQLScript) -> None:
    script.on("TriggerBoltRun", p.triggered(12))
    script.on("BoltRunProgress", p.progress("RUNNING", p.command(1, "dbt build", None)))
    result = invoke("run", "daily run", "--wait", "--timeout", "0.05", *FAST)
    assert result.exit_code == 3
    assert script.count("CancelBoltRun") == 0
    assert "paradime-bolt runs cancel 12" in result.stderr
    assert "run 12: RUNNING when waiting stopped" in result.stderr
    assert "dbt build" in result.stdout


@pytest.mark.parametrize(
    "flag",
    [
        ["--timeout", "5"],
        ["--cancel-on-timeout"],
        ["--cancel-on-interrupt"],
        ["--logs"],
        ["--outage-tolerance", "60"],
    ],
)
def test_waiting_options_need_wait(invoke: Invoke, flag: list[str]) -> None:
    result = invoke("run", "daily run", *flag)
    assert result.exit_code == 2
    assert f"{flag[0]} only applies with --wait" in result.stderr


@pytest.mark.parametrize("option", ["--timeout", "--poll-interval", "--outage-tolerance"])
@pytest.mark.parametrize("value", ["nan", "inf"])
def test_a_duration_that_is_not_finite_is_refused_before_the_run_starts(
    invoke: Invoke, script: GraphQLScript, option: str, value: str
) -> None:
    result = invoke("run", "daily run", "--wait", option, value)
    assert result.exit_code == 2
    assert f"Invalid value for '{option}'" in result.stderr
    assert f"{value} is not a finite number of seconds" in result.stderr
    assert script.calls == []


def test_an_already_running_schedule_is_exit_5(invoke: Invoke, script: GraphQLScript) -> None:
    script.on(
        "TriggerBoltRun",
        p.graphql_error(
            "AlreadyRunningException: schedule 'daily run' already has a run in progress",
            "ALREADY_RUNNING",
        ),
    )
    result = invoke("run", "daily run")
    assert result.exit_code == 5
    assert "already has a run in progress" in result.stderr
    assert "hint: wait for the schedule's current run, or cancel it" in result.stderr


def test_an_interrupt_while_waiting_says_the_run_goes_on(
    invoke: Invoke, script: GraphQLScript, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*_: Any, **__: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(paradime_bolt.BoltClient, "wait_for_run", interrupted)
    script.on("TriggerBoltRun", p.triggered(21))
    result = invoke("run", "daily run", "--wait")
    assert result.exit_code == 130
    assert "error: interrupted while waiting for run 21, which goes on" in result.stderr
    assert "hint: `paradime-bolt runs cancel 21` cancels it" in result.stderr


def test_sigterm_while_waiting_writes_the_document_and_exits_143(
    invoke: Invoke, script: GraphQLScript
) -> None:
    """A real SIGTERM, raised in this process while the client polls: the command reports the
    run as last seen; the handler is then put back."""
    script.on("TriggerBoltRun", p.triggered(21))
    script.on("BoltRunProgress", p.progress("RUNNING", p.command(1, "dbt build", None)))
    before = signal.getsignal(signal.SIGTERM)
    polls = 0

    def poll_then_sigterm(progress: Any) -> None:
        nonlocal polls
        polls += 1
        if polls == 2:
            signal.raise_signal(signal.SIGTERM)

    original = paradime_bolt.BoltClient.wait_for_run

    def wait_for_run(self: paradime_bolt.BoltClient, run_id: int, **kwargs: Any) -> Any:
        shown = kwargs["on_progress"]

        def on_progress(progress: Any) -> None:
            shown(progress)
            poll_then_sigterm(progress)

        return original(self, run_id, **{**kwargs, "on_progress": on_progress})

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(paradime_bolt.BoltClient, "wait_for_run", wait_for_run)
        result = invoke("run", "daily run", "--wait", "--json", *FAST)
    assert result.exit_code == 143
    document = json.loads(result.stdout)
    assert document["run_id"] == 21
    assert (document["state"], document["finished"]) == ("RUNNING", False)
    assert document["commands"][0]["command"] == "dbt build"
    assert (document["interrupted"], document["canceled_on_interrupt"]) == (True, False)
    assert "error: terminated (SIGTERM) while waiting for run 21, which goes on" in result.stderr
    assert script.count("CancelBoltRun") == 0
    assert signal.getsignal(signal.SIGTERM) is before


def test_cancel_on_interrupt_that_fails_says_the_run_may_go_on(
    invoke: Invoke, script: GraphQLScript, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*_: Any, **__: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(paradime_bolt.BoltClient, "wait_for_run", interrupted)
    script.on("TriggerBoltRun", p.triggered(22))
    script.on("CancelBoltRun", p.data(cancelBoltRun={"ok": False}))
    result = invoke("run", "daily run", "--wait", "--cancel-on-interrupt", "--json")
    assert result.exit_code == 130
    assert ("CancelBoltRun", {"scheduleRunId": 22}) in script.calls
    document = json.loads(result.stdout)
    assert document["run_id"] == 22
    assert document["state"] is None  # interrupted before the first poll answered
    assert (document["interrupted"], document["canceled_on_interrupt"]) == (True, False)
    assert (
        "error: interrupted while waiting for run 22, which may go on: cancelling it failed: "
        "CancelBoltRun returned ok: false" in result.stderr
    )
    assert "hint: `paradime-bolt runs status 22` tells" in result.stderr


def test_cancel_on_interrupt_cancels_the_run(
    invoke: Invoke, script: GraphQLScript, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*_: Any, **__: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(paradime_bolt.BoltClient, "wait_for_run", interrupted)
    script.on("TriggerBoltRun", p.triggered(23))
    script.on("CancelBoltRun", p.data(cancelBoltRun={"ok": True}))
    result = invoke("run", "daily run", "--wait", "--cancel-on-interrupt")
    assert result.exit_code == 130
    assert ("CancelBoltRun", {"scheduleRunId": 23}) in script.calls
    assert "error: interrupted while waiting for run 23; it was cancelled" in result.stderr


def test_an_outage_longer_than_the_tolerance_is_exit_5_with_the_way_back(
    invoke: Invoke, script: GraphQLScript, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--outage-tolerance reaches the client's wait: with 0, one unanswered poll ends it."""
    script.on("TriggerBoltRun", p.triggered(31))
    script.on(
        "BoltRunProgress",
        p.progress("RUNNING", p.command(1, "dbt build", None)),
        httpx.Response(503, text="upstream unavailable"),
    )
    result = invoke(
        "--max-retries", "0", "run", "daily run", "--wait", "--outage-tolerance", "0", *FAST
    )
    assert result.exit_code == 5
    assert "gave up waiting for run 31: the Bolt API was unreachable for 0s" in result.stderr
    assert "hint: `paradime-bolt runs wait 31` takes the wait up again" in result.stderr
    assert script.count("CancelBoltRun") == 0


def test_a_short_outage_is_waited_through(invoke: Invoke, script: GraphQLScript) -> None:
    script.on("TriggerBoltRun", p.triggered(32))
    script.on(
        "BoltRunProgress",
        p.progress("RUNNING", p.command(1, "dbt build", None)),
        httpx.Response(502, text="bad gateway"),
        p.progress("SUCCESS", p.command(1, "dbt build", 0)),
    )
    script.on("BoltRunStatus", p.status("SUCCESS", p.command(1, "dbt build", 0)))
    result = invoke("--max-retries", "0", "run", "daily run", "--wait", "--json", *FAST)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["state"] == "SUCCESS"
