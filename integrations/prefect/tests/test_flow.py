"""The flow against the emulator, reporting to a real Prefect server: success in sync and async
flows, failure with the log tail, retry from failure, the run artifact and the assets."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from prefect import flow

from paradime_bolt import InvalidArgumentError, RunFailedError, RunState
from prefect_paradime_bolt import (
    BoltCredentials,
    artifact_key,
    trigger_bolt_run_and_wait_for_completion,
)

from .support import FAST, BoltEmulator, artifact, events_of, flow_run, wait_for

BUILT = {
    "seed": ["snowflake://ANALYTICS/DBT_PROD/COUNTRY_CODES"],
    "snapshot": ["snowflake://ANALYTICS/DBT_PROD/ORDERS_SNAPSHOT"],
}
FCT_ORDERS = "snowflake://ANALYTICS/DBT_PROD/FCT_ORDERS"
STG_ORDERS = "snowflake://ANALYTICS/DBT_PROD/STG_ORDERS"


def test_a_sync_flow_runs_a_schedule_and_returns_its_summary(
    credentials: BoltCredentials, emulator: BoltEmulator
) -> None:
    @flow
    def nightly() -> Any:
        return trigger_bolt_run_and_wait_for_completion(credentials, "sync success", **FAST)

    summary = nightly()
    assert summary["state"] == "SUCCESS"
    assert [c["command"] for c in summary["commands"]][-4:] == [
        "dbt seed",
        "dbt snapshot",
        "dbt run",
        "dbt test",
    ]
    assert all(c["return_code"] == 0 for c in summary["commands"])
    assert all(c["duration"] is not None and c["duration"] >= 0 for c in summary["commands"])
    assert summary["url"] == f"https://app.paradime.io/bolt/run_id/{summary['run_id']}"
    assert summary["run_ids"] == [summary["run_id"]]
    assert emulator.client.bolt_run_status(summary["run_id"]).run_state is RunState.SUCCESS


def test_an_async_flow_awaits_the_same_name(
    credentials: BoltCredentials, emulator: BoltEmulator
) -> None:
    @flow
    async def nightly() -> Any:
        return await trigger_bolt_run_and_wait_for_completion(credentials, "async success", **FAST)

    summary = asyncio.run(nightly())
    assert summary["state"] == "SUCCESS"
    assert emulator.client.bolt_run_status(summary["run_id"]).run_state is RunState.SUCCESS


def test_the_run_leaves_a_markdown_artifact_with_each_command_and_a_link(
    credentials: BoltCredentials,
) -> None:
    summary = trigger_bolt_run_and_wait_for_completion(credentials, "tasks", **FAST)
    found = artifact(artifact_key(summary["run_id"]))
    assert found.type == "markdown"
    text = str(found.data)
    assert f"Paradime Bolt run {summary['run_id']}: SUCCESS" in text
    assert f"]({summary['url']})" in text
    for command in summary["commands"]:
        assert f"| `{command['command']}` | {command['return_code']} |" in text


def test_a_failed_run_fails_the_flow_with_the_command_return_code_and_log_tail(
    credentials: BoltCredentials, emulator: BoltEmulator
) -> None:
    state = trigger_bolt_run_and_wait_for_completion(
        credentials, "failing model", create_assets=True, return_state=True, **FAST
    )
    assert state.is_failed()
    with pytest.raises(RunFailedError) as raised:
        state.result()
    error = raised.value
    assert error.command == "dbt run"
    assert error.return_code == 1
    assert "Numeric value 'n/a' is not recognized" in error.output_tail
    assert emulator.client.bolt_run_status(error.run_id).run_state is RunState.ERROR
    # The flow run's state, as the Prefect UI shows it, says the same.
    assert state.state_details.flow_run_id is not None
    shown = flow_run(state.state_details.flow_run_id).state
    assert shown is not None and shown.is_failed()
    assert "`dbt run` exited with return code 1" in (shown.message or "")
    assert "Numeric value 'n/a' is not recognized" in (shown.message or "")
    # Its artifact says so too; the model that failed failed its asset, those built did not.
    assert f"run {error.run_id}: ERROR" in str(artifact(artifact_key(error.run_id)).data)
    run_id = state.state_details.flow_run_id
    failed = wait_for(
        "the failed materialization of fct_orders",
        lambda: [e.resource.id for e in events_of(run_id, "prefect.asset.materialization.failed")],
    )
    assert failed == [FCT_ORDERS]
    built = {e.resource.id for e in events_of(run_id, "prefect.asset.materialization.succeeded")}
    assert STG_ORDERS in built and FCT_ORDERS not in built


def test_assets_one_materialization_per_model_seed_and_snapshot_keyed_by_relation(
    credentials: BoltCredentials, emulator: BoltEmulator
) -> None:
    state = trigger_bolt_run_and_wait_for_completion(
        credentials, "assets", create_assets=True, return_state=True, **FAST
    )
    summary = state.result()
    expected = set()
    for command in ("dbt seed", "dbt snapshot", "dbt run"):
        artifacts = emulator.client.list_artifacts(summary["run_id"])
        command_id = next(a.command_id for a in artifacts if a.command == command)
        results = emulator.client.download_json_artifact(
            summary["run_id"], "target/run_results.json", command_id=command_id
        )
        for result in results["results"]:
            relation = result["relation_name"].replace('"', "").replace(".", "/")
            expected.add(f"snowflake://{relation}")
    assert {BUILT["seed"][0], BUILT["snapshot"][0], FCT_ORDERS} <= expected
    run_id = state.state_details.flow_run_id
    assert run_id is not None

    def materialized() -> set[str] | None:
        events = events_of(run_id, "prefect.asset.materialization.succeeded")
        keys = {e.resource.id for e in events}
        return keys if keys >= expected else None

    assert wait_for("a materialization per model, seed and snapshot", materialized) == expected
    event = next(
        e
        for e in events_of(run_id, "prefect.asset.materialization.succeeded")
        if e.resource.id == FCT_ORDERS
    )
    assert event.payload["unique_id"] == "model.demo_sales_project.fct_orders"
    assert event.payload["bolt_run_id"] == summary["run_id"]
    assert any(r.id == "dbt" and r.role == "asset-materialized-by" for r in event.related)
    assert not events_of(run_id, "prefect.asset.materialization.failed")


def test_retry_from_failure_reruns_the_failed_run_from_its_failed_command(
    credentials: BoltCredentials, emulator: BoltEmulator
) -> None:
    summary = trigger_bolt_run_and_wait_for_completion(
        credentials, "fails once", retry_from_failure_attempts=2, **FAST
    )
    assert summary["state"] == "SUCCESS"
    first, retried = summary["run_ids"]
    assert summary["run_id"] == retried
    assert emulator.client.bolt_run_status(first).run_state is RunState.ERROR
    runs = emulator.client.list_bolt_runs("fails once", limit=10).runs or []
    assert [r.id for r in runs] == [retried, first]  # no other run of the schedule
    assert runs[0].parent_schedule_run_id == first
    # From its failure: the retry starts at `dbt run`, not at `dbt seed` again.
    retried_commands = [c["command"] for c in summary["commands"]]
    assert "dbt seed" not in retried_commands and "dbt run" in retried_commands


def test_without_retries_a_failure_is_not_retried(
    credentials: BoltCredentials, emulator: BoltEmulator
) -> None:
    with pytest.raises(RunFailedError) as raised:
        trigger_bolt_run_and_wait_for_completion(credentials, "async failing model", **FAST)
    runs = emulator.client.list_bolt_runs("async failing model", limit=10).runs or []
    assert [r.id for r in runs] == [raised.value.run_id]


def test_bad_arguments_fail_before_any_run_with_a_clear_error(
    credentials: BoltCredentials, emulator: BoltEmulator
) -> None:
    with pytest.raises(InvalidArgumentError, match="retry_from_failure_attempts"):
        trigger_bolt_run_and_wait_for_completion(
            credentials, "never run", retry_from_failure_attempts=-1
        )
    with pytest.raises(InvalidArgumentError, match="timeout"):
        trigger_bolt_run_and_wait_for_completion(credentials, "never run", timeout=0)
    assert not emulator.client.list_bolt_runs("never run").runs


@pytest.mark.parametrize(
    "options",
    [{"poll_interval": 0}, {"max_poll_interval": float("nan")}, {"outage_tolerance": -1}],
    ids=repr,
)
def test_bad_waiting_arguments_fail_before_any_run_too(
    credentials: BoltCredentials, emulator: BoltEmulator, options: dict[str, Any]
) -> None:
    """Every waiting argument is checked by the client's rule before the run is triggered, not
    only `timeout`: no run is started that the flow could not wait for."""
    (name,) = options
    with pytest.raises(InvalidArgumentError, match=rf"^{name} must"):
        trigger_bolt_run_and_wait_for_completion(credentials, "never run", **options)
    assert not emulator.client.list_bolt_runs("never run").runs
