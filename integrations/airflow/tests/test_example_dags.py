"""The example DAGs import and parse as Airflow's DAG processor parses them."""

from __future__ import annotations

import re
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


def _first_python_block(readme: Path, after: str) -> str:
    text = readme.read_text(encoding="utf-8")
    start = text.index("```python\n", text.index(after)) + len("```python\n")
    return text[start : text.index("```", start)]


def test_the_readmes_show_a_deferrable_dag_first_and_it_parses(tmp_path: Path) -> None:
    from airflow.dag_processing.dagbag import DagBag

    member = EXAMPLES.parent / "README.md"
    root = EXAMPLES.parent.parent.parent / "README.md"
    block = _first_python_block(member, "## A deferrable DAG")
    (tmp_path / "readme_dag.py").write_text(block, encoding="utf-8")
    bag = DagBag(str(tmp_path))
    assert bag.import_errors == {}
    task = bag.dags["dbt_daily"].get_task("daily_run")
    assert isinstance(task, BoltRunOperator)
    assert task.deferrable
    snippet = _first_python_block(root, "## Apache Airflow")
    namespace: dict[str, object] = {}
    exec(compile(snippet, "README.md", "exec"), namespace)  # builds the operator, as a DAG would
    assert "deferrable=True" in snippet


def test_the_readme_has_no_relative_link() -> None:
    """PyPI shows the README without the repository: a relative link there leads nowhere."""
    text = (EXAMPLES.parent / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)]*)\)", text)
    assert targets
    assert [t for t in targets if not t.startswith(("https://", "http://", "#"))] == []


def test_the_examples_use_no_logical_date_template() -> None:
    """Manual runs have no logical date in Airflow 3: `ts_nodash`, `ds` and the like fail."""
    member = EXAMPLES.parent
    for path in [*EXAMPLES.glob("*.py"), member / "README.md"]:
        used = re.findall(r"\{\{\s*(ts\w*|ds\w*|logical_date\w*)", path.read_text())
        assert used == [], path.name
