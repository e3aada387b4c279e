"""Downloads what lineage needs of a Bolt run, with either client (the two twins).

An artifact that cannot be read (not JSON, refused by the storage) becomes a warning; an API
that cannot be reached is the client's own error, as for any other call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from paradime_bolt import InvalidResponseError, StorageError

from ._build import (
    ARTIFACT_PATHS,
    CATALOG,
    LINEAGE_SUBCOMMANDS,
    CommandArtifacts,
    RunArtifacts,
    dbt_subcommand,
)

if TYPE_CHECKING:
    from paradime_bolt import AsyncBoltClient, BoltClient
    from paradime_bolt.models import RunProgress, RunProgressCommand

__all__ = ["afetch_run_artifacts", "fetch_run_artifacts"]


def _wanted(command: RunProgressCommand, paths: set[str]) -> list[str]:
    """The artifacts of `command` lineage reads: all three of a dbt run/build/test/seed/
    snapshot, the catalog of any other dbt command (`dbt docs generate`)."""
    subcommand = dbt_subcommand(command.command)
    if subcommand is None:
        return []
    if subcommand in LINEAGE_SUBCOMMANDS:
        return [path for path in ARTIFACT_PATHS if path in paths]
    return [CATALOG] if CATALOG in paths else []


def _reads(command: RunProgressCommand) -> bool:
    """Whether `command` may have left artifacts lineage reads (not `git clone`, `dbt deps`)."""
    subcommand = dbt_subcommand(command.command)
    return subcommand in LINEAGE_SUBCOMMANDS or subcommand == "docs"


def _command(command: RunProgressCommand, found: dict[str, Any]) -> CommandArtifacts:
    return CommandArtifacts(
        command_id=command.id,
        command=command.command,
        return_code=command.return_code,
        manifest=found.get("target/manifest.json"),
        run_results=found.get("target/run_results.json"),
        catalog=found.get(CATALOG),
    )


def _run(
    run_id: int, progress: RunProgress, commands: list[CommandArtifacts], warnings: list[str]
) -> RunArtifacts:
    ran = progress.commands or []
    starts = [c.start_datetime for c in ran if c.start_datetime is not None]
    ends = [c.end_datetime for c in ran if c.end_datetime is not None]
    return RunArtifacts(
        run_id=run_id,
        state=progress.state,
        commands=commands,
        started_at=min(starts) if starts else None,
        ended_at=max(ends) if ends else None,
        warnings=warnings,
    )


def _unreadable(command: RunProgressCommand, path: str, exc: Exception) -> str:
    return f"command {command.id} ({command.command}): {path} could not be read ({exc})"


def fetch_run_artifacts(bolt: BoltClient, run_id: int) -> RunArtifacts:
    """The run's state and each dbt command's manifest, run results and catalog."""
    progress = bolt.bolt_run_progress(run_id)
    commands: list[CommandArtifacts] = []
    warnings: list[str] = []
    for command in sorted(progress.commands or [], key=lambda c: c.id):
        if not _reads(command):
            continue
        paths = {artifact.path for artifact in bolt.command_artifacts(command)}
        found: dict[str, Any] = {}
        for path in _wanted(command, paths):
            try:
                found[path] = bolt.download_json_artifact(run_id, path, command_id=command.id)
            except (InvalidResponseError, StorageError) as exc:
                warnings.append(_unreadable(command, path, exc))
        commands.append(_command(command, found))
    return _run(run_id, progress, commands, warnings)


async def afetch_run_artifacts(bolt: AsyncBoltClient, run_id: int) -> RunArtifacts:
    """`fetch_run_artifacts` for `AsyncBoltClient`."""
    progress = await bolt.bolt_run_progress(run_id)
    commands: list[CommandArtifacts] = []
    warnings: list[str] = []
    for command in sorted(progress.commands or [], key=lambda c: c.id):
        if not _reads(command):
            continue
        paths = {artifact.path for artifact in await bolt.command_artifacts(command)}
        found: dict[str, Any] = {}
        for path in _wanted(command, paths):
            try:
                found[path] = await bolt.download_json_artifact(run_id, path, command_id=command.id)
            except (InvalidResponseError, StorageError) as exc:
                warnings.append(_unreadable(command, path, exc))
        commands.append(_command(command, found))
    return _run(run_id, progress, commands, warnings)
