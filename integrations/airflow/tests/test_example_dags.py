"""The example DAGs import and parse as Airflow's DAG processor parses them."""

from __future__ import annotations

from pathlib import Path

from paradime_bolt_airflow import BoltArtifactOperator, BoltRunOperator

EXAMPLES = Path(__file__).resolve().parent.parent / "example_dags"


def test_the_example_dags_parse_without_import_errors() -> None:
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(str(EXAMPLES))
    assert bag.import_errors == {}
    assert set(bag.dags) == {
        "paradime_bolt_deferrable",
        "paradime_bolt_branch_commands",
        "paradime_bolt_failed_run_artifacts",
    }
    deferrable = bag.dags["paradime_bolt_deferrable"].get_task("daily_run")
    assert isinstance(deferrable, BoltRunOperator)
    assert deferrable.deferrable
    branch = bag.dags["paradime_bolt_branch_commands"].get_task("build_branch")
    assert isinstance(branch, BoltRunOperator)
    assert branch.branch == "{{ params.branch }}"
    artifacts = bag.dags["paradime_bolt_failed_run_artifacts"].get_task("run_results")
    assert isinstance(artifacts, BoltArtifactOperator)
    assert artifacts.trigger_rule == "all_done"
