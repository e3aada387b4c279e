"""When a run fails, fetch its run_results.json all the same and report the failed nodes.

The run's task fails (its log shows the failing command, return code and output); the artifact
task runs anyway (`trigger_rule="all_done"`) and downloads the copy the failing command wrote.
A last task needs the run to have succeeded, so the DAG run fails with it: a DAG run's state
comes from its leaves, and an `all_done` leaf alone would end it green.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pendulum
from airflow.sdk import DAG, task

from paradime_bolt_airflow import BoltArtifactOperator, BoltRunOperator

with DAG(
    "paradime_bolt_failed_run_artifacts",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    tags=["paradime", "bolt"],
):
    run = BoltRunOperator(task_id="tests", schedule_name="broken tests", deferrable=True)
    results = BoltArtifactOperator(
        task_id="run_results",
        run_id="{{ ti.xcom_pull(task_ids='tests', key='run_id') }}",
        path="target/run_results.json",
        # An absolute folder of the worker's, one per DAG run (never its working directory).
        # run_id: manual runs have no logical date in Airflow 3, so no ts_nodash or ds.
        dest=tempfile.gettempdir() + "/paradime_bolt/{{ dag.dag_id }}/{{ run_id }}",
        trigger_rule="all_done",
    )

    @task(trigger_rule="all_done")
    def failed_nodes(path: str) -> list[str]:
        """The unique ids of the nodes that failed or errored, from run_results.json."""
        document = json.loads(Path(path).read_text(encoding="utf-8"))
        return [
            result["unique_id"]
            for result in document.get("results", [])
            if result.get("status") in ("fail", "error")
        ]

    @task
    def run_succeeded() -> None:
        """Runs only when the Bolt run succeeded: the leaf that fails the DAG run otherwise."""

    run >> results
    nodes = failed_nodes(results.output)  # type: ignore[arg-type]  # a str at run time
    [run, nodes] >> run_succeeded()
