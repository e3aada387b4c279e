"""OpenLineage under Airflow (issue 24): a `dag.test()` with the OpenLineage provider and its
file transport writes each Bolt run's events, the Airflow task as the parent of the run's own
events; a failed run's events say FAIL; the task's parent ids reach the run's reason within
Bolt's limit; lineage that cannot be built never fails a task."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CONN_ENV, connection_json

pytest.importorskip("airflow.providers.openlineage")

pytestmark = [
    pytest.mark.bolt_emulator(schedules="paradime_schedules.yml"),
    pytest.mark.usefixtures("airflow_db"),
]
NS = "snowflake://xy12345.eu-west-1"
MEMBER = Path(__file__).resolve().parents[1]
STATES = """\
import json, sys
from tests.conftest import run_dag, task_instances
tis = task_instances(run_dag(sys.argv[1]))
print("STATES " + json.dumps({k: getattr(t.state, "value", t.state) for k, t in tis.items()}))
"""


@pytest.fixture
def lineage_file(tmp_path: Path) -> Path:
    return tmp_path / "openlineage.jsonl"


def dag_test(
    dag_id: str, bolt: Any, lineage_file: Path, **extra: str
) -> tuple[dict[str, str], str]:
    """`dag.test()` in a process of its own, as a user runs it: the OpenLineage provider reads
    its settings (here: the file transport) once per process, when Airflow loads its plugin.
    Returns each task's state and what the process printed (Airflow logs to stdout)."""
    transport = {"type": "file", "log_file_path": str(lineage_file), "append": True}
    environ = {k: v for k, v in os.environ.items() if not k.startswith("OPENLINEAGE")}
    environ |= {
        "AIRFLOW__OPENLINEAGE__TRANSPORT": json.dumps(transport),
        "AIRFLOW__OPENLINEAGE__NAMESPACE": "airflow-test",
        CONN_ENV: connection_json(
            conn_type="paradime_bolt",
            host=bolt.endpoint,
            login=bolt.api_key,
            password=bolt.api_secret,
            extra=extra,
        ),
    }
    done = subprocess.run(
        [sys.executable, "-c", STATES, dag_id],
        cwd=MEMBER,
        env=environ,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    (line,) = [text for text in done.stdout.splitlines() if text.startswith("STATES ")]
    return json.loads(line.removeprefix("STATES ")), done.stdout + done.stderr


def test_dag_test_with_the_openlineage_provider_writes_each_runs_events(
    bolt_emulator: Any, lineage_file: Path
) -> None:
    states, logged = dag_test("bolt_lineage", bolt_emulator, lineage_file, openlineage_namespace=NS)
    assert states == {"run": "success", "watch": "success", "failing": "failed"}
    events = [json.loads(line) for line in lineage_file.read_text().splitlines()]
    bolt_runs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in events:
        if event["job"]["name"].endswith(".bolt_run"):
            bolt_runs[event["job"]["name"]].append(event)
    assert set(bolt_runs) == {
        "bolt_lineage.run.bolt_run",
        "bolt_lineage.watch.bolt_run",
        "bolt_lineage.failing.bolt_run",
    }
    task_runs = {
        e["job"]["name"]: e["run"]["runId"]
        for e in events
        if e["job"]["name"] in ("bolt_lineage.run", "bolt_lineage.failing")
    }
    for task, ended in (("run", "COMPLETE"), ("failing", "FAIL")):
        start, end = bolt_runs[f"bolt_lineage.{task}.bolt_run"]
        assert (start["eventType"], end["eventType"]) == ("START", ended)
        parent = start["run"]["facets"]["parent"]
        assert parent["job"]["name"] == f"bolt_lineage.{task}"
        assert parent["job"]["namespace"] == "airflow-test"
        assert parent["run"]["runId"] == task_runs[f"bolt_lineage.{task}"]
        assert parent["root"]["job"]["name"] == "bolt_lineage"
        bolt_run = start["run"]["runId"]
        nodes = [
            e
            for e in events
            if e["run"]["facets"].get("parent", {}).get("run", {}).get("runId") == bolt_run
        ]
        assert nodes, task
        assert {e["run"]["facets"]["parent"]["root"]["job"]["name"] for e in nodes} == {
            "bolt_lineage"
        }
        assert {o["namespace"] for e in nodes for o in e["outputs"]} <= {NS}
    failed_nodes = [
        e
        for e in events
        if e["eventType"] == "FAIL"
        and e["run"]["facets"].get("parent", {}).get("job", {}).get("name")
        == "bolt_lineage.failing.bolt_run"
    ]
    assert failed_nodes  # the failing dbt tests
    # the run's reason carried the task's ids, and Bolt accepted it (the task succeeded)
    marker = "OpenLineage parent ids written into the run's reason: OpenLineage parent: "
    (line, *_) = [text for text in logged.splitlines() if marker in text]
    ids, _ = json.JSONDecoder().raw_decode(line.split(marker, 1)[1])
    assert ids["parent_run_id"] == task_runs["bolt_lineage.run"]
    assert ids["parent_job_name"] == "bolt_lineage.run"


def test_a_connection_without_a_warehouse_logs_and_the_task_still_succeeds(
    bolt_emulator: Any, lineage_file: Path
) -> None:
    states, logged = dag_test("bolt_lineage", bolt_emulator, lineage_file)
    assert (states["run"], states["watch"]) == ("success", "success")
    assert "names no warehouse for lineage" in logged
    written = [json.loads(line) for line in lineage_file.read_text().splitlines()]
    assert written  # Airflow's own task events
    assert not [e for e in written if e["job"]["name"].endswith(".bolt_run")]


def test_the_reason_stays_within_the_limit_and_keeps_the_ids(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from paradime_bolt.lineage import ParentJob
    from paradime_bolt_airflow import lineage

    parent = ParentJob(
        "airflow",
        f"{'d' * 200}.{'t' * 200}",
        "01a24f1e-0b9c-76c7-aafa-090e7d90997d",
        root_namespace="airflow",
        root_name="d" * 200,
        root_run_id="01a24f1e-0b9c-7661-8dfb-4224f98650b7",
    )
    monkeypatch.setattr(lineage, "task_parent", lambda ti: parent)
    reason = lineage.reason_with_parent("why " * 400, object())
    assert reason is not None
    assert len(reason) <= lineage.REASON_LIMIT
    assert reason.startswith("why why")
    ids = json.loads(reason.split(lineage.REASON_PREFIX, 1)[1])
    assert (ids["parent_job_name"], ids["parent_run_id"]) == (parent.name, parent.run_id)
    assert ids["root_parent_run_id"] == parent.root_run_id
    # names too long for both: the root ids go first
    longer = ParentJob("airflow", "j" * 600, parent.run_id, "airflow", "r" * 600, parent.run_id)
    monkeypatch.setattr(lineage, "task_parent", lambda ti: longer)
    reason = lineage.reason_with_parent(None, object())
    assert reason is not None
    assert len(reason) <= lineage.REASON_LIMIT
    assert "root_parent_job_name" not in reason
    assert json.loads(reason.split(lineage.REASON_PREFIX, 1)[1])["parent_job_name"] == "j" * 600
