"""Terminal tables at 80 and 120 columns, drawn in a real pseudo-terminal of that size.

The emulator runs on a clock the test moves, so every date in the tables is known in advance.
A cell that must stay whole (a date, a cron expression, a command, a return code, an id) must
appear unbroken on one line, and no line may be wider than the terminal.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import struct
import subprocess
import termios
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest

from paradime_bolt import BoltClient
from paradime_bolt_emulator import EmulatorServer
from tests.support.clocks import FakeClock
from tests.support.subprocesses import COMMAND, HANG_GUARD, base_env

pytestmark = pytest.mark.subprocess

KEY = "tables-key-0123456789"
SECRET = "sk-tables-NEVER-PRINT-ME"
NOW = datetime(2024, 8, 27, 22, 30, 0, tzinfo=timezone.utc).timestamp()

SCHEDULES = """\
schedules:
  - name: daily run
    schedule: "0 2 * * *"
    owner_email: data-team@acme.io
    commands: [dbt run, dbt test]
    emulator: {start_delay: 1, default_duration: 1}
  - name: marketing attribution
    schedule: "30 7 * * 1-5"
    owner_email: marketing-analytics@acme.io
    commands: [dbt build --select tag:marketing]
  - name: hourly refresh
    schedule: "15 */2 * * *"
    owner_email: analytics@acme.io
    commands: [dbt run --select tag:hourly]
  - name: pull request checks
    schedule: "OFF"
    owner_email: platform@acme.io
    commands: [dbt build --select state:modified+]
  - name: legacy nightly
    schedule: "0 3 * * *"
    suspended: true
    owner_email: data-team@acme.io
    commands: [dbt run]
"""

# What the schedules table must show whole, from the clock above (2024-08-27 22:30 UTC).
CRONS = ["0 2 * * *", "30 7 * * 1-5", "15 */2 * * *", "OFF", "0 3 * * *"]
NEXT_RUNS = ["2024-08-28 02:00", "2024-08-28 07:30", "2024-08-28 00:15"]
ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[ -/]*[0-~])")


@pytest.fixture(scope="module")
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, clock: FakeClock) -> Iterator[EmulatorServer]:
    schedules = tmp_path_factory.mktemp("tables") / "paradime_schedules.yml"
    schedules.write_text(SCHEDULES, encoding="utf-8")
    with EmulatorServer(
        port=0, db=None, schedules=schedules, api_key=KEY, api_secret=SECRET, clock=clock
    ) as s:
        yield s


@pytest.fixture(scope="module")
def finished_run(server: EmulatorServer, clock: FakeClock) -> int:
    """A run of `daily run` that has ended (it lasts 5 simulated seconds)."""
    with BoltClient(endpoint=server.endpoint, api_key=KEY, api_secret=SECRET) as bolt:
        run_id = bolt.trigger_bolt_run("daily run").run_id
        clock.advance(60)
        assert bolt.bolt_run_status(run_id).state == "SUCCESS"
    return run_id


def env_for(server: EmulatorServer) -> dict[str, str]:
    return base_env(
        PARADIME_API_ENDPOINT=server.endpoint,
        PARADIME_API_KEY=KEY,
        PARADIME_API_SECRET=SECRET,
        TERM="xterm-256color",
    )


def in_terminal(server: EmulatorServer, columns: int, *args: str) -> list[str]:
    """`paradime-bolt ARGS` with stdout and stderr on a pseudo-terminal `columns` wide; the
    lines it drew, escape sequences removed."""
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    process = subprocess.Popen(
        [*COMMAND, *args],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env_for(server),
        close_fds=True,
    )
    os.close(follower)
    chunks: list[bytes] = []
    try:
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError as exc:  # EIO: every writer has closed the terminal
                if exc.errno != errno.EIO:
                    raise
                break
            if not chunk:
                break
            chunks.append(chunk)
        code = process.wait(HANG_GUARD)
    finally:
        os.close(leader)
        if process.poll() is None:
            process.kill()
            process.wait(HANG_GUARD)
    text = b"".join(chunks).decode("utf-8")
    assert code == 0, text
    assert SECRET not in text
    lines = ESCAPES.sub("", text).replace("\r\n", "\n").split("\n")
    for line in lines:
        assert len(line) <= columns, f"{len(line)} > {columns}: {line!r}"
    return lines


def whole(cell: str, lines: list[str]) -> bool:
    """Whether `cell` appears on one line, not run into a neighbouring cell."""
    pattern = rf"(?:^|\s){re.escape(cell)}(?:\s|$)"
    return any(re.search(pattern, line) for line in lines)


def json_of(server: EmulatorServer, *args: str) -> Any:
    import json

    completed = subprocess.run(
        [*COMMAND, *args, "--json"],
        capture_output=True,
        text=True,
        env={**env_for(server), "CI": "true"},
        timeout=HANG_GUARD,
        check=True,
    )
    return json.loads(completed.stdout)


@pytest.mark.parametrize("columns", [80, 120])
def test_schedules_list_keeps_dates_and_cron_expressions_whole(
    server: EmulatorServer, finished_run: int, columns: int
) -> None:
    lines = in_terminal(server, columns, "schedules", "list", "--all")
    for cron in CRONS:
        assert whole(cron, lines), (cron, lines)
    for moment in NEXT_RUNS:
        assert whole(moment, lines), (moment, lines)
    assert whole("2024-08-27 22:30", lines), lines  # the last run of `daily run`
    assert whole("SUCCESS", lines)
    assert any("legacy nightly" in line and "suspended" in line for line in lines), lines
    if columns >= 120:
        assert whole("marketing-analytics@acme.io", lines), lines


@pytest.mark.parametrize("columns", [80, 120])
def test_artifacts_list_keeps_command_return_code_and_ids(
    server: EmulatorServer, finished_run: int, columns: int
) -> None:
    artifacts = json_of(server, "artifacts", "list", str(finished_run))["artifacts"]
    assert len(artifacts) > 10
    lines = in_terminal(server, columns, "artifacts", "list", str(finished_run))
    for artifact in artifacts:
        row = [
            artifact["command"],
            str(artifact["return_code"]),
            str(artifact["command_id"]),
            str(artifact["resource_id"]),
        ]
        pattern = r"\s+".join(re.escape(cell) for cell in row)
        assert any(re.search(rf"(?:^|\s){pattern}(?:\s|$)", line) for line in lines), (
            row,
            lines,
        )
    # The paths are there too, folded over as many lines as they need.
    folded = "".join(line.split()[0] if line.split() else "" for line in lines)
    for artifact in artifacts:
        assert artifact["path"] in folded
