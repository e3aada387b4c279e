"""Whole DAG runs with `dag.test()`: the scheduler loop, the task runner, the in-process
execution API and triggers run for real, against the emulator over HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from paradime_bolt import RunState
from tests.conftest import run_dag, task_instances

EXAMPLES = Path(__file__).resolve().parent.parent / "example_dags"

pytestmark = [
    pytest.mark.bolt_emulator(schedules="paradime_schedules.yml"),
    pytest.mark.usefixtures("airflow_db"),
]


@pytest.fixture
def artifacts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "artifacts"
    monkeypatch.setenv("BOLT_TEST_ARTIFACTS", str(folder))
    return folder


def test_trigger_wait_deferred_then_download_the_artifact(
    bolt_connection: Any, artifacts: Path
) -> None:
    dag_run = run_dag("bolt_deferrable_to_artifact")
    assert dag_run.state == "success"
    tis = task_instances(dag_run)
    run_id = tis["run"].xcom_pull(task_ids="run", key="run_id")
    assert bolt_connection.client.bolt_run_progress(run_id).run_state is RunState.SUCCESS
    results = json.loads((artifacts / "run_results.json").read_text())
    assert results["results"]
    assert tis["run"].xcom_pull(task_ids="run", key="run_url").endswith(f"/bolt/run_id/{run_id}")


def test_a_failed_run_fails_its_task_and_its_artifacts_still_come(
    bolt_connection: Any, artifacts: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dag_run = run_dag("bolt_failed_run")
    tis = task_instances(dag_run)
    assert (tis["run"].state, tis["artifact"].state) == ("failed", "success")
    logged = capsys.readouterr().out
    assert "failing command: dbt test (return code 1)" in logged
    assert "not_null_orders_order_id" in logged
    results = json.loads((artifacts / "run_results.json").read_text())
    assert any(r["status"] == "fail" for r in results["results"])


def test_retry_from_failure_reruns_the_first_tries_run_not_the_latest_failed(
    bolt_connection: Any,
) -> None:
    dag_run = run_dag("bolt_retry_from_failure")
    ti = task_instances(dag_run)["run"]
    assert (dag_run.state, ti.try_number) == ("success", 2)
    runs = bolt_connection.client.list_bolt_runs("flaky snapshot", limit=10).runs or []
    first, someone_elses, retry = sorted(runs, key=lambda r: r.id)
    assert (first.state, someone_elses.state, retry.state) == ("ERROR", "ERROR", "SUCCESS")
    assert retry.parent_schedule_run_id == first.id  # not someone_elses, the latest failed
    assert ti.xcom_pull(task_ids="run") == retry.id


def test_the_sensor_waits_in_each_mode(bolt_connection: Any) -> None:
    dag_run = run_dag("bolt_sensors")
    tis = task_instances(dag_run)
    assert {task: ti.state for task, ti in tis.items()} == {
        "start": "success",
        "wait_poke": "success",
        "wait_reschedule": "success",
        "wait_deferrable": "success",
    }
    run_id = tis["start"].xcom_pull(task_ids="start")
    assert tis["wait_deferrable"].xcom_pull(task_ids="wait_deferrable") == run_id


def test_execution_timeout_cancels_the_run(bolt_connection: Any) -> None:
    dag_run = run_dag("bolt_execution_timeout")
    ti = task_instances(dag_run)["run"]
    assert ti.state == "failed"
    run_id = ti.xcom_pull(task_ids="run", key="run_id")
    assert bolt_connection.client.bolt_run_progress(run_id).run_state is RunState.CANCELED


def test_reschedule_mode_keeps_waiting_on_starting(
    bolt_connection: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from airflow.models.taskreschedule import TaskReschedule
    from airflow.utils.session import create_session

    dag_run = run_dag("bolt_sensor_reschedule")
    tis = task_instances(dag_run)
    sensor = tis["wait"]
    assert sensor.state == "failed"
    assert "AirflowSensorTimeout" in capsys.readouterr().out  # its own timeout, not the state
    with create_session() as session:
        reschedules = (
            session.query(TaskReschedule).filter(TaskReschedule.ti_id == sensor.id).count()
        )
    assert reschedules >= 1
    run_id = tis["start"].xcom_pull(task_ids="start")
    assert bolt_connection.client.bolt_run_progress(run_id).run_state is RunState.STARTING


def test_the_failed_run_example_ends_its_dag_run_failed(
    artifacts: Path, bolt_connection: Any
) -> None:
    """The example as a scheduled run (dag.test() gives it a logical date): its artifact tasks
    run, and the DAG run still fails, as the Bolt run did."""
    from airflow.dag_processing.dagbag import DagBag, sync_bag_to_db

    bag = DagBag(str(EXAMPLES))
    assert bag.import_errors == {}
    from airflow.dag_processing.bundles.manager import DagBundlesManager

    DagBundlesManager().sync_bundles_to_db()
    sync_bag_to_db(bag, "dags-folder", None)  # the examples are not in this DAGs folder
    dag_run = bag.dags["paradime_bolt_failed_run_artifacts"].test()
    states = {task: ti.state for task, ti in task_instances(dag_run).items()}
    assert states == {
        "tests": "failed",
        "run_results": "success",
        "failed_nodes": "success",
        "run_succeeded": "upstream_failed",
    }
    assert dag_run.state == "failed"
