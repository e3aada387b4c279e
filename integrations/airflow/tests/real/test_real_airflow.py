"""The provider in Airflow's real services (see conftest.py), each test a promise users rely
on: Airflow itself runs the task, defers it, resumes it, clears it, kills it."""

from __future__ import annotations

import time

import pytest

from .conftest import API_SECRET, Ring, wait_for

pytestmark = pytest.mark.real_orchestrator

ENDED = {"success", "failed", "up_for_retry", "skipped"}


def started(ring: Ring, dag_id: str, schedule: str) -> tuple[str, int]:
    """Triggers the DAG by hand; returns its DAG run and the Bolt run its task waits for, once
    the task is deferred, the run RUNNING and the trigger running in the triggerer (it has
    logged the run's progress): a task killed before a triggerer runs its trigger never gets
    the trigger's on_kill."""
    dag_run = ring.airflow.trigger(dag_id)
    ti = ring.airflow.wait_task(dag_id, dag_run, {"deferred"})
    [bolt_run] = ring.runs(schedule)
    ring.wait_run_state(bolt_run.id, {"RUNNING"})
    line = f"Bolt run {bolt_run.id} is RUNNING"

    def polled() -> bool | None:
        return True if line in ring.airflow.task_log(dag_id, dag_run, ti["try_number"]) else None

    wait_for(f"the trigger of {dag_id} to poll its run", polled)
    return dag_run, bolt_run.id


def test_a_deferred_run_succeeds_and_its_progress_is_logged(ring: Ring) -> None:
    dag_run = ring.airflow.trigger("ring_succeeds")
    ti = ring.airflow.wait_task("ring_succeeds", dag_run, ENDED)
    assert ti["state"] == "success"
    [bolt_run] = ring.runs("ring succeeds")
    assert bolt_run.state == "SUCCESS"
    log = ring.airflow.task_log("ring_succeeds", dag_run, ti["try_number"])
    assert f"Bolt run {bolt_run.id} is RUNNING: command `dbt run`" in log  # the trigger's
    assert API_SECRET not in log


def test_execution_timeout_while_deferred_cancels_the_run_and_fails_the_task(ring: Ring) -> None:
    dag_run = ring.airflow.trigger("ring_execution_timeout")
    ti = ring.airflow.wait_task("ring_execution_timeout", dag_run, ENDED)
    assert ti["state"] == "failed"
    [bolt_run] = ring.runs("ring execution timeout")
    ring.wait_run_state(bolt_run.id, {"CANCELED"})
    log = ring.airflow.task_log("ring_execution_timeout", dag_run, ti["try_number"])
    assert "execution_timeout" in log


def test_a_20_second_api_outage_while_deferred_is_waited_through(ring: Ring) -> None:
    dag_run, bolt_run = started(ring, "ring_outage", "ring outage")
    ring.emulator.stop()
    try:
        time.sleep(20)  # the outage itself: the trigger polls every second meanwhile
    finally:
        ring.emulator.start()  # the same port and database: the run went on meanwhile
    ti = ring.airflow.wait_task("ring_outage", dag_run, ENDED)
    assert ti["state"] == "success"
    assert ring.bolt.bolt_run_progress(bolt_run).state == "SUCCESS"
    assert [run.id for run in ring.runs("ring outage")] == [bolt_run]


def test_clearing_a_deferred_task_reruns_it(ring: Ring) -> None:
    dag_run, first = started(ring, "ring_clear", "ring clear")
    response = ring.airflow.http.post(
        "/dags/ring_clear/clearTaskInstances",
        json={"dry_run": False, "dag_run_id": dag_run, "task_ids": ["run"], "only_failed": False},
    )
    assert response.status_code == 200, response.text
    ti = ring.airflow.wait_task("ring_clear", dag_run, ENDED, try_number=2)
    assert ti["state"] == "success"
    runs = ring.runs("ring clear")
    assert [(run.id, run.state) for run in runs] == [(first, "CANCELED"), (runs[1].id, "SUCCESS")]


def test_marking_a_deferred_task_failed_cancels_its_run(ring: Ring) -> None:
    dag_run, bolt_run = started(ring, "ring_mark_failed", "ring mark failed")
    response = ring.airflow.http.patch(
        f"/dags/ring_mark_failed/dagRuns/{dag_run}/taskInstances/run",
        json={"new_state": "failed"},
    )
    assert response.status_code == 200, response.text
    ring.wait_run_state(bolt_run, {"CANCELED"})
    assert ring.airflow.task("ring_mark_failed", dag_run)["state"] == "failed"


def test_the_wait_resumes_after_the_triggerer_restarts(ring: Ring) -> None:
    dag_run, bolt_run = started(ring, "ring_triggerer_restart", "ring triggerer restart")
    ring.airflow.restart("triggerer")
    ti = ring.airflow.wait_task("ring_triggerer_restart", dag_run, ENDED)
    assert ti["state"] == "success"
    assert [(run.id, run.state) for run in ring.runs("ring triggerer restart")] == [
        (bolt_run, "SUCCESS")
    ]


def test_the_example_dags_triggered_by_hand(ring: Ring) -> None:
    dags = (
        "paradime_bolt_deferrable",
        "paradime_bolt_branch_commands",
        "paradime_bolt_failed_run_artifacts",
    )
    runs = {dag: ring.airflow.trigger(dag) for dag in dags}
    states = {dag: ring.airflow.wait_dag_run(dag, run) for dag, run in runs.items()}
    assert states == {
        "paradime_bolt_deferrable": "success",
        "paradime_bolt_branch_commands": "success",
        # The Bolt run failed: so does the DAG run, though its artifacts came.
        "paradime_bolt_failed_run_artifacts": "failed",
    }
    failed = runs["paradime_bolt_failed_run_artifacts"]
    tasks = {
        task: ring.airflow.task("paradime_bolt_failed_run_artifacts", failed, task)["state"]
        for task in ("tests", "run_results", "failed_nodes", "run_succeeded")
    }
    assert tasks == {
        "tests": "failed",
        "run_results": "success",
        "failed_nodes": "success",
        "run_succeeded": "upstream_failed",
    }
