"""A sensor in reschedule mode on a run that stays STARTING: it keeps waiting (each poke frees
the worker) until its own timeout, and never fails because of the state."""

from __future__ import annotations

import pendulum
from airflow.sdk import DAG

from paradime_bolt_airflow import BoltRunOperator, BoltRunSensor

with DAG(
    "bolt_sensor_reschedule",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
):
    start = BoltRunOperator(
        task_id="start", schedule_name="starting all day", wait_for_completion=False
    )
    start >> BoltRunSensor(
        task_id="wait",
        run_id="{{ ti.xcom_pull(task_ids='start') }}",
        mode="reschedule",
        poke_interval=0.5,
        # Long enough that the first poke (a fresh client import on a loaded box without
        # bytecode can take seconds) ends before the timeout, so a reschedule always happens.
        timeout=20,
    )
