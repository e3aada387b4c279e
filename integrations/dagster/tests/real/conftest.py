"""The real-process ring: `dagster` CLI processes on a real DAGSTER_HOME instance, against an
emulator over HTTP whose clock only the test moves (runs wait where they are until it does).

Every wait is on a state (a Dagster run tag, a Bolt run state, a process exit) with a bound of
minutes; nothing depends on how fast a process starts or runs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from dagster import DagsterInstance, DagsterRun

from dagster_paradime_bolt import TAG_PREFIX
from paradime_bolt import BoltClient
from paradime_bolt_emulator.clock import ManualClock
from paradime_bolt_emulator.server import EmulatorServer

HERE = Path(__file__).parent
BOUND = 300.0  # seconds: generous, for a loaded 2-core machine; never a margin
T = TypeVar("T")

DAGSTER_YAML = """\
telemetry:
  enabled: false
python_logs:
  managed_python_loggers: [paradime_bolt]
  python_log_level: INFO
"""


def wait_for(what: str, check: Callable[[], T | None], *, timeout: float = BOUND) -> T:
    """Polls `check` until it returns something other than None; fails naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value is not None:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {timeout:g}s waiting for {what}")
        time.sleep(0.1)


@dataclass
class Ring:
    """The emulator (its server, clock and a client) and where the Dagster processes run."""

    server: EmulatorServer
    clock: ManualClock
    client: BoltClient
    project: Path
    home: Path

    def env(self, schedule: str) -> dict[str, str]:
        """The CLI's environment: an account API key and its workspace, as the README says."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PARADIME_")}
        assert self.server.account_key is not None
        env.update(
            DAGSTER_HOME=str(self.home),
            RING_SCHEDULE=schedule,
            PARADIME_API_ENDPOINT=self.server.endpoint,
            PARADIME_API_SECRET=self.server.account_key,
            PARADIME_WORKSPACE_UID=self.server.workspaces[0],
        )
        return env

    def start(self, schedule: str, *args: str) -> subprocess.Popen[str]:
        """`dagster ARGS -f definitions.py` in its own session (a terminal's Ctrl-C reaches
        the whole group), output to a file read when it matters."""
        with (self.home / "cli.log").open("w") as log:
            return subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "dagster",
                    *args,
                    "-f",
                    str(self.project / "definitions.py"),
                ],
                cwd=self.home,  # not the project: the manifest is found beside the definitions
                env=self.env(schedule),
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=True,
            )

    def output(self) -> str:
        return (self.home / "cli.log").read_text(errors="replace")

    def instance(self) -> DagsterInstance:
        return DagsterInstance.from_config(str(self.home))

    def dagster_run(self) -> DagsterRun | None:
        """The one Dagster run of this test's instance, once it exists."""
        with self.instance() as instance:
            runs = _read(instance.get_runs)
        return runs[0] if runs else None

    def tagged_bolt_run(self, process: subprocess.Popen[str]) -> int:
        """Waits until the Dagster run names the Bolt run its step triggered (the step is then
        following it); fails at once if the process ends first."""

        def check() -> int | None:
            if process.poll() is not None:
                pytest.fail(f"dagster exited ({process.returncode}) first:\n{self.output()}")
            run = self.dagster_run()
            for tag in run.tags if run is not None else ():
                if tag.startswith(f"{TAG_PREFIX}/run-"):
                    return int(tag.rsplit("-", 1)[1])
            return None

        return wait_for("the Dagster run's Bolt run tag", check)

    def messages(self) -> list[str]:
        """Every log message of the Dagster run (the step's and the client's)."""
        run = self.dagster_run()
        assert run is not None
        with self.instance() as instance:
            entries = _read(lambda: instance.all_logs(run.run_id))
        return [entry.user_message for entry in entries]

    def exit_code(self, process: subprocess.Popen[str]) -> int:
        try:
            return process.wait(BOUND)
        except subprocess.TimeoutExpired:
            pytest.fail(f"dagster did not exit within {BOUND:g}s:\n{self.output()}")

    def state(self, run_id: int) -> str | None:
        return self.client.bolt_run_status(run_id).state


def _read(read: Callable[[], T]) -> T:
    """Reads the instance's SQLite storage, which the dagster process writes meanwhile."""
    for _ in range(50):
        try:
            return read()
        except Exception as exc:  # "database is locked": read again
            if "locked" not in str(exc):
                raise
            time.sleep(0.1)
    return read()


@pytest.fixture
def ring(manifest: dict[str, Any], tmp_path: Path) -> Iterator[Ring]:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(HERE / "ring_definitions.py", project / "definitions.py")
    (project / "manifest.json").write_text(json.dumps(manifest))
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(DAGSTER_YAML)
    # The instance's storage is created here, so the test's reads never race the CLI creating it.
    with DagsterInstance.from_config(str(home)) as instance:
        instance.get_runs(limit=1)
    clock = ManualClock(time.time())
    server = EmulatorServer(
        schedules=HERE / "ring_schedules.yml",
        clock=clock,
        account_key="prdm_cmp_ring-account-key",
        workspace_token="prdm_wsp_ring-workspace-token",
    )
    with (
        server,
        BoltClient(
            endpoint=server.endpoint, api_key=server.api_key, api_secret=server.api_secret
        ) as client,
    ):
        yield Ring(server, clock, client, project, home)
