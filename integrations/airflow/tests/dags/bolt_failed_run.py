"""A run that fails (sync mode): the task fails, then the artifacts of the failed run are
downloaded all the same."""

from __future__ import annotations

import os

import pendulum
from airflow.sdk import DAG

from paradime_bolt_airflow import BoltArtifactOperator, BoltRunOperator

with DAG(
    "bolt_failed_run",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
):
    run = BoltRunOperator(task_id="run", schedule_name="broken tests", poll_interval=0.05)
    artifact = BoltArtifactOperator(
        task_id="artifact",
        run_id="{{ ti.xcom_pull(task_ids='run', key='run_id') }}",
        dest=os.environ.get("BOLT_TEST_ARTIFACTS", "/tmp/bolt-test-artifacts"),
        trigger_rule="all_done",
    )
    run >> artifact
