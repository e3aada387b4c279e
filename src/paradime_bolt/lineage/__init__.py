"""OpenLineage events for a Bolt run: its dbt models, seeds, snapshots and tests, with the run
itself as their parent job, built by OpenLineage's own dbt artifact processor.

    from paradime_bolt import BoltClient
    from paradime_bolt.lineage import build_run_lineage, emit_events

    with BoltClient() as bolt:
        lineage = build_run_lineage(bolt, run_id, namespace="snowflake://xy12345.eu-west-1")
    emit_events(lineage.events)          # OPENLINEAGE_URL, openlineage.yml, ...
    for warning in lineage.warnings:     # what could not be built (a missing manifest, ...)
        print(warning)

Needs OpenLineage: `pip install 'paradime-bolt[openlineage]'`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

try:
    import jinja2  # noqa: F401  (the processor imports it without declaring it)
    import openlineage.client
    import openlineage.common.provider.dbt  # noqa: F401
except ImportError as exc:  # pragma: no cover - tested in a subprocess without OpenLineage
    raise ImportError(
        "paradime_bolt.lineage needs OpenLineage: pip install 'paradime-bolt[openlineage]' "
        f"(missing: {exc.name or exc})",
        name=exc.name,
    ) from exc

from ._build import (
    DEFAULT_JOB_NAMESPACE,
    PRODUCER,
    CommandArtifacts,
    ParentJob,
    RunArtifacts,
    RunLineage,
    lineage_from_artifacts,
)
from ._emit import EmitReport, emit_events
from ._fetch import afetch_run_artifacts, fetch_run_artifacts
from ._profiles import DbtProfile, load_profile

if TYPE_CHECKING:
    from paradime_bolt import AsyncBoltClient, BoltClient

__all__ = [
    "DEFAULT_JOB_NAMESPACE",
    "PRODUCER",
    "CommandArtifacts",
    "DbtProfile",
    "EmitReport",
    "ParentJob",
    "RunArtifacts",
    "RunLineage",
    "abuild_run_lineage",
    "afetch_run_artifacts",
    "build_run_lineage",
    "emit_events",
    "fetch_run_artifacts",
    "lineage_from_artifacts",
    "load_profile",
]


def build_run_lineage(
    bolt: BoltClient,
    run_id: int,
    *,
    namespace: str | None = None,
    profile: DbtProfile | None = None,
    job_namespace: str | None = None,
    job_name: str | None = None,
    parent: ParentJob | None = None,
) -> RunLineage:
    """Downloads run `run_id`'s artifacts and builds its events (`lineage_from_artifacts` says
    what each argument does). Bolt API errors are the client's; the rest are `warnings`."""
    return lineage_from_artifacts(
        fetch_run_artifacts(bolt, run_id),
        namespace=namespace,
        profile=profile,
        job_namespace=job_namespace,
        job_name=job_name,
        parent=parent,
    )


async def abuild_run_lineage(
    bolt: AsyncBoltClient,
    run_id: int,
    *,
    namespace: str | None = None,
    profile: DbtProfile | None = None,
    job_namespace: str | None = None,
    job_name: str | None = None,
    parent: ParentJob | None = None,
) -> RunLineage:
    """`build_run_lineage` for `AsyncBoltClient`."""
    return lineage_from_artifacts(
        await afetch_run_artifacts(bolt, run_id),
        namespace=namespace,
        profile=profile,
        job_namespace=job_namespace,
        job_name=job_name,
        parent=parent,
    )
