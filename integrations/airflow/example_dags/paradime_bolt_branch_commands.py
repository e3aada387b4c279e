"""Run custom dbt commands on a git branch, chosen when the DAG run is triggered.

`commands` and `branch` replace the schedule's for this run only; both are templated, so
they come from the run's params (Trigger DAG w/ config in the UI).
"""

from __future__ import annotations

import pendulum
from airflow.sdk import DAG, Param

from paradime_bolt_airflow import BoltRunOperator

with DAG(
    "paradime_bolt_branch_commands",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    params={
        "branch": Param("main", type="string", description="the git branch to run on"),
        "select": Param("state:modified+", type="string", description="dbt --select"),
    },
    tags=["paradime", "bolt"],
):
    BoltRunOperator(
        task_id="build_branch",
        schedule_name="pull request checks",
        commands=["dbt build --select {{ params.select }}"],
        branch="{{ params.branch }}",
        reason="Airflow {{ dag.dag_id }} {{ run_id }}",
        deferrable=True,
    )
