"""`paradime-bolt runs lineage`: build a run's OpenLineage events, then print or send them."""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING

import click

from ._errors import CliError, ExitCode
from ._state import session

if TYPE_CHECKING:
    from paradime_bolt.lineage import DbtProfile, RunArtifacts

__all__ = ["run_lineage"]

_INSTALL = "pip install 'paradime-bolt[openlineage]'"


def _profile(profile: tuple[str, str | None, str | None], artifacts: RunArtifacts) -> DbtProfile:
    from paradime_bolt import ConfigurationError
    from paradime_bolt.lineage import load_profile

    projects = [
        (command.manifest.get("metadata") or {}).get("project_name")
        for command in artifacts.commands
        if command.manifest
    ]
    profiles_dir, target, name = profile
    try:
        return load_profile(
            profiles_dir, target=target, profile=name, project_name=next(iter(projects), None)
        )
    except ConfigurationError as exc:
        raise CliError(str(exc), ExitCode.CONFIGURATION) from None


def _show_console_transport() -> None:
    """OpenLineage's console transport logs each event at INFO: show them on stderr."""
    console = logging.getLogger("openlineage.client.transport.console")
    if console.level in (logging.NOTSET,) or console.level > logging.INFO:
        console.setLevel(logging.INFO)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    console.addHandler(handler)


def run_lineage(
    ctx: click.Context,
    run_id: int,
    *,
    namespace: str | None,
    profile: tuple[str, str | None, str | None] | None,
    job_namespace: str | None,
    job_name: str | None,
    emit: bool,
    strict: bool,
) -> None:
    try:
        from paradime_bolt import lineage as ol
    except ImportError as exc:
        raise CliError(str(exc), ExitCode.CONFIGURATION, hint=_INSTALL) from None

    # The warnings are printed below, each once: not also through the library's logger.
    library = logging.getLogger("paradime_bolt.lineage")
    library.propagate = False
    library.addHandler(logging.NullHandler())
    with session(ctx) as (out, bolt):
        artifacts = ol.fetch_run_artifacts(bolt, run_id)
    built = ol.lineage_from_artifacts(
        artifacts,
        namespace=namespace,
        profile=_profile(profile, artifacts) if profile else None,
        job_namespace=job_namespace,
        job_name=job_name,
    )
    problems = list(built.warnings)
    for warning in built.warnings:
        out.note(f"warning: {warning}")
    if not emit:
        for line in built.json_lines():
            click.echo(out.redact(line))
    else:
        _show_console_transport()
        report = ol.emit_events(built.events)
        for error in report.errors:
            out.note(f"warning: {error}")
        problems += report.errors
        out.line(
            f"run {run_id}: {report.sent} of {len(built.events)} OpenLineage events sent"
            + (f", {report.failed} not sent" if report.failed else "")
        )
    if strict and problems:
        raise CliError(
            f"run {run_id}: lineage incomplete ({len(problems)} problem(s), above); --strict",
            ExitCode.API,
        )
