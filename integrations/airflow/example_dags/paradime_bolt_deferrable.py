"""Trigger a Bolt schedule every morning and wait for it in the triggerer.

While the run goes on, no worker slot is held: the deferred task waits in Airflow's triggerer.
Killing the task (or its execution_timeout) cancels the Bolt run; `timeout` only stops waiting.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import DAG

from paradime_bolt_airflow import BoltRunOperator

with DAG(
    "paradime_bolt_deferrable",
    schedule="0 6 * * *",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    tags=["paradime", "bolt"],
):
    BoltRunOperator(
        task_id="daily_run",
        conn_id="paradime_bolt_default",
        schedule_name="daily run",
        deferrable=True,
        poll_interval=30,
        timeout=timedelta(hours=2),  # stop waiting (the run goes on)
        execution_timeout=timedelta(hours=3),  # cancel the run
        reuse_existing_run=True,  # a run already going (a cron run) is waited for
        retry_from_failure=True,  # a retry re-runs this task's run from its failed command
        retries=1,
    )
