"""The ring's DAGs: one deferrable BoltRunOperator each, on a schedule of its own."""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import DAG

from paradime_bolt_airflow import BoltRunOperator


def _dag(dag_id: str) -> DAG:
    return DAG(
        dag_id,
        schedule=None,
        start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
        catchup=False,
    )


with _dag("ring_succeeds"):
    BoltRunOperator(task_id="run", schedule_name="ring succeeds", deferrable=True, poll_interval=1)

with _dag("ring_execution_timeout"):
    BoltRunOperator(
        task_id="run",
        schedule_name="ring execution timeout",
        deferrable=True,
        poll_interval=1,
        execution_timeout=timedelta(seconds=30),
    )

with _dag("ring_outage"):
    BoltRunOperator(task_id="run", schedule_name="ring outage", deferrable=True, poll_interval=1)

with _dag("ring_clear"):
    # The first try's run lasts a day; a later try's (after the clear) a few seconds.
    BoltRunOperator(
        task_id="run",
        schedule_name="ring clear",
        commands=["{{ 'dbt build' if ti.try_number == 1 else 'dbt run' }}"],
        deferrable=True,
        poll_interval=1,
    )

with _dag("ring_mark_failed"):
    BoltRunOperator(
        task_id="run", schedule_name="ring mark failed", deferrable=True, poll_interval=1
    )

with _dag("ring_triggerer_restart"):
    BoltRunOperator(
        task_id="run", schedule_name="ring triggerer restart", deferrable=True, poll_interval=1
    )
