"""A run started without waiting, and a sensor in each mode waiting for it."""

from __future__ import annotations

import pendulum
from airflow.sdk import DAG

from paradime_bolt_airflow import BoltRunOperator, BoltRunSensor

with DAG(
    "bolt_sensors",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
):
    start = BoltRunOperator(task_id="start", schedule_name="daily run", wait_for_completion=False)
    for mode, deferrable in (("poke", False), ("reschedule", False), ("poke", True)):
        name = "deferrable" if deferrable else mode
        start >> BoltRunSensor(
            task_id=f"wait_{name}",
            run_id="{{ ti.xcom_pull(task_ids='start') }}",
            mode=mode,
            deferrable=deferrable,
            poke_interval=0.05,
        )
