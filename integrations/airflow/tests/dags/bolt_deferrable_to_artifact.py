"""Trigger a run, wait for it in the triggerer, then download its run_results.json."""

from __future__ import annotations

import os

import pendulum
from airflow.sdk import DAG

from paradime_bolt_airflow import BoltArtifactOperator, BoltRunOperator

with DAG(
    "bolt_deferrable_to_artifact",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
):
    run = BoltRunOperator(
        task_id="run", schedule_name="daily run", deferrable=True, poll_interval=0.05
    )
    artifact = BoltArtifactOperator(
        task_id="artifact",
        run_id="{{ ti.xcom_pull(task_ids='run') }}",
        dest=os.environ.get("BOLT_TEST_ARTIFACTS", "/tmp/bolt-test-artifacts"),
    )
    run >> artifact
