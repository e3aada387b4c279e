"""Airflow, really installed, in a folder of its own: `AIRFLOW_HOME` in a temporary folder,
a SQLite metadata database created once per session, and the Bolt emulator over HTTP.

The environment is set in `pytest_configure`, before anything imports Airflow (which reads its
configuration, and would create ~/airflow, on import).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
DAGS = HERE / "dags"
SCHEDULES = HERE / "paradime_schedules.yml"
CONN_ENV = "AIRFLOW_CONN_PARADIME_BOLT_DEFAULT"
_HOME: Path | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _HOME
    _HOME = Path(tempfile.mkdtemp(prefix="airflow-home-"))
    settings = {
        "AIRFLOW_HOME": str(_HOME),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{_HOME / 'airflow.db'}",
        "AIRFLOW__OPERATORS__DEFAULT_DEFERRABLE": "False",
    }
    os.environ.update(settings)
    for name in list(os.environ):  # the developer's own Paradime and Airflow connections
        if name.startswith(("PARADIME_", "AIRFLOW_CONN_")):
            del os.environ[name]


def pytest_unconfigure(config: pytest.Config) -> None:
    if _HOME is not None:
        shutil.rmtree(_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def airflow_db() -> None:
    """The metadata database, created once: `dag.test()` runs need it."""
    from airflow.utils import db

    db.initdb()


def connection_json(**fields: Any) -> str:
    return json.dumps(fields)


@pytest.fixture
def bolt_connection(bolt_emulator: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """`paradime_bolt_default` as an `AIRFLOW_CONN_*` variable, pointing at a fresh emulator
    (the key pair)."""
    monkeypatch.setenv(
        CONN_ENV,
        connection_json(
            conn_type="paradime_bolt",
            host=bolt_emulator.endpoint,
            login=bolt_emulator.api_key,
            password=bolt_emulator.api_secret,
        ),
    )
    return bolt_emulator


def running_run(bolt: Any, schedule: str = "until cancelled") -> int:
    """A run of `schedule` that has left STARTING (polled for, however slow the machine)."""
    from paradime_bolt import RunState

    run_id: int = bolt.trigger_bolt_run(schedule).run_id
    while bolt.bolt_run_progress(run_id).run_state is RunState.STARTING:
        time.sleep(0.02)
    return run_id


class RecordingTaskInstance:
    """The part of Airflow's task instance an operator calls outside a DAG run: XComs kept in
    a dict, and the try number. DAG runs (tests/dags) use the real one."""

    def __init__(self, try_number: int = 1) -> None:
        self.try_number = try_number
        self.xcoms: dict[str, Any] = {}

    def xcom_push(self, key: str, value: Any) -> None:
        self.xcoms[key] = value

    def xcom_pull(self, task_ids: str | None = None, key: str = "return_value", **_: Any) -> Any:
        return self.xcoms.get(key)


class MemoryStateStore:
    """Airflow 3.3's task_state_store, in memory: it outlives a try, as the real one does."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def set(self, key: str, value: Any, **_: Any) -> None:
        self.values[key] = value


def task_context(try_number: int = 1, store: MemoryStateStore | None = None) -> dict[str, Any]:
    return {
        "ti": RecordingTaskInstance(try_number),
        "task_state_store": store or MemoryStateStore(),
    }


def run_dag(dag_id: str) -> Any:
    """One whole DAG run with `dag.test()`, its tasks in this process; returns the DagRun."""
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(str(DAGS))
    assert bag.import_errors == {}
    return bag.dags[dag_id].test()


def task_instances(dag_run: Any) -> dict[str, Any]:
    from airflow.utils.session import create_session

    with create_session() as session:
        return {ti.task_id: ti for ti in dag_run.get_task_instances(session=session)}
