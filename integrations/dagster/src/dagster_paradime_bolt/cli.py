"""`dagster-paradime-bolt fetch-manifest`: save a schedule's manifest.json into your repository.

Run it yourself (or in CI) when the dbt project changes; definitions then read the file, so
loading them never starts a Bolt run or calls the API.

    dagster-paradime-bolt fetch-manifest --schedule-name "daily run" --out dbt/manifest.json
    python -m dagster_paradime_bolt fetch-manifest --schedule-name "daily run" --out ...

Credentials come from the client's environment variables (PARADIME_API_ENDPOINT,
PARADIME_API_SECRET, PARADIME_WORKSPACE_UID, PARADIME_API_KEY). Exit codes: 0 written, 1 no
successful run or no manifest, 2 usage, 4 configuration or authentication, 5 API error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from paradime_bolt import (
    ArtifactNotFoundError,
    AuthenticationError,
    BoltClient,
    BoltError,
    ConfigurationError,
    NotFoundError,
    RunState,
)

from ._errors import ManifestError
from ._manifest import load_project

__all__ = ["fetch_manifest", "main"]

MANIFEST = "target/manifest.json"
_PAGE = 50


class _NothingToFetch(Exception):
    """No run to take a manifest from (exit 1)."""


def _latest_successful_run(client: BoltClient, schedule_name: str) -> int:
    offset = 0
    while True:
        page = client.list_bolt_runs(schedule_name, offset=offset, limit=_PAGE)
        runs = page.runs or []
        for run in sorted(runs, key=lambda r: r.id, reverse=True):
            if run.run_state is RunState.SUCCESS:
                return run.id
        if len(runs) < _PAGE:
            raise _NothingToFetch(f"schedule {schedule_name!r} has no successful run yet")
        offset += len(runs)


def fetch_manifest(
    client: BoltClient, out: Path, *, schedule_name: str | None = None, run_id: int | None = None
) -> tuple[int, Path]:
    """Downloads the manifest of `run_id`, or of the schedule's latest successful run, to `out`
    (written whole or not at all) and checks it describes a dbt project. Returns the run id and
    the path written."""
    if run_id is None:
        if schedule_name is None:
            raise ValueError("give schedule_name or run_id")
        run_id = _latest_successful_run(client, schedule_name)
    try:
        artifact = client.find_artifact(run_id, MANIFEST)
    except ArtifactNotFoundError:
        raise _NothingToFetch(f"run {run_id} produced no {MANIFEST}") from None
    written = client.download_resource(artifact.resource_id, out)
    load_project(written)
    return run_id, written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="dagster-paradime-bolt",
        description="Tools for dagster-paradime-bolt.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    fetch = commands.add_parser(
        "fetch-manifest",
        help="save the manifest.json of a schedule's latest successful run",
        description="Save the target/manifest.json of a Bolt schedule's latest successful run "
        "(or of --run-id) to --out, for build_bolt_assets(manifest=...).",
    )
    which = fetch.add_mutually_exclusive_group(required=True)
    which.add_argument("--schedule-name", help="the Bolt schedule")
    which.add_argument("--run-id", type=int, help="take the manifest of this run instead")
    fetch.add_argument("--out", required=True, type=Path, help="the file to write")
    args = parser.parse_args(argv)

    try:
        with BoltClient() as client:
            run_id, written = fetch_manifest(
                client, args.out, schedule_name=args.schedule_name, run_id=args.run_id
            )
    except (_NothingToFetch, NotFoundError, ManifestError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (ConfigurationError, AuthenticationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 4
    except BoltError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 5
    project = load_project(written)
    print(
        f"wrote {written}: the manifest of Bolt run {run_id} "
        f"({len(project.nodes)} assets, {len(project.tests)} checks)"
    )
    return 0
