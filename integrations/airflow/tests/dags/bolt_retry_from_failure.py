"""retry_from_failure on a real retry: between the two tries someone else's run of the same
schedule fails, so the schedule's latest failed run is not the task's."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import DAG

from paradime_bolt_airflow import BoltHook, BoltRunOperator


def someone_else_fails_a_run(context: Any) -> None:
    with BoltHook().get_client() as bolt:
        bolt.trigger_and_wait("flaky snapshot", poll_interval=0.05)


with DAG(
    "bolt_retry_from_failure",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
):
    BoltRunOperator(
        task_id="run",
        schedule_name="flaky snapshot",
        retry_from_failure=True,
        poll_interval=0.05,
        retries=1,
        retry_delay=timedelta(0),
        on_retry_callback=someone_else_fails_a_run,
    )
