"""`paradime-bolt artifacts list|download`: the files a run's dbt commands produced."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import click

from ._errors import CliError, ExitCode
from ._options import json_option, run_id_argument
from ._state import session

if TYPE_CHECKING:
    from paradime_bolt import Artifact, BoltClient

__all__ = ["artifacts"]

STDOUT = "-"


@click.group("artifacts")
def artifacts() -> None:
    """List and download the artifacts of a run: run_results.json, manifest.json, ...

    \b
    Examples:
      paradime-bolt artifacts list 15509
      paradime-bolt artifacts download 15509 target/run_results.json -o run_results.json
    """


@artifacts.command("list")
@run_id_argument
@json_option
@click.pass_context
def list_artifacts(ctx: click.Context, run_id: int, as_json: bool) -> None:
    """List every artifact of a run, with the command that wrote it.

    For each path, "default" marks the copy `artifacts download` takes unless --command-id
    says otherwise: that of the latest dbt command that wrote it, whatever its return code.

    \b
    Example:
      paradime-bolt artifacts list 15509 --json | jq -r '.artifacts[].path'
    """
    from paradime_bolt import default_artifacts

    with session(ctx, json_mode=as_json) as (out, bolt):
        artifacts = bolt.list_artifacts(run_id)
    defaults = default_artifacts(artifacts)
    found: list[dict[str, Any]] = [
        {
            "path": artifact.path,
            "resource_id": artifact.resource_id,
            "command_id": artifact.command_id,
            "command": artifact.command,
            "return_code": artifact.return_code,
            "default": defaults.get(artifact.path) is artifact,
        }
        for artifact in artifacts
    ]
    if as_json:
        out.document({"run_id": run_id, "artifacts": found})
        return
    if not found:
        out.note(f"run {run_id} has no artifacts")
        return
    out.table(
        ["path", "command", "return code", "command id", "resource id", "default"],
        [
            [
                item["path"],
                item["command"],
                "" if item["return_code"] is None else str(item["return_code"]),
                str(item["command_id"]),
                str(item["resource_id"]),
                "yes" if item["default"] else "",
            ]
            for item in found
        ],
        right=(2, 3, 4),
        whole=(2, 3, 4),  # on a narrow terminal the path and the command wrap, the rest stays
    )


@artifacts.command("download")
@run_id_argument
@click.argument("path")
@click.option(
    "-o",
    "--output",
    "dest",
    metavar="DEST",
    help="Where to write it: a file, an existing directory, or - for stdout. "
    "Default: the artifact's file name, in the current directory.",
)
@click.option(
    "--command-id",
    type=click.IntRange(min=1),
    metavar="ID",
    help="Take the file from this command of the run (`artifacts list` shows the ids).",
)
@json_option
@click.pass_context
def download(
    ctx: click.Context,
    run_id: int,
    path: str,
    dest: str | None,
    command_id: int | None,
    as_json: bool,
) -> None:
    """Download the artifact at PATH (such as target/run_results.json) of a run.

    The file is the one the run's latest dbt command that wrote PATH left, whatever its return
    code: for a run that failed in `dbt test`, that `dbt test`'s run_results.json. --command-id
    takes it from another command. It is written whole or not at all.

    \b
    Examples:
      paradime-bolt artifacts download 15509 target/run_results.json
      paradime-bolt artifacts download 15509 target/manifest.json -o build/
      paradime-bolt artifacts download 15509 target/run_results.json -o - | jq .results
      paradime-bolt artifacts download 15509 target/run_results.json --command-id 59011
    """
    if dest == STDOUT and as_json:
        raise click.UsageError("-o - writes the file to stdout; it cannot be used with --json")
    name = PurePosixPath(path).name or "artifact"
    with session(ctx, json_mode=as_json) as (out, bolt):
        artifact = (
            bolt.find_artifact(run_id, path)
            if command_id is None
            else _artifact_of_command(bolt, run_id, command_id, path)
        )
        if dest == STDOUT:
            with tempfile.TemporaryDirectory(prefix="paradime-bolt-") as scratch:
                written = bolt.download_resource(artifact.resource_id, Path(scratch) / name)
                sys.stdout.flush()
                with written.open("rb") as source:
                    shutil.copyfileobj(source, sys.stdout.buffer)
                sys.stdout.buffer.flush()
            out.note(f"wrote {path} of run {run_id} (from `{artifact.command}`) to stdout")
            return
        target = Path(dest) if dest else Path(name)
        if os.path.isdir(target):  # never raises, unlike Path.is_dir()
            target = target / name
        written = bolt.download_resource(artifact.resource_id, target)
    size = written.stat().st_size
    if as_json:
        out.document(
            {
                "run_id": run_id,
                "path": path,
                "dest": str(written),
                "bytes": size,
                "resource_id": artifact.resource_id,
                "command_id": artifact.command_id,
                "command": artifact.command,
                "return_code": artifact.return_code,
            }
        )
        return
    out.line(str(written))
    out.note(
        f"downloaded {path} of run {run_id} ({size} bytes, from `{artifact.command}`) to {written}"
    )


def _artifact_of_command(bolt: BoltClient, run_id: int, command_id: int, path: str) -> Artifact:
    """The artifact at `path` of the command the user named, which must be one of the run's."""
    progress = bolt.bolt_run_progress(run_id)
    command = next((c for c in progress.commands or [] if c.id == command_id), None)
    if command is None:
        raise CliError(
            f"run {run_id} has no command {command_id}",
            ExitCode.API,
            hint=f"`paradime-bolt artifacts list {run_id}` shows its commands and artifacts",
        )
    for artifact in bolt.command_artifacts(command):
        if artifact.path == path:
            return artifact
    raise CliError(
        f"command {command_id} of run {run_id} has no artifact at {path!r}", ExitCode.API
    )
