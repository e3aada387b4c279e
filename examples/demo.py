"""The paradime-bolt demo: a whole Bolt run, end to end, against the local emulator.

Starts the emulator as its own process, lists the schedules, triggers `daily run`, follows it
to the end, prints each command with its return code, downloads target/manifest.json and
target/run_results.json, summarises them, and stops the emulator. `make demo` runs it.

With `--dbt-project DIR` the emulator runs real dbt in that project (`make demo-dbt`: the example
project in examples/dbt_project, its `daily build` schedule).

It signs in the way Paradime recommends, with an account API key and a workspace uid;
`--credential workspace-token` or `--credential api-key` uses the other kinds instead.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from paradime_bolt import BoltClient, BoltError, RunState
from paradime_bolt.models import RunProgress
from paradime_bolt_emulator import EmulatorProcess

KEY, SECRET = "demo-key", "demo-secret"
WORKSPACE_TOKEN = "prdm_wsp_demo-workspace-token"
ACCOUNT_KEY = "prdm_cmp_demo-account-key"
WORKSPACE = "demo-workspace"
# What each --credential passes to the client: (api_key, api_secret, workspace_uid).
CREDENTIALS: dict[str, tuple[str | None, str, str | None]] = {
    "account-key": (None, ACCOUNT_KEY, WORKSPACE),
    "workspace-token": (None, WORKSPACE_TOKEN, None),
    "api-key": (KEY, SECRET, None),
}


@contextmanager
def emulator(*extra: str) -> Iterator[str]:
    """The emulator in its own process on a free port, accepting all three kinds of credential;
    yields its endpoint."""
    with EmulatorProcess(
        "--log-level", "warning", "--api-key", KEY, "--api-secret", SECRET,
        "--workspace-token", WORKSPACE_TOKEN, "--account-key", ACCOUNT_KEY,
        "--workspace", WORKSPACE, *extra,
    ) as process:  # fmt: skip
        print(f"emulator  {process.endpoint}  (pid {process.pid})")
        yield process.endpoint
    print(f"emulator  stopped (exit {process.exit_code})")


class Progress:
    """Prints the run's state and its current command whenever either changes."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.last: tuple[str | None, str | None] = (None, None)

    def __call__(self, progress: RunProgress) -> None:
        commands = progress.commands or []
        running = next((c.command for c in commands if c.end_dttm is None), None)
        current = running or (commands[-1].command if commands else None)
        seen = (progress.state, current)
        if seen != self.last:
            elapsed = time.monotonic() - self.start
            print(f"  {elapsed:6.2f}s  {progress.state:<9} {current or ''}")
            self.last = seen


def summarise(manifest: dict[str, Any], run_results: dict[str, Any]) -> None:
    nodes = Counter(node.get("resource_type", "?") for node in manifest.get("nodes", {}).values())
    statuses = Counter(result.get("status", "?") for result in run_results.get("results", []))
    version = manifest.get("metadata", {}).get("dbt_version", "?")
    print(
        f"manifest     dbt {version}; " + ", ".join(f"{n} {k}s" for k, n in sorted(nodes.items()))
    )
    print(
        f"run_results  {sum(statuses.values())} results in "
        f"{run_results.get('elapsed_time', 0):.2f}s: "
        + ", ".join(f"{n} {k}" for k, n in sorted(statuses.items()))
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=Path("demo-output"))
    parser.add_argument("--schedule", default=None, help="default: daily run (daily build)")
    parser.add_argument("--dbt-project", type=Path, help="run real dbt in this dbt project")
    parser.add_argument("--credential", choices=list(CREDENTIALS), default="account-key")
    args = parser.parse_args()
    extra = () if args.dbt_project is None else ("--dbt-project", str(args.dbt_project))
    schedule_name = args.schedule or ("daily run" if args.dbt_project is None else "daily build")

    api_key, api_secret, workspace_uid = CREDENTIALS[args.credential]
    with (
        emulator(*extra) as endpoint,
        BoltClient(
            endpoint=endpoint, api_key=api_key, api_secret=api_secret, workspace_uid=workspace_uid
        ) as bolt,
    ):
        workspace = bolt.config.workspace_uid
        print(
            f"signed in with the {bolt.config.credential.label} "
            f"({bolt.config.masked_secret})" + (f", workspace {workspace}" if workspace else "")
        )
        print("\nschedules")
        for schedule in bolt.iter_schedules(show_inactive=True):
            state = schedule.last_run_state or "never run"
            print(f"  {schedule.name:<24} {schedule.schedule:<14} {state:<10} {schedule.source}")

        print(f"\ntriggering {schedule_name!r}")
        run = bolt.trigger_and_wait(
            schedule_name,
            timeout=120 if args.dbt_project is None else 900,
            poll_interval=0.2,
            max_poll_interval=1.0,
            on_progress=Progress(),
        )
        print(f"\nrun {run.run_id} ended {run.run_state.value}")
        for command in run.commands:
            took = ""
            if command.start_datetime and command.end_datetime:
                took = f"{(command.end_datetime - command.start_datetime).total_seconds():.2f}s"
            print(f"  rc={command.return_code!s:<4} {took:>7}  {command.command}")
        if run.run_state is not RunState.SUCCESS:
            return 1

        folder = args.output / f"run-{run.run_id}"
        folder.mkdir(parents=True, exist_ok=True)
        print(f"\nartifacts -> {folder}/")
        for path in ("target/manifest.json", "target/run_results.json"):
            artifact = bolt.find_artifact(run.run_id, path)
            written = bolt.download_resource(artifact.resource_id, folder)
            print(f"  {written}  ({written.stat().st_size:,} bytes, from `{artifact.command}`)")
        print()
        summarise(
            bolt.download_json_artifact(run.run_id, "target/manifest.json"),
            bolt.download_json_artifact(run.run_id, "target/run_results.json"),
        )
    print("\ndemo finished")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BoltError as exc:
        print(f"demo failed: {exc}", file=sys.stderr)
        sys.exit(1)
