"""A Bolt run's OpenLineage events, from the artifacts its dbt commands left.

The Bolt run is a job of its own (START, then COMPLETE, FAIL or ABORT) and the parent of every
model, seed, snapshot and test event that OpenLineage's dbt processor builds from each command's
artifacts. What cannot be built is skipped and said in `warnings`; nothing here raises for it.
"""

from __future__ import annotations

import json
import logging
import os
import shlex
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from enum import Enum
from typing import Any

import attr
from openlineage.client.event_v2 import Job, Run, RunEvent, RunState
from openlineage.client.facet_v2 import RunFacet, job_type_job, parent_run
from openlineage.client.serde import Serde
from openlineage.common.provider.dbt.facets import ParentRunMetadata
from openlineage.common.provider.dbt.processor import DbtArtifactProcessor

from paradime_bolt import InvalidArgumentError, __version__
from paradime_bolt import RunState as BoltRunState

from ._processor import BoltArtifactProcessor, adapter_of_namespace, event_list
from ._profiles import DbtProfile

__all__ = [
    "ARTIFACT_PATHS",
    "DEFAULT_JOB_NAMESPACE",
    "PRODUCER",
    "CommandArtifacts",
    "ParentJob",
    "RunArtifacts",
    "RunLineage",
    "dbt_subcommand",
    "lineage_from_artifacts",
]

logger = logging.getLogger("paradime_bolt.lineage")

DEFAULT_JOB_NAMESPACE = "paradime-bolt"
"""The job namespace when neither `job_namespace=` nor OPENLINEAGE_NAMESPACE gives one."""

PRODUCER = f"https://pypi.org/project/paradime-bolt/{__version__}/"
MANIFEST = "target/manifest.json"
RUN_RESULTS = "target/run_results.json"
CATALOG = "target/catalog.json"
ARTIFACT_PATHS = (MANIFEST, RUN_RESULTS, CATALOG)
# The dbt commands whose run_results.json the processor turns into events.
LINEAGE_SUBCOMMANDS = frozenset({"run", "build", "test", "seed", "snapshot"})
# The artifact schema versions openlineage-integration-common 1.54's processor accepts.
_KNOWN = {MANIFEST: range(2, 13), RUN_RESULTS: range(2, 7)}


def dbt_subcommand(command: str) -> str | None:
    """`build` for `dbt build --select x`; None for what is not a dbt command."""
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    if len(words) < 2 or words[0] != "dbt":
        return None
    rest = [word for word in words[1:] if not word.startswith("-")]
    return rest[0] if rest else None


@dataclass(frozen=True)
class ParentJob:
    """The run above the Bolt run (an Airflow task), as OpenLineage's parent facet names it;
    `root_*` is the top of that hierarchy (the DAG run) when known."""

    namespace: str
    name: str
    run_id: str
    root_namespace: str | None = None
    root_name: str | None = None
    root_run_id: str | None = None

    def facet(self) -> parent_run.ParentRunFacet:
        root = None
        if self.root_namespace and self.root_name and self.root_run_id:
            root = parent_run.Root(
                run=parent_run.RootRun(runId=self.root_run_id),
                job=parent_run.RootJob(namespace=self.root_namespace, name=self.root_name),
            )
        return parent_run.ParentRunFacet(
            run=parent_run.Run(runId=self.run_id),
            job=parent_run.Job(namespace=self.namespace, name=self.name),
            root=root,
        )


@dataclass(frozen=True)
class CommandArtifacts:
    """One command of a run and the dbt artifacts it left (None: it left none)."""

    command_id: int
    command: str
    return_code: int | None = None
    manifest: dict[str, Any] | None = None
    run_results: dict[str, Any] | None = None
    catalog: dict[str, Any] | None = None

    @property
    def label(self) -> str:
        return f"command {self.command_id} ({self.command})"


@dataclass(frozen=True)
class RunArtifacts:
    """What lineage needs of a Bolt run: its state, times, and each dbt command's artifacts."""

    run_id: int
    state: str | None
    commands: Sequence[CommandArtifacts]
    started_at: datetime | None = None
    ended_at: datetime | None = None
    warnings: Sequence[str] = ()

    @property
    def catalog(self) -> dict[str, Any] | None:
        """The latest catalog.json of the run (`dbt docs generate` usually runs last)."""
        for command in reversed(self.commands):
            if command.catalog is not None:
                return command.catalog
        return None


@dataclass
class RunLineage:
    """A run's OpenLineage events, in the order to send them, and what could not be built."""

    run_id: int
    run_uuid: str
    events: list[RunEvent]
    warnings: list[str] = field(default_factory=list)

    def json_lines(self) -> Iterator[str]:
        """Each event as one line of JSON, the very text OpenLineage's `Serde.to_json` writes,
        in one pass (a START and its COMPLETE share their datasets: each is converted once)."""
        memo: dict[int, Any] = {}
        for event in self.events:
            yield json.dumps(_plain(event, memo), sort_keys=True, default=_unserializable)


def _unserializable(value: object) -> str:
    return f"<<non-serializable: {type(value).__qualname__}>>"


def _plain(value: Any, memo: dict[int, Any]) -> Any:
    """`value` as `Serde.to_dict` has it: attrs classes as dicts, without None values, enums
    as their values, dates and UUIDs as strings; empty dicts dropped from lists."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if attr.has(type(value)):
        known = memo.get(id(value))
        if known is not None:
            return known
        converted = {}
        for attribute in attr.fields(type(value)):
            item = _plain(getattr(value, attribute.name), memo)
            if item is not None:
                converted[attribute.name] = item
        memo[id(value)] = converted
        return converted
    if isinstance(value, dict):
        found = {key: _plain(item, memo) for key, item in value.items()}
        return {key: item for key, item in found.items() if item is not None}
    if isinstance(value, (list, tuple)):
        items = [_plain(item, memo) for item in value if item is not None]
        return [item for item in items if item is not None and item != {}]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (date, uuid.UUID)):
        return value.isoformat() if isinstance(value, date) else str(value)
    return Serde.remove_nulls_and_enums(value)


def run_uuid(job_namespace: str, run_id: int) -> str:
    """The OpenLineage run id of a Bolt run: the same every time, so events sent twice match."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"paradime-bolt:{job_namespace}:run:{run_id}"))


def _iso(moment: datetime | None) -> str:
    return (moment or datetime.now(timezone.utc)).isoformat()


def _schema_version(document: dict[str, Any]) -> int | None:
    try:
        return int(DbtArtifactProcessor.get_schema_version(document))
    except Exception:  # noqa: BLE001 - no metadata, or a version string the processor cannot read
        return None


def _check_versions(command: CommandArtifacts, warnings: list[str]) -> bool:
    """False (said in `warnings`) when an artifact's schema is one the processor refuses."""
    for path, document in ((MANIFEST, command.manifest), (RUN_RESULTS, command.run_results)):
        assert document is not None
        version = _schema_version(document)
        known = _KNOWN[path]
        if version is None:
            warnings.append(f"{command.label}: {path} names no dbt schema version; skipped")
            return False
        if version < known.start:
            warnings.append(
                f"{command.label}: {path} schema v{version} is older than OpenLineage's dbt "
                f"processor reads (v{known.start}-v{known.stop - 1}); skipped"
            )
            return False
        if version >= known.stop:
            warnings.append(
                f"{command.label}: {path} schema v{version} is newer than OpenLineage's dbt "
                f"processor knows (v{known.start}-v{known.stop - 1}); its events may be incomplete"
            )
    return True


def lineage_from_artifacts(
    artifacts: RunArtifacts,
    *,
    namespace: str | None = None,
    profile: DbtProfile | None = None,
    job_namespace: str | None = None,
    job_name: str | None = None,
    parent: ParentJob | None = None,
) -> RunLineage:
    """The run's events from artifacts already downloaded (`fetch_run_artifacts`).

    The warehouse is `namespace` (a URI such as `snowflake://xy12345.eu-west-1`) or the
    `profile` (from `load_profile`) it is derived from, as OpenLineage's dbt integration does.
    Jobs go in `job_namespace` (default: OPENLINEAGE_NAMESPACE, else "paradime-bolt"); the Bolt
    run's job is `job_name` (default `bolt.run.<run id>`; the schedule's name is better)."""
    if (namespace is None) == (profile is None):
        raise InvalidArgumentError("lineage needs the warehouse: namespace= or profile=, not both")
    if namespace is not None and "://" not in namespace and namespace != "bigquery":
        raise InvalidArgumentError(
            f"namespace {namespace!r} is not a URI such as snowflake://ACCOUNT, "
            "postgres://HOST:PORT or duckdb:///path/file.duckdb"
        )
    job_namespace = (
        job_namespace or os.environ.get("OPENLINEAGE_NAMESPACE") or (DEFAULT_JOB_NAMESPACE)
    )
    job_name = job_name or f"bolt.run.{artifacts.run_id}"
    bolt_run = run_uuid(job_namespace, artifacts.run_id)
    warnings = list(artifacts.warnings)
    processor_profile = (
        profile.as_processor_profile()
        if profile is not None
        else {"name": "bolt", "type": adapter_of_namespace(namespace or "") or "", "details": {}}
    )
    root = parent or ParentJob(job_namespace, job_name, bolt_run)
    if parent is not None and parent.root_run_id:
        root = ParentJob(parent.root_namespace or "", parent.root_name or "", parent.root_run_id)
    metadata = ParentRunMetadata(
        run_id=bolt_run,
        job_name=job_name,
        job_namespace=job_namespace,
        root_parent_job_name=root.name,
        root_parent_job_namespace=root.namespace,
        root_parent_run_id=root.run_id,
    )

    job = Job(
        namespace=job_namespace,
        name=job_name,
        facets={
            "jobType": job_type_job.JobTypeJobFacet(
                jobType="JOB",
                integration="PARADIME_BOLT",
                processingType="BATCH",
                producer=PRODUCER,
            )
        },
    )
    run_facets: dict[str, RunFacet] = {"parent": parent.facet()} if parent else {}
    events = [
        RunEvent(
            eventType=RunState.START,
            eventTime=_iso(artifacts.started_at),
            run=Run(runId=bolt_run, facets=run_facets),
            job=job,
            producer=PRODUCER,
        )
    ]
    lineage_commands = [
        command
        for command in artifacts.commands
        if dbt_subcommand(command.command) in LINEAGE_SUBCOMMANDS
    ]
    if not any(command.manifest is not None for command in artifacts.commands):
        warnings.append(
            f"run {artifacts.run_id}: no dbt command left {MANIFEST} (did it fail before dbt "
            "ran, in git clone or dbt deps?); only the run's own events were built"
        )
    for command in lineage_commands:
        missing = [
            path
            for path, document in ((MANIFEST, command.manifest), (RUN_RESULTS, command.run_results))
            if document is None
        ]
        if missing:
            if command.manifest is not None or command.run_results is not None:
                warnings.append(
                    f"{command.label} left no {' or '.join(missing)}: its nodes have no events"
                )
            elif any(c.manifest is not None for c in artifacts.commands):
                warnings.append(f"{command.label} left no artifacts: its nodes have no events")
            continue
        if not _check_versions(command, warnings):
            continue
        assert command.manifest is not None
        assert command.run_results is not None
        processor = BoltArtifactProcessor(
            producer=PRODUCER,
            job_namespace=job_namespace,
            manifest=command.manifest,
            run_result=command.run_results,
            catalog=artifacts.catalog,
            profile=processor_profile,
            namespace=namespace,
            logger=logger,
        )
        processor.dbt_run_metadata = metadata
        try:
            events.extend(event_list(processor.parse()))
        except Exception as exc:  # noqa: BLE001 - the processor's own errors are plain exceptions
            cause = exc.__cause__ or exc
            warnings.append(
                f"{command.label}: OpenLineage's dbt processor could not read its artifacts "
                f"({type(cause).__name__}: {cause}); skipped"
            )

    ended = _end_state(artifacts.state)
    if ended is None:
        warnings.append(
            f"run {artifacts.run_id} is {artifacts.state or 'in an unknown state'}: "
            "no COMPLETE or FAIL event for it yet"
        )
    else:
        events.append(
            RunEvent(
                eventType=ended,
                eventTime=_iso(artifacts.ended_at),
                run=Run(runId=bolt_run, facets=run_facets),
                job=job,
                producer=PRODUCER,
            )
        )
    for warning in warnings:
        logger.warning("lineage: %s", warning)
    return RunLineage(artifacts.run_id, bolt_run, events, warnings)


def _end_state(state: str | None) -> RunState | None:
    bolt_state = BoltRunState.parse(state)
    if not bolt_state.is_terminal:
        return None
    if bolt_state is BoltRunState.SUCCESS:
        return RunState.COMPLETE
    if bolt_state in (BoltRunState.CANCELED, BoltRunState.SKIPPED):
        return RunState.ABORT
    return RunState.FAIL
