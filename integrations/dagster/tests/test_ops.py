"""`bolt_run_op` and `build_bolt_job`: trigger and wait in a plain job, same failure reporting."""

from __future__ import annotations

from typing import Any

from dagster import DagsterInstance, RunConfig, job

from dagster_paradime_bolt import BoltResource, BoltRunConfig, bolt_run_op, build_bolt_job

from .conftest import FAST, BoltEmulator


def _failure(result: Any) -> Any:
    event = next(event for event in result.all_events if event.is_step_failure)
    return event.step_failure_data.user_failure_data


def test_a_job_factory_runs_the_schedule_and_outputs_the_run_id(
    bolt: BoltResource, emulator: BoltEmulator
) -> None:
    bolt_job = build_bolt_job("job schedule", **FAST)
    result = bolt_job.execute_in_process(
        resources={"bolt": bolt}, instance=DagsterInstance.ephemeral()
    )
    assert result.success
    run_id = result.output_for_node("bolt_job_schedule_run")
    status = emulator.client.bolt_run_status(run_id)
    assert status.state == "SUCCESS"
    assert [c.command for c in status.commands or []][-1] == "dbt test"


def test_the_configured_op_reports_the_failed_model_and_the_command_output(
    bolt: BoltResource,
) -> None:
    @job
    def run_one() -> None:
        bolt_run_op()

    result = run_one.execute_in_process(
        run_config=RunConfig(
            ops={"bolt_run_op": BoltRunConfig(schedule_name="failing model", **FAST)}
        ),
        resources={"bolt": bolt},
        instance=DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    assert not result.success
    failure = _failure(result)
    assert "of schedule 'failing model' ended ERROR" in failure.description
    assert "model fct_orders (error: 100038 (22018)" in failure.description
    assert "`dbt run` exited with return code 1" in failure.description
    assert failure.metadata["bolt_run_url"].value.startswith("https://app.paradime.io/bolt/")


def test_the_op_runs_other_commands_when_told(bolt: BoltResource, emulator: BoltEmulator) -> None:
    @job
    def seed_only() -> None:
        bolt_run_op()

    config = BoltRunConfig(schedule_name="job schedule", commands=["dbt seed"], **FAST)
    result = seed_only.execute_in_process(
        run_config=RunConfig(ops={"bolt_run_op": config}),
        resources={"bolt": bolt},
        instance=DagsterInstance.ephemeral(),
    )
    run_id = result.output_for_node("bolt_run_op")
    commands = emulator.client.bolt_run_status(run_id).commands or []
    assert [c.command for c in commands][-1:] == ["dbt seed"]
