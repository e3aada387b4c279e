"""Lineage under Airflow: a run that succeeds (its parent ids in a long reason), a sensor on it,
and a run that fails; the OpenLineage provider emits each one's events after the task."""

from __future__ import annotations

import pendulum
from airflow.sdk import DAG

from paradime_bolt_airflow import BoltRunOperator, BoltRunSensor

with DAG(
    "bolt_lineage",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
):
    run = BoltRunOperator(
        task_id="run",
        schedule_name="daily run",
        poll_interval=0.05,
        reason="x" * 990,  # with the ids appended untrimmed, Bolt would refuse it (1,000 max)
        openlineage_inject_parent_job_info=True,
    )
    watch = BoltRunSensor(
        task_id="watch",
        run_id="{{ ti.xcom_pull(task_ids='run', key='run_id') }}",
        poke_interval=0.05,
    )
    failing = BoltRunOperator(task_id="failing", schedule_name="broken tests", poll_interval=0.05)
    run >> watch
