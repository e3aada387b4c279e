"""Retries and continue-on-error: what a new run repeats, and when a retry is refused."""

from __future__ import annotations

from typing import Any

import pytest

from .support import Api, FakeClock

INFRA_OK = [("git clone ...", 0), ("dbt deps", 0)]
RETRY = "mutation($id: Int!) { retryBoltRun(scheduleRunId: $id) { runId } }"
RETRY_ALL = "mutation($id: Int!) { retryAllBoltRun(scheduleRunId: $id) { runId } }"
FROM_FAILURE = "mutation($slug: String) { retryBoltRunFromFailure(slug: $slug) { runId } }"


def outcome(api: Api, run_id: int) -> tuple[str, list[tuple[str, int]]]:
    status = api.status(run_id)
    return status["state"], [
        (command["command"], command["returnCode"]) for command in status["commands"]
    ]


def parent_of(api: Api, schedule: str, run_id: int) -> Any:
    runs = api.data(
        "query($name: String) { listBoltRuns(scheduleName: $name, limit: 50) {"
        " runs { id parentScheduleRunId } } }",
        name=schedule,
    )["listBoltRuns"]["runs"]
    return {run["id"]: run["parentScheduleRunId"] for run in runs}[run_id]


def finished_run(api: Api, clock: FakeClock, schedule: str, **arguments: Any) -> int:
    run_id = api.trigger(schedule, **arguments)
    clock.advance(60)
    return run_id


def test_retry_reruns_from_the_first_failed_command(api: Api, clock: FakeClock) -> None:
    failed = finished_run(api, clock, "broken tests")
    retry = api.data(RETRY, id=failed)["retryBoltRun"]["runId"]
    clock.advance(60)
    # dbt seed succeeded before, so it is not repeated; dbt test fails again (always scripted).
    assert outcome(api, retry) == (
        "ERROR",
        [*INFRA_OK, ("dbt test", 1)],
    )
    assert parent_of(api, "broken tests", retry) == failed
    assert parent_of(api, "broken tests", failed) is None


def test_a_failure_scripted_for_the_first_attempt_lets_the_retry_succeed(
    api: Api, clock: FakeClock
) -> None:
    failed = finished_run(api, clock, "flaky snapshot")
    assert outcome(api, failed) == ("ERROR", [*INFRA_OK, ("dbt snapshot", 2)])
    retry = api.data(RETRY, id=failed)["retryBoltRun"]["runId"]
    clock.advance(60)
    assert outcome(api, retry) == (
        "SUCCESS",
        [*INFRA_OK, ("dbt snapshot", 0), ("dbt run", 0)],
    )


def test_retry_all_repeats_every_command(api: Api, clock: FakeClock) -> None:
    failed = finished_run(api, clock, "broken tests")
    retry = api.data(RETRY_ALL, id=failed)["retryAllBoltRun"]["runId"]
    clock.advance(60)
    assert outcome(api, retry)[1] == [*INFRA_OK, ("dbt seed", 0), ("dbt test", 1)]

    succeeded = finished_run(api, clock, "daily run", commands=["dbt seed"])
    again = api.data(RETRY_ALL, id=succeeded)["retryAllBoltRun"]["runId"]
    clock.advance(60)
    assert outcome(api, again) == ("SUCCESS", [*INFRA_OK, ("dbt seed", 0)])
    assert parent_of(api, "daily run", again) == succeeded


def test_retry_from_failure_takes_the_latest_failed_run(api: Api, clock: FakeClock) -> None:
    finished_run(api, clock, "broken tests")
    latest_failure = finished_run(api, clock, "broken tests", commands=["dbt compile", "dbt test"])
    retry = api.data(FROM_FAILURE, slug="broken-tests")["retryBoltRunFromFailure"]["runId"]
    clock.advance(60)
    assert parent_of(api, "broken tests", retry) == latest_failure
    assert outcome(api, retry)[1] == [*INFRA_OK, ("dbt test", 1)]


def test_retrying_a_cancelled_run_resumes_at_the_cancelled_command(
    api: Api, clock: FakeClock
) -> None:
    run_id = api.trigger("daily run")
    clock.advance(8)  # inside dbt test
    api.data("mutation($id: Int!) { cancelBoltRun(scheduleRunId: $id) { ok } }", id=run_id)
    retry = api.data(RETRY, id=run_id)["retryBoltRun"]["runId"]
    clock.advance(60)
    assert outcome(api, retry) == ("SUCCESS", [*INFRA_OK, ("dbt test", 0)])


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        ("mutation { retryBoltRun(scheduleRunId: 1) { runId } }", "RunNotFoundException"),
        ("mutation { retryAllBoltRun(scheduleRunId: 1) { runId } }", "RunNotFoundException"),
        (
            'mutation { retryBoltRunFromFailure(scheduleName: "nope") { runId } }',
            "ScheduleNotFoundException: no schedule with scheduleName 'nope'",
        ),
        (
            'mutation { retryBoltRunFromFailure(slug: "daily-run") { runId } }',
            "NothingToRetryException: schedule 'daily run' has no failed run to retry",
        ),
        (
            "mutation { retryBoltRunFromFailure { runId } }",
            "InvalidArgumentsException: pass exactly one of scheduleName or slug",
        ),
    ],
)
def test_impossible_retries_are_errors(api: Api, document: str, fragment: str) -> None:
    assert fragment in api.error(document)["message"]


def test_a_run_still_going_cannot_be_retried(api: Api, clock: FakeClock) -> None:
    run_id = api.trigger("broken tests")
    clock.advance(2)
    for document in (RETRY, RETRY_ALL):
        error = api.error(document, id=run_id)
        assert "AlreadyRunningException" in error["message"]
        assert "still RUNNING" in error["message"]


def test_a_successful_run_has_nothing_to_retry(api: Api, clock: FakeClock) -> None:
    run_id = finished_run(api, clock, "daily run")
    error = api.error(RETRY, id=run_id)
    assert error["message"].startswith("NothingToRetryException")
    assert error["extensions"]["code"] == "NOTHING_TO_RETRY"


def test_continue_on_error_runs_the_remaining_commands(api: Api, clock: FakeClock) -> None:
    run_id = finished_run(api, clock, "broken tests", continueOnError=True)
    assert outcome(api, run_id) == (
        "ERROR",
        [*INFRA_OK, ("dbt seed", 0), ("dbt test", 1), ("dbt docs generate", 0)],
    )


def test_command_configs_set_continue_on_error_per_command(api: Api, clock: FakeClock) -> None:
    configs = [
        {"command": "dbt test", "continueOnError": True},
        {"command": "dbt seed"},
        {"command": "dbt test"},
        {"command": "dbt run"},
    ]
    run_id = finished_run(api, clock, "broken tests", commandConfigs=configs)
    assert outcome(api, run_id) == (
        "ERROR",
        [*INFRA_OK, ("dbt test", 1), ("dbt seed", 0), ("dbt test", 1)],
    )


def test_documented_commands_still_run_after_a_failure(api: Api, clock: FakeClock) -> None:
    run_id = finished_run(
        api, clock, "broken tests", commands=["dbt test", "edr report", "dbt run"]
    )
    assert outcome(api, run_id)[1] == [*INFRA_OK, ("dbt test", 1), ("edr report", 0)]
