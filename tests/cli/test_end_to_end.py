"""`paradime-bolt` as a real process, in a pipe, against the real emulator.

One emulator serves the module, from a schedules file written here: a quick schedule that
passes, one whose `dbt test` fails with a known stderr, and one whose command lasts a day, so
it is still going whenever a test cancels it, however slowly the processes start. Every
call checks what every mode must: no control codes in a pipe and never the secret.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import pytest

from paradime_bolt_emulator import EmulatorServer
from tests.support.ci_docs import workflow

pytestmark = [pytest.mark.e2e, pytest.mark.subprocess]

KEY = "e2e-key-0123456789"
SECRET = "sk-e2e-7f3a91-NEVER-PRINT-ME"
WORKSPACE_TOKEN = "prdm_wsp_e2e-5d2c17-NEVER-PRINT-ME"
ACCOUNT_KEY = "prdm_cmp_e2e-91be04-NEVER-PRINT-ME"
FAILING_STDERR = "Failure in test not_null_orders_id (models/schema.yml)"

SCHEDULES = """\
schedules:
  - name: quick pass
    schedule: "OFF"
    commands: [dbt run]
    emulator: {start_delay: 0.05, default_duration: 0.05}
  - name: failing tests
    schedule: "OFF"
    commands: [dbt seed, dbt test]
    emulator:
      start_delay: 0.05
      default_duration: 0.05
      commands:
        dbt test:
          return_code: 1
          stdout: "1 of 1 FAIL 3 not_null_orders_id\\nDone. PASS=0 ERROR=1"
          stderr: |-
            Failure in test not_null_orders_id (models/schema.yml)
              Got 3 results, configured to fail if != 0
  - name: slow build
    schedule: "OFF"
    commands: [dbt build]
    emulator:
      start_delay: 0.05
      default_duration: 0.05
      commands:
        dbt build: {duration: 86400}
  - name: pull request checks
    schedule: "OFF"
    commands: [dbt build --select state:modified+]
    emulator: {start_delay: 0.05, default_duration: 0.05}
  - name: old schedule
    schedule: "0 3 * * *"
    suspended: true
    commands: [dbt run]
"""

FAST = ("--poll-interval", "0.1")
T = TypeVar("T")
SCRIPT = Path(sys.executable).with_name("paradime-bolt")
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "paradime_bolt.cli"]
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    schedules = tmp_path_factory.mktemp("e2e") / "paradime_schedules.yml"
    schedules.write_text(SCHEDULES, encoding="utf-8")
    with EmulatorServer(
        port=0,
        db=None,
        schedules=schedules,
        api_key=KEY,
        api_secret=SECRET,
        workspace_token=WORKSPACE_TOKEN,
        account_key=ACCOUNT_KEY,
        workspaces=["ws-main", "ws-other"],
    ) as s:
        yield s


def base_env() -> dict[str, str]:
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PARADIME_API_", "PARADIME_WORKSPACE_")) and k != "CI"
    }


class Bolt:
    """Runs `paradime-bolt` in a subprocess with the emulator's credentials."""

    def __init__(self, endpoint: str) -> None:
        self.env = {
            **base_env(),
            "PARADIME_API_ENDPOINT": endpoint,
            "PARADIME_API_KEY": KEY,
            "PARADIME_API_SECRET": SECRET,
        }

    def __call__(
        self, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
    ) -> subprocess.CompletedProcess[str]:
        completed = subprocess.run(
            [*COMMAND, *args],
            capture_output=True,
            text=True,
            env={**self.env, **(env or {})},
            cwd=cwd,
            timeout=60,
            check=False,
        )
        for text in (completed.stdout, completed.stderr):
            for secret in (SECRET, WORKSPACE_TOKEN, ACCOUNT_KEY):
                assert secret not in text, text
            assert not CONTROL.search(text), repr(text)
            assert "Traceback" not in text, text
        return completed

    def json(
        self, *args: str, code: int = 0, env: dict[str, str] | None = None
    ) -> dict[str, object]:
        completed = self(*args, "--json", env=env)
        assert completed.returncode == code, completed.stderr
        document: dict[str, object] = json.loads(completed.stdout)
        return document


@pytest.fixture
def bolt(server: EmulatorServer) -> Bolt:
    return Bolt(server.endpoint)


def parallel(*calls: Callable[[], T]) -> list[T]:
    """Runs independent CLI calls side by side (each is a process: this keeps the suite fast)."""
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        return list(pool.map(lambda call: call(), calls))


def test_schedules(bolt: Bolt) -> None:
    listed, everything, shown, plain = parallel(
        lambda: bolt("schedules", "list"),
        lambda: bolt.json("schedules", "list", "--all"),
        lambda: bolt.json("schedules", "show", "failing-tests", "--slug"),
        lambda: bolt("schedules", "show", "quick pass", env={"CI": "true"}),
    )
    assert isinstance(listed, subprocess.CompletedProcess)
    assert listed.returncode == 0, listed.stderr
    names = [line.split("  ")[0] for line in listed.stdout.splitlines()[1:]]
    assert names == ["quick pass", "failing tests", "slow build", "pull request checks"]
    assert isinstance(everything, dict)
    assert [s["name"] for s in everything["schedules"]] == [
        "quick pass",
        "failing tests",
        "slow build",
        "pull request checks",
        "old schedule",
    ]
    assert isinstance(shown, dict)
    assert shown["commands"] == ["dbt seed", "dbt test"]
    assert isinstance(plain, subprocess.CompletedProcess)
    assert "commands:" in plain.stdout


def test_a_run_that_passes_with_logs_and_verbose_logging(bolt: Bolt) -> None:
    result = bolt("--verbose", "run", "quick pass", "--wait", "--logs", *FAST)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.index("==> command 1: git clone ...") < out.index("==> command 3: dbt run")
    assert re.search(r"^run \d+: SUCCESS after ", out, re.MULTILINE)
    # A progress line per change; a loaded machine may first see the run already finished.
    assert re.search(r"^run \d+: [A-Z]+\b.* elapsed\)$", result.stderr, re.MULTILINE)
    assert "DEBUG paradime_bolt.http: POST TriggerBoltRun attempt 1: 200 in " in result.stderr


def test_a_failing_run_with_logs_exits_1_with_the_failure_report(bolt: Bolt) -> None:
    result = bolt("run", "failing tests", "--wait", "--logs", *FAST)
    assert result.returncode == 1, result.stderr
    assert "==> command 4: dbt test" in result.stdout
    assert "1 of 1 FAIL 3 not_null_orders_id" in result.stdout
    err = result.stderr
    assert re.search(r"^error: run \d+ ended ERROR$", err, re.MULTILINE)
    assert "failing command: dbt test (return code 1)" in err
    report = err.split("--- last 2 line(s) of its stderr ---\n")[1]
    assert report.startswith(FAILING_STDERR + "\n  Got 3 results, configured to fail if != 0\n")


def test_a_timeout_cancels_the_run_and_exits_3(bolt: Bolt) -> None:
    document = bolt.json(
        "run", "slow build", "--wait", "--timeout", "0.5", "--cancel-on-timeout", *FAST, code=3
    )
    assert document["timed_out"] is True
    assert document["canceled_on_timeout"] is True
    status = bolt.json("runs", "status", str(document["run_id"]), code=1)
    assert status["state"] == "CANCELED"


def test_runs_status_logs_retry_and_cancel(bolt: Bolt) -> None:
    def failed_run() -> None:
        started = bolt("run", "failing tests")
        assert started.returncode == 0, started.stderr
        run_id = started.stdout.strip()
        followed = bolt("runs", "logs", run_id, "--follow", *FAST)
        assert followed.returncode == 1
        assert "1 of 1 FAIL 3 not_null_orders_id" in followed.stdout
        assert "failing command: dbt test (return code 1)" in followed.stderr
        status = bolt.json("runs", "status", run_id, code=1)
        assert status["failure"]["command"] == "dbt test"  # type: ignore[index]
        logs = bolt.json("runs", "logs", run_id)
        assert [c["command"] for c in logs["commands"]][-1] == "dbt test"  # type: ignore[index]
        retried = bolt.json("runs", "retry", run_id)
        assert retried["retry_of"] == int(run_id)

    def cancelled_run() -> None:
        slow = bolt("run", "slow build").stdout.strip()
        cancelled = bolt("runs", "cancel", slow)
        assert cancelled.returncode == 0, cancelled.stderr
        assert cancelled.stdout == f"run {slow}: cancelled\n"
        again = bolt("runs", "cancel", slow)
        assert again.returncode == 5
        assert "CancelBoltRun returned ok: false" in again.stderr

    parallel(failed_run, cancelled_run)


def test_artifacts(bolt: Bolt, tmp_path: Path) -> None:
    run_id = str(bolt.json("run", "quick pass", "--wait", *FAST)["run_id"])
    listed, downloaded, piped = parallel(
        lambda: bolt("artifacts", "list", run_id, "--json"),
        lambda: bolt("artifacts", "download", run_id, "target/run_results.json", cwd=tmp_path),
        lambda: bolt("artifacts", "download", run_id, "target/manifest.json", "-o", "-"),
    )
    paths = {a["path"] for a in json.loads(listed.stdout)["artifacts"]}
    assert {"target/run_results.json", "target/manifest.json"} <= paths
    assert downloaded.returncode == 0, downloaded.stderr
    assert downloaded.stdout == "run_results.json\n"
    results = json.loads((tmp_path / "run_results.json").read_text(encoding="utf-8"))
    assert results["results"]
    assert "nodes" in json.loads(piped.stdout)


ACCOUNT_KEY_ENV = {"PARADIME_API_SECRET": ACCOUNT_KEY, "PARADIME_API_KEY": ""}
TOKEN_ENV = {"PARADIME_API_SECRET": WORKSPACE_TOKEN, "PARADIME_API_KEY": ""}


def test_a_workspace_token_and_an_account_key_trigger_and_follow_runs(bolt: Bolt) -> None:
    def follow(args: list[str], env: dict[str, str], name: str) -> dict[str, object]:
        started = bolt(*args, "run", name, "--wait", "--logs", "--json", *FAST, env=env)
        assert started.returncode == 0, started.stderr
        document: dict[str, object] = json.loads(started.stdout)
        assert document["state"] == "SUCCESS"
        return document

    token_run, main_run, other_run = parallel(
        # The token and the key in ws-main share a workspace: two schedules, not one.
        lambda: follow([], TOKEN_ENV, "pull request checks"),
        lambda: follow([], {**ACCOUNT_KEY_ENV, "PARADIME_WORKSPACE_UID": "ws-main"}, "quick pass"),
        # ws-other's own "quick pass" is free although ws-main's is running.
        lambda: follow(["--workspace-uid", "ws-other"], ACCOUNT_KEY_ENV, "quick pass"),
    )
    other = str(other_run["run_id"])
    seen_from_main, seen_from_other, seen_with_token, in_other = parallel(
        lambda: bolt("--workspace-uid", "ws-main", "runs", "status", other, env=ACCOUNT_KEY_ENV),
        lambda: bolt("--workspace-uid", "ws-other", "runs", "status", other, env=ACCOUNT_KEY_ENV),
        lambda: bolt("runs", "status", str(token_run["run_id"]), env=TOKEN_ENV),
        lambda: bolt("--workspace-uid", "ws-other", "runs", "status", str(main_run["run_id"]),
                     env=ACCOUNT_KEY_ENV),
    )  # fmt: skip
    assert seen_from_main.returncode == 5, "a run of ws-other is unknown in ws-main"
    assert seen_from_other.returncode == 0, seen_from_other.stderr
    assert seen_with_token.returncode == 0, seen_with_token.stderr
    assert in_other.returncode == 5


def test_whoami_against_the_emulator(bolt: Bolt) -> None:
    token, account, refused, missing = parallel(
        lambda: bolt.json("whoami", env=TOKEN_ENV),
        lambda: bolt.json("--workspace-uid", "ws-other", "whoami", env=ACCOUNT_KEY_ENV),
        lambda: bolt.json("--workspace-uid", "ws-nope", "whoami", env=ACCOUNT_KEY_ENV, code=4),
        lambda: bolt("whoami", env=ACCOUNT_KEY_ENV),
    )
    assert isinstance(token, dict) and isinstance(account, dict) and isinstance(refused, dict)
    assert (token["credential"], token["accepted"]) == ("workspace_token", True)
    assert (account["workspace_uid"], account["accepted"]) == ("ws-other", True)
    assert (refused["accepted"], refused["status_code"]) == (False, 403)
    assert isinstance(missing, subprocess.CompletedProcess)
    assert missing.returncode == 4
    assert "PARADIME_WORKSPACE_UID is not set" in missing.stderr


def test_exit_codes_version_and_help(bolt: Bolt) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}/graphql"
    usage, needs_wait, refused, missing, unknown, unreachable, version, helped = parallel(
        lambda: bolt("runs", "status", "not-a-number"),
        lambda: bolt("run", "quick pass", "--logs"),
        lambda: bolt("-v", "schedules", "list", env={"PARADIME_API_SECRET": "wrong-secret"}),
        lambda: bolt("schedules", "list", env={"PARADIME_API_ENDPOINT": ""}),
        lambda: bolt("run", "no such schedule"),
        lambda: bolt("--max-retries", "0", "--endpoint", closed, "schedules", "list"),
        lambda: bolt("--version"),
        lambda: bolt("--help"),
    )
    assert (usage.returncode, needs_wait.returncode) == (2, 2)
    assert refused.returncode == 4
    assert "refused the API key and secret (HTTP 401)" in refused.stderr
    assert missing.returncode == 4
    assert unknown.returncode == 5
    assert "no such schedule" in unknown.stderr
    assert unreachable.returncode == 5
    assert "could not reach" in unreachable.stderr
    assert version.stdout.startswith("paradime-bolt ")
    assert "Exit codes:" in helped.stdout


def test_the_emulator_subcommand_serves_until_stopped(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [
            *COMMAND,
            "emulator",
            "--port",
            "0",
            "--log-level",
            "warning",
            "--api-key",
            KEY,
            "--api-secret",
            SECRET,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=base_env(),
    )
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    reader = threading.Thread(target=lambda: [lines.put(x) for x in process.stdout], daemon=True)  # type: ignore[union-attr]
    reader.start()
    try:
        endpoint = ""
        while not endpoint:
            line = lines.get(timeout=20).strip()
            if re.fullmatch(r"http://127\.0\.0\.1:\d+/graphql", line):
                endpoint = line
        listed = Bolt(endpoint)("schedules", "list", "--json")
        assert listed.returncode == 0, listed.stderr
        assert "daily run" in [s["name"] for s in json.loads(listed.stdout)["schedules"]]
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(20)
    assert code == 0


def run_workflow_steps(bolt: Bolt, cwd: Path, schedule: str) -> list[int]:
    """The run and download steps of docs/ci.md's workflow, as GitHub runs them (bash -e), with
    the run step's schedule replaced by `schedule`; returns each step's exit code. Like the
    workflow (`if: !cancelled()`), the download step runs after a failed run step."""
    steps = workflow()["jobs"]["dbt"]["steps"]
    # The job's environment, as the workflow sets it: an account API key and its workspace.
    assert "PARADIME_API_KEY" not in workflow()["jobs"]["dbt"]["env"]
    env = {
        **{name: value for name, value in bolt.env.items() if name != "PARADIME_API_KEY"},
        "PARADIME_API_SECRET": ACCOUNT_KEY,
        "PARADIME_WORKSPACE_UID": "ws-main",
        "CI": "true",
        "PATH": f"{SCRIPT.parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "HEAD_REF": "feature/$(touch pwned)",
        "PR_NUMBER": "12",
    }
    run_step, download_step = steps[2:4]
    assert '"pull request checks"' in run_step["run"]
    assert download_step["if"] == "${{ !cancelled() }}"
    codes = []
    for script in (run_step["run"].replace("pull request checks", schedule), download_step["run"]):
        completed = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert ACCOUNT_KEY not in completed.stdout + completed.stderr
        assert SECRET not in completed.stdout + completed.stderr
        assert "Traceback" not in completed.stderr, completed.stderr
        codes.append(completed.returncode)
    assert not (cwd / "pwned").exists()
    return codes


needs_jq = pytest.mark.skipif(
    shutil.which("jq") is None or not SCRIPT.exists(), reason="needs jq and the script"
)


@needs_jq
def test_the_documented_github_actions_steps(bolt: Bolt, tmp_path: Path) -> None:
    assert run_workflow_steps(bolt, tmp_path, "pull request checks") == [0, 0]
    document = json.loads((tmp_path / "bolt-run.json").read_text(encoding="utf-8"))
    assert document["succeeded"] is True
    results = json.loads((tmp_path / "run_results.json").read_text(encoding="utf-8"))
    assert results["results"]


@needs_jq
def test_the_documented_github_actions_steps_upload_the_failing_commands_results(
    bolt: Bolt, tmp_path: Path
) -> None:
    """A failed run: the run step fails the job, and the file to upload is the run_results.json
    of the `dbt test` that failed, not that of the `dbt seed` before it."""
    assert run_workflow_steps(bolt, tmp_path, "failing tests") == [1, 0]
    document = json.loads((tmp_path / "bolt-run.json").read_text(encoding="utf-8"))
    assert (document["state"], document["succeeded"]) == ("ERROR", False)
    assert document["failure"]["command"] == "dbt test"
    results = json.loads((tmp_path / "run_results.json").read_text(encoding="utf-8"))
    assert results["args"]["which"] == "test"
    assert "fail" in {result["status"] for result in results["results"]}
