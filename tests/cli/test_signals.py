"""SIGINT and SIGTERM while `run --wait` or `runs wait` waits, as a real process.

CI systems stop a job with SIGTERM. Each test starts the wait on a run that lasts for ever (a
scripted duration), waits until the command says it is waiting, signals it, and checks the exit
code, the JSON document, stderr, and what became of the run in the emulator.
"""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from typing import Any

import pytest

from paradime_bolt import BoltClient
from paradime_bolt_emulator import EmulatorServer
from tests.support.subprocesses import CONTROL, HANG_GUARD, LineReader, base_env, start

pytestmark = pytest.mark.subprocess

KEY = "signals-key-0123456789"
SECRET = "sk-signals-NEVER-PRINT-ME"

SCHEDULES = "schedules:\n" + "".join(
    f"""\
  - name: endless {number}
    schedule: "OFF"
    commands: [dbt build]
    emulator:
      start_delay: 0.05
      default_duration: 0.05
      commands:
        dbt build: {{duration: 100000}}
"""
    for number in range(1, 7)
)

SIGNALS = pytest.mark.parametrize(
    ("signum", "code", "word"),
    [(signal.SIGTERM, 143, "terminated (SIGTERM)"), (signal.SIGINT, 130, "interrupted")],
    ids=["SIGTERM", "SIGINT"],
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    schedules = tmp_path_factory.mktemp("signals") / "paradime_schedules.yml"
    schedules.write_text(SCHEDULES, encoding="utf-8")
    with EmulatorServer(port=0, db=None, schedules=schedules, api_key=KEY, api_secret=SECRET) as s:
        yield s


@pytest.fixture
def bolt(server: EmulatorServer) -> Iterator[BoltClient]:
    with BoltClient(endpoint=server.endpoint, api_key=KEY, api_secret=SECRET) as client:
        yield client


def env_for(server: EmulatorServer) -> dict[str, str]:
    return base_env(
        PARADIME_API_ENDPOINT=server.endpoint,
        PARADIME_API_KEY=KEY,
        PARADIME_API_SECRET=SECRET,
        CI="true",
    )


def signalled(
    server: EmulatorServer, args: list[str], ready: str, signum: int
) -> tuple[int, int, dict[str, Any], str]:
    """Runs `paradime-bolt ARGS`, signals it once stderr has a line matching `ready` (whose
    group 1 is the run id); returns the run id, the exit code, the document and stderr."""
    process = start(args, env_for(server))
    assert process.stdout is not None and process.stderr is not None
    stdout, stderr = LineReader(process.stdout), LineReader(process.stderr)
    try:
        run_id = int(stderr.wait_for(ready).group(1))
        process.send_signal(signum)
        code = process.wait(HANG_GUARD)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(HANG_GUARD)
    out, err = stdout.rest(), stderr.rest()
    for text in (out, err):
        assert SECRET not in text
        assert not CONTROL.search(text), repr(text)
        assert "Traceback" not in text, text
    return run_id, code, json.loads(out), err


def cancel_if_going(bolt: BoltClient, run_id: int) -> None:
    if not bolt.bolt_run_progress(run_id).run_state.is_terminal:
        bolt.cancel_bolt_run(run_id)


@SIGNALS
def test_a_signal_while_run_waits_leaves_the_run_going(
    server: EmulatorServer, bolt: BoltClient, signum: int, code: int, word: str
) -> None:
    schedule = "endless 1" if signum == signal.SIGTERM else "endless 2"
    run_id, exit_code, document, err = signalled(
        server,
        ["run", schedule, "--wait", "--json"],
        r"^triggered run (\d+) of .*; waiting for it to end$",
        signum,
    )
    try:
        assert exit_code == code, err
        assert document["run_id"] == run_id
        assert document["schedule"] == schedule
        assert document["finished"] is False
        assert document["interrupted"] is True
        assert document["canceled_on_interrupt"] is False
        assert f"error: {word} while waiting for run {run_id}, which goes on\n" in err
        assert f"hint: `paradime-bolt runs cancel {run_id}` cancels it" in err
        assert not bolt.bolt_run_progress(run_id).run_state.is_terminal
    finally:
        cancel_if_going(bolt, run_id)


@SIGNALS
def test_cancel_on_interrupt_cancels_the_run_first(
    server: EmulatorServer, bolt: BoltClient, signum: int, code: int, word: str
) -> None:
    schedule = "endless 3" if signum == signal.SIGTERM else "endless 4"
    run_id, exit_code, document, err = signalled(
        server,
        ["run", schedule, "--wait", "--cancel-on-interrupt", "--json"],
        r"^triggered run (\d+) of .*; waiting for it to end$",
        signum,
    )
    try:
        assert exit_code == code, err
        assert document["run_id"] == run_id
        assert document["interrupted"] is True
        assert document["canceled_on_interrupt"] is True
        assert f"error: {word} while waiting for run {run_id}; it was cancelled\n" in err
        assert bolt.bolt_run_status(run_id).state == "CANCELED"
    finally:
        cancel_if_going(bolt, run_id)


def test_runs_wait_follows_a_run_triggered_earlier_until_sigterm(
    server: EmulatorServer, bolt: BoltClient
) -> None:
    triggered = bolt.trigger_bolt_run("endless 5").run_id
    try:
        run_id, exit_code, document, err = signalled(
            server,
            ["runs", "wait", str(triggered), "--json", "--poll-interval", "0.1"],
            r"^waiting for run (\d+) to end$",
            signal.SIGTERM,
        )
        assert run_id == triggered
        assert exit_code == 143, err
        assert document["run_id"] == triggered
        assert document["interrupted"] is True
        assert f"error: terminated (SIGTERM) while waiting for run {triggered}" in err
        assert not bolt.bolt_run_progress(triggered).run_state.is_terminal
    finally:
        cancel_if_going(bolt, triggered)
