"""Airflow as users run it: `airflow db migrate`, then the api-server, scheduler, dag-processor
and triggerer as processes of their own (LocalExecutor, SQLite, a temporary AIRFLOW_HOME), with
the Bolt emulator as a process too. Started once per session and shared by the ring's tests,
which drive Airflow through its REST API (/api/v2) and wait on states, never on the clock.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from paradime_bolt import BoltClient
from paradime_bolt_emulator.process import EmulatorProcess

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent.parent / "example_dags"
SCHEDULES = HERE / "ring_schedules.yml"
API_KEY = "ring-key"
API_SECRET = "ring-secret-" + secrets.token_hex(8)
# Bounds, not margins: how long a state may take to come on a loaded 2-core machine.
START_BOUND = 600.0
STATE_BOUND = 300.0

T = TypeVar("T")


def wait_for(what: str, probe: Callable[[], T | None], bound: float = STATE_BOUND) -> T:
    """Polls `probe` until it returns something other than None; fails after `bound` seconds,
    naming what it waited for and the last thing it saw."""
    deadline = time.monotonic() + bound
    last: Any = None
    while True:
        try:
            value = probe()
        except AssertionError:
            raise
        except Exception as exc:  # noqa: BLE001 - a service not answering yet: look again
            last = exc
            value = None
        if value is not None:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {bound:.0f} s for {what}; last seen: {last!r}")
        time.sleep(0.5)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Emulator:
    """The emulator as its own process, on a fixed port and database, so that stopping it and
    starting it again is what an API outage looks like to a client."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.args = (
            "--port", str(self.port),
            "--db", str(folder / "bolt.db"),
            "--schedules", str(SCHEDULES),
            "--api-key", API_KEY,
            "--api-secret", API_SECRET,
            "--log-level", "warning",
        )  # fmt: skip
        self.process: EmulatorProcess | None = None
        self.endpoint = ""

    def start(self) -> None:
        self.process = EmulatorProcess(*self.args).start()
        self.endpoint = self.process.endpoint

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()
            self.process = None

    def client(self) -> BoltClient:
        return BoltClient(endpoint=self.endpoint, api_key=API_KEY, api_secret=API_SECRET)

    def connection(self) -> str:
        return json.dumps(
            {
                "conn_type": "paradime_bolt",
                "host": self.endpoint,
                "login": API_KEY,
                "password": API_SECRET,
            }
        )


class Service:
    """One Airflow command as a process (its own session, so its children stop with it)."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], logs: Path) -> None:
        self.name = name
        self.argv = argv
        self.env = env
        self.log = logs / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                self.argv,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        process = self.process
        if process is None:
            return
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        with contextlib.suppress(ProcessLookupError):  # children left (task runners, workers)
            os.killpg(process.pid, signal.SIGKILL)
        self.process = None

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


class Airflow:
    """The services and a REST client for /api/v2."""

    SERVICES = ("api-server", "scheduler", "dag-processor", "triggerer")

    def __init__(self, home: Path, emulator: Emulator) -> None:
        self.home = home
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        dags = home / "dags"
        dags.mkdir(parents=True)
        shutil.copy(HERE / "dags" / "ring_dags.py", dags)
        for example in EXAMPLES.glob("*.py"):
            shutil.copy(example, dags)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "PARADIME_"))}
        env.update(
            {
                "AIRFLOW_HOME": str(home),
                "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
                "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
                "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
                "AIRFLOW__CORE__PARALLELISM": "8",
                "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
                "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
                "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{self.base}/execution/",
                "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
                "AIRFLOW__API__BASE_URL": self.base,
                "AIRFLOW__API__SECRET_KEY": secrets.token_hex(16),
                "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_hex(32),
                "AIRFLOW__OPERATORS__DEFAULT_DEFERRABLE": "False",
                "AIRFLOW_CONN_PARADIME_BOLT_DEFAULT": emulator.connection(),
            }
        )
        self.env = env
        logs = home / "service-logs"
        logs.mkdir()
        airflow = [sys.executable, "-m", "airflow"]
        argv = {
            "api-server": [*airflow, "api-server", "--host", "127.0.0.1", "--port", str(self.port),
                           "--workers", "1"],
            "scheduler": [*airflow, "scheduler", "--skip-serve-logs"],
            "dag-processor": [*airflow, "dag-processor"],
            "triggerer": [*airflow, "triggerer", "--skip-serve-logs"],
        }  # fmt: skip
        self.services = {name: Service(name, argv[name], env, logs) for name in self.SERVICES}
        self.migrate = [*airflow, "db", "migrate"]
        self.http = httpx.Client(base_url=f"{self.base}/api/v2", timeout=60)

    def start(self) -> None:
        subprocess.run(
            self.migrate, env=self.env, check=True, capture_output=True, timeout=START_BOUND
        )
        for service in self.services.values():
            service.start()
        wait_for("Airflow's services to report healthy", self._healthy, START_BOUND)

    def _healthy(self) -> bool | None:
        self.check_alive()
        health = self.http.get("/monitor/health").raise_for_status().json()
        parts = ("metadatabase", "scheduler", "triggerer", "dag_processor")
        ok = all((health.get(part) or {}).get("status") == "healthy" for part in parts)
        return True if ok else None

    def check_alive(self) -> None:
        for service in self.services.values():
            if service.process is not None and not service.alive():
                raise AssertionError(f"airflow {service.name} exited:\n{service.tail()}")

    def restart(self, name: str) -> None:
        service = self.services[name]
        service.stop()
        service.start()

    def stop(self) -> None:
        self.http.close()
        for service in reversed(self.services.values()):
            service.stop()

    # -- the REST API ---------------------------------------------------------------------------

    def wait_for_dag(self, dag_id: str) -> None:
        def parsed() -> bool | None:
            self.check_alive()
            return True if self.http.get(f"/dags/{dag_id}").status_code == 200 else None

        wait_for(f"DAG {dag_id} to be parsed", parsed, START_BOUND)

    def trigger(self, dag_id: str) -> str:
        """A manual run, as the UI's trigger button makes it (no logical date)."""
        self.wait_for_dag(dag_id)
        response = self.http.post(f"/dags/{dag_id}/dagRuns", json={"logical_date": None})
        assert response.status_code == 200, response.text
        run_id: str = response.json()["dag_run_id"]
        return run_id

    def task(self, dag_id: str, run_id: str, task_id: str = "run") -> dict[str, Any]:
        response = self.http.get(f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}")
        response.raise_for_status()
        ti: dict[str, Any] = response.json()
        return ti

    def wait_task(
        self,
        dag_id: str,
        run_id: str,
        states: set[str],
        task_id: str = "run",
        *,
        try_number: int | None = None,
        bound: float = STATE_BOUND,
    ) -> dict[str, Any]:
        """Waits until the task instance is in one of `states` (in try `try_number`, if given)."""

        def reached() -> dict[str, Any] | None:
            self.check_alive()
            ti = self.task(dag_id, run_id, task_id)
            if try_number is not None and ti["try_number"] != try_number:
                return None
            return ti if ti["state"] in states else None

        return wait_for(f"{dag_id}.{task_id} in {sorted(states)}", reached, bound)

    def wait_dag_run(self, dag_id: str, run_id: str, bound: float = STATE_BOUND) -> str:
        def ended() -> str | None:
            self.check_alive()
            response = self.http.get(f"/dags/{dag_id}/dagRuns/{run_id}").raise_for_status()
            state: str = response.json()["state"]
            return state if state in ("success", "failed") else None

        return wait_for(f"DAG run {dag_id} {run_id} to end", ended, bound)

    def task_log(self, dag_id: str, run_id: str, try_number: int, task_id: str = "run") -> str:
        response = self.http.get(
            f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}/logs/{try_number}",
            params={"full_content": True},
        )
        content = response.raise_for_status().json().get("content") or []
        return "\n".join(
            str(line.get("event", "")) if isinstance(line, dict) else str(line) for line in content
        )


class Ring:
    def __init__(self, emulator: Emulator, airflow: Airflow) -> None:
        self.emulator = emulator
        self.airflow = airflow
        self.bolt = emulator.client()

    def runs(self, schedule: str) -> list[Any]:
        """The schedule's runs, oldest first."""
        page = self.bolt.list_bolt_runs(schedule, limit=50)
        return sorted(page.runs or [], key=lambda run: run.id)

    def wait_run_state(self, run_id: int, states: set[str], bound: float = STATE_BOUND) -> str:
        def reached() -> str | None:
            state = self.bolt.bolt_run_progress(run_id).state
            return state if state in states else None

        return wait_for(f"Bolt run {run_id} in {sorted(states)}", reached, bound)


_RUNNING: list[Ring] = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A failed ring test's report ends with the tail of each service's log."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.when == "call" and report.failed:
        for ring in _RUNNING:
            for service in ring.airflow.services.values():
                report.sections.append((f"airflow {service.name} (log tail)", service.tail(80)))


@pytest.fixture(scope="session")
def ring() -> Iterator[Ring]:
    folder = Path(tempfile.mkdtemp(prefix="airflow-ring-"))
    emulator = Emulator(folder)
    airflow: Airflow | None = None
    ring: Ring | None = None
    try:
        emulator.start()
        airflow = Airflow(folder / "airflow-home", emulator)
        airflow.start()
        ring = Ring(emulator, airflow)
        _RUNNING.append(ring)
        yield ring
    finally:
        if ring is not None:
            _RUNNING.remove(ring)
            ring.bolt.close()
        if airflow is not None:
            airflow.stop()
        emulator.stop()
        shutil.rmtree(folder, ignore_errors=True)
