"""A run that outlasts the task's execution_timeout (sync mode): on_kill cancels it."""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import DAG

from paradime_bolt_airflow import BoltRunOperator

with DAG(
    "bolt_execution_timeout",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
):
    # The run lasts a day: any execution_timeout shorter than that ends the task first.
    BoltRunOperator(
        task_id="run",
        schedule_name="until cancelled",
        poll_interval=0.05,
        # Long enough that the run is triggered first (a fresh client import on a loaded box
        # without bytecode can take seconds), whatever the machine's load.
        execution_timeout=timedelta(seconds=20),
    )
