"""``--dbt-project``: runs execute real dbt on the example project, seen over HTTP (issue 23).

One emulator serves the whole module (dbt parses the project at start-up, and dbt runs take
seconds): two workspaces over a git copy of ``examples/dbt_project`` with a ``feature`` branch
and one test-only macro, ``gate``, whose query blocks until the test writes to a named pipe, so
"while a command runs" is a state the test holds, not a race. The last test stops the emulator.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from paradime_bolt import BoltClient
from paradime_bolt_emulator import EmulatorServer

from .support import CaptureReceiver

pytestmark = pytest.mark.real_dbt

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "dbt_project"
WAIT = 600  # generous: dbt on a loaded 2-core machine
GATE_MACRO = """\
{% macro gate(path) %}
  {#- Blocks until something is written to the named pipe at `path` (tests only). -#}
  {% do run_query("select content from read_text('" ~ path ~ "')") %}
{% endmacro %}
"""
FEATURE_MODEL = "select 1 as only_on_the_feature_branch\n"
# Every node of the example project, as dbt names them in manifest.json.
PROJECT_NODES = {
    "seed.bolt_example.raw_customers",
    "seed.bolt_example.raw_orders",
    "seed.bolt_example.raw_payments",
    "model.bolt_example.stg_customers",
    "model.bolt_example.stg_orders",
    "model.bolt_example.stg_payments",
    "model.bolt_example.fct_orders",
    "model.bolt_example.customers",
    "snapshot.bolt_example.orders_snapshot",
    "test.bolt_example.assert_order_amount_at_least_min",
}
GENERIC_TESTS = 12
FAILING_TEST = "test.bolt_example.assert_order_amount_at_least_min"


def git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def make_git_project(root: Path) -> Path:
    """The example project as a git repository: main, plus a branch with one more model."""
    project = root / "project"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("target", "logs"))
    (project / "macros").mkdir()
    (project / "macros" / "gate.sql").write_text(GATE_MACRO)
    git("init", "-q", "-b", "main", cwd=project)
    git("add", "-A", cwd=project)
    git("commit", "-q", "-m", "example", cwd=project)
    git("checkout", "-q", "-b", "feature", cwd=project)
    (project / "models" / "marts" / "feature_only.sql").write_text(FEATURE_MODEL)
    git("add", "-A", cwd=project)
    git("commit", "-q", "-m", "feature", cwd=project)
    git("checkout", "-q", "main", cwd=project)
    return project


def children_of(pid: int) -> set[int]:
    """Every live descendant of a process (Linux /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                parents[int(entry.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


class Gate:
    """A named pipe the ``gate`` macro's query waits on; ``open()`` lets it finish."""

    def __init__(self, path: Path) -> None:
        self.path = path
        os.mkfifo(path)

    @property
    def command(self) -> str:
        return f"dbt run-operation gate --args '{{path: {self.path}}}'"

    def open(self) -> None:
        # Opening for writing waits for the reader; in a thread, so a test never hangs here.
        def write() -> None:
            with self.path.open("w") as pipe:
                pipe.write("open\n")

        threading.Thread(target=write, daemon=True).start()


@pytest.fixture(scope="module")
def receiver() -> Iterator[CaptureReceiver]:
    with CaptureReceiver() as capture:
        yield capture


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, receiver: CaptureReceiver
) -> Iterator[EmulatorServer]:
    root = tmp_path_factory.mktemp("real-dbt")
    with EmulatorServer(
        dbt_project=make_git_project(root),
        db=root / "bolt.db",
        workspaces=["ws-a", "ws-b"],
        webhook_urls=[receiver.url("/hooks")],
        account_key="prdm_cmp_real-dbt-tests",
        dbt_cancel_grace=2.0,
    ) as running:
        yield running


@pytest.fixture(scope="module")
def bolt(server: EmulatorServer) -> Iterator[BoltClient]:
    with BoltClient(
        endpoint=server.endpoint, api_key=server.api_key, api_secret=server.api_secret
    ) as client:
        yield client


@pytest.fixture(scope="module")
def bolt_b(server: EmulatorServer, bolt: BoltClient) -> BoltClient:
    """The second workspace, through the account key."""
    assert server.account_key is not None
    return BoltClient(
        endpoint=server.endpoint,
        api_key=server.api_key,
        api_secret=server.account_key,
        workspace_uid="ws-b",
    )


def wait(client: BoltClient, run_id: int) -> Any:
    return client.wait_for_run(run_id, timeout=WAIT, poll_interval=0.2, max_poll_interval=1)


def by_command(status: Any) -> dict[str, Any]:
    return {command.command: command for command in status.commands}


def forks(server: EmulatorServer) -> set[int]:
    return children_of(os.getpid()) - {os.getpid()}


def test_a_build_succeeds_and_its_manifest_lists_exactly_the_projects_nodes(
    bolt: BoltClient, receiver: CaptureReceiver
) -> None:
    run_id = bolt.trigger_bolt_run("daily build").run_id
    status = wait(bolt, run_id)
    assert status.state == "SUCCESS", [
        (c.command, c.return_code, c.stderr) for c in status.commands
    ]
    assert [(c.command, c.return_code) for c in status.commands] == [
        ("git clone ...", 0),
        ("dbt deps", 0),
        ("dbt build", 0),
    ]
    build = by_command(status)["dbt build"]
    assert "Done. PASS=22 WARN=0 ERROR=0 SKIP=0" in build.stdout
    # The start-up dbt parse seeded partial parsing: the run did not parse everything again.
    assert "Unable to do partial parsing" not in build.stdout
    manifest = bolt.download_json_artifact(run_id, "target/manifest.json")
    nodes = set(manifest["nodes"])
    assert {node for node in nodes if not node.startswith("test.")} | {FAILING_TEST} == (
        PROJECT_NODES
    )
    assert len([node for node in nodes if node.startswith("test.")]) == GENERIC_TESTS + 1
    assert set(manifest["sources"]) == {"source.bolt_example.shop.raw_orders"}
    results = bolt.download_json_artifact(run_id, "target/run_results.json")
    assert {result["status"] for result in results["results"]} == {"success", "pass"}
    paths = {artifact.path for artifact in bolt.list_artifacts(run_id)}
    assert {
        "target/manifest.json",
        "target/run_results.json",
        "target/semantic_manifest.json",
        "target/compiled/bolt_example/models/marts/fct_orders.sql",
        "target/run/bolt_example/models/marts/fct_orders.sql",
        "logs/dbt.log",
    } <= paths
    # Webhooks fire for real runs: started, then completed with the real commands.
    assert receiver.wait_for(2, timeout=WAIT)
    sent = [
        (body["event"], body["state"]) for body in receiver.bodies() if body["run_id"] == run_id
    ]
    assert sent == [("bolt.run.started", "RUNNING"), ("bolt.run.completed", "SUCCESS")]
    [completed] = [body for body in receiver.bodies() if body["event"] == "bolt.run.completed"]
    assert [command["command"] for command in completed["commands"]] == [
        "git clone ...",
        "dbt deps",
        "dbt build",
    ]
    assert "target/run_results.json" in {
        resource["path"] for resource in completed["commands"][2]["json_resources"]
    }


def test_a_failing_test_in_a_selection_gives_its_real_run_results_and_skips_the_rest(
    bolt: BoltClient,
) -> None:
    command = (
        "dbt build --select +assert_order_amount_at_least_min --vars '{min_order_amount: 100}'"
    )
    run_id = bolt.trigger_bolt_run("strict tests", commands=[command, "dbt seed"]).run_id
    status = wait(bolt, run_id)
    assert status.state == "ERROR"
    # The failed command skipped the one after it, as in Bolt.
    assert [(c.command, c.return_code) for c in status.commands] == [
        ("git clone ...", 0),
        ("dbt deps", 0),
        (command, 1),
    ]
    results = bolt.download_json_artifact(run_id, "target/run_results.json")
    statuses = {result["unique_id"]: result["status"] for result in results["results"]}
    assert statuses[FAILING_TEST] == "fail"
    # Only the selection ran: the test's parents and their own tests, not customers or the snapshot.
    assert "model.bolt_example.fct_orders" in statuses
    assert "model.bolt_example.customers" not in statuses
    assert "snapshot.bolt_example.orders_snapshot" not in statuses
    assert results["args"]["vars"] == {"min_order_amount": 100}


def test_a_branch_of_a_git_project_is_checked_out_and_a_missing_one_fails_the_clone(
    bolt: BoltClient,
) -> None:
    run_id = bolt.trigger_bolt_run(
        "daily build", commands=["dbt ls --resource-type model"], branch="feature"
    ).run_id
    status = wait(bolt, run_id)
    assert status.state == "SUCCESS"
    listed = by_command(status)["dbt ls --resource-type model"].stdout
    assert "bolt_example.marts.feature_only" in listed
    missing = bolt.trigger_bolt_run("daily build", branch="no-such-branch").run_id
    failed = wait(bolt, missing)
    assert failed.state == "ERROR"
    [clone] = failed.commands
    assert clone.command == "git clone ..."
    assert clone.return_code != 0
    assert "no-such-branch" in clone.stderr


def test_a_command_that_is_not_dbt_fails_with_a_message_and_the_run_goes_on_by_bolts_rules(
    bolt: BoltClient,
) -> None:
    run_id = bolt.trigger_bolt_run(
        "source freshness", commands=["python scripts/load.py", "dbt seed"]
    ).run_id
    status = wait(bolt, run_id)
    assert status.state == "ERROR"
    script = by_command(status)["python scripts/load.py"]
    assert script.return_code == 1
    assert "runs only dbt commands" in script.stderr
    assert "dbt seed" not in by_command(status)


def test_logs_stream_while_a_command_runs_and_two_workspaces_run_side_by_side(
    bolt: BoltClient, bolt_b: BoltClient, tmp_path: Path
) -> None:
    gate = Gate(tmp_path / "gate")
    held = bolt.trigger_bolt_run("daily build", commands=[gate.command]).run_id
    # The gated command has started, and its log lines are there while it is still running.
    command = None
    while command is None:
        progress = bolt.bolt_run_progress(held)
        command = next((c for c in progress.commands or [] if c.command == gate.command), None)
    lines = []
    for line in bolt.iter_command_logs(command.id, poll_interval=0.1):
        lines.append(line.line)
        if "Running with dbt=" in line.line:
            break
    assert bolt.bolt_command(command.id).end_dttm is None
    # Meanwhile: the other workspace runs (its own DuckDB file and folder); this workspace's
    # next run waits its turn (its DuckDB file takes one writer at a time).
    queued = bolt.trigger_bolt_run("source freshness", commands=["dbt seed"]).run_id
    other = bolt_b.trigger_bolt_run("daily build", commands=["dbt seed --select raw_orders"]).run_id
    assert wait(bolt_b, other).state == "SUCCESS"
    assert bolt.bolt_run_status(queued).state == "STARTING"
    gate.open()
    assert wait(bolt, held).state == "SUCCESS"
    assert wait(bolt, queued).state == "SUCCESS"
    mine = bolt.download_json_artifact(queued, "target/run_results.json")
    theirs = bolt_b.download_json_artifact(other, "target/run_results.json")
    assert {r["unique_id"] for r in mine["results"]} == {
        "seed.bolt_example.raw_customers",
        "seed.bolt_example.raw_orders",
        "seed.bolt_example.raw_payments",
    }
    assert {r["unique_id"] for r in theirs["results"]} == {"seed.bolt_example.raw_orders"}


def test_a_cancel_mid_command_ends_the_run_canceled_with_no_dbt_process_left(
    server: EmulatorServer, bolt: BoltClient, tmp_path: Path
) -> None:
    before = forks(server)
    gate = Gate(tmp_path / "gate")
    run_id = bolt.trigger_bolt_run("daily build", commands=[gate.command]).run_id
    command = None
    while command is None or "Running with dbt=" not in command.stdout:
        status = bolt.bolt_run_status(run_id)
        command = next((c for c in status.commands or [] if c.command == gate.command), None)
    assert forks(server) - before  # the dbt process of the gated command
    bolt.cancel_bolt_run(run_id)
    status = bolt.bolt_run_status(run_id)
    assert status.state == "CANCELED"
    cancelled = by_command(status)[gate.command]
    assert cancelled.return_code not in (None, 0)
    assert "Running with dbt=" in cancelled.stdout  # what it wrote is kept
    assert "cancelled through the Bolt API" in cancelled.stderr
    assert forks(server) == before


def test_stopping_the_emulator_cancels_its_runs_and_leaves_no_child_process(
    server: EmulatorServer, bolt: BoltClient, receiver: CaptureReceiver, tmp_path: Path
) -> None:
    gate = Gate(tmp_path / "gate")
    run_id = bolt.trigger_bolt_run("daily build", commands=[gate.command]).run_id
    command = None
    while command is None:
        progress = bolt.bolt_run_progress(run_id)
        command = next((c for c in progress.commands or [] if c.command == gate.command), None)
    server.stop()
    assert forks(server) == set()
    ended = [
        body["state"]
        for body in receiver.bodies()
        if body["run_id"] == run_id and body["event"] == "bolt.run.completed"
    ]
    assert ended == ["CANCELED"]


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("not-a-project", "not a dbt project (no dbt_project.yml in it)"),
        ("missing-adapter", "uses the 'snowflake' adapter, which is not installed"),
        ("broken", "dbt parse failed"),
    ],
)
def test_a_project_that_cannot_be_served_exits_2_with_a_clear_error(
    tmp_path: Path, setup: str, expected: str
) -> None:
    project = tmp_path / "project"
    args = ["--dbt-project", str(project)]
    if setup == "not-a-project":
        project.mkdir()
    else:
        shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("target", "logs"))
    if setup == "missing-adapter":
        (tmp_path / "profiles.yml").write_text(
            "bolt_example:\n  target: prod\n  outputs:\n    prod:\n      type: snowflake\n"
        )
        args += ["--profiles-dir", str(tmp_path)]
    if setup == "broken":
        (project / "models" / "marts" / "broken.sql").write_text(
            "select * from {{ ref('no_such_model') }}\n"
        )
    done = subprocess.run(
        [sys.executable, "-m", "paradime_bolt_emulator", "--port", "0", *args],
        capture_output=True,
        text=True,
        timeout=WAIT,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert expected in done.stderr
    if setup == "broken":
        assert "no_such_model" in done.stderr  # dbt's own words


def test_without_dbt_installed_dbt_project_exits_2_naming_the_extra(tmp_path: Path) -> None:
    # dbt made unimportable in this process only, as if it were not installed.
    code = (
        "import sys; sys.modules['dbt'] = None; "
        "from paradime_bolt_emulator.cli import main; "
        f"sys.exit(main(['--port', '0', '--dbt-project', {str(EXAMPLE)!r}]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=WAIT, check=False
    )
    assert done.returncode == 2, done.stderr
    assert "pip install 'paradime-bolt-emulator[dbt]'" in done.stderr
