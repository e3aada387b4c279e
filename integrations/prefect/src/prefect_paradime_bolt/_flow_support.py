"""What the async flow and its sync twin share: the checks before a run is triggered, what the
flow passes the wait, when a failed run is retried, and what a finished run leaves in Prefect."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from prefect.assets import Asset, AssetProperties, add_asset_metadata
from prefect.cache_policies import NO_CACHE
from prefect.logging import get_run_logger
from prefect.tasks import MaterializingTask

from paradime_bolt import (
    Artifact,
    BoltError,
    InvalidArgumentError,
    RunFailedError,
    RunState,
    check_wait_arguments,
)
from paradime_bolt.models import RunStatus

from ._results import BoltRunSummary, NodeOutcome, artifact_key, node_outcomes, run_markdown

__all__ = [
    "FLOW_NAME",
    "DbtNodeFailedError",
    "FlowWait",
    "asset_sources",
    "check_attempts",
    "markdown_artifact",
    "materialize",
    "no_assets",
    "outcomes",
    "raise_unless_retried",
    "waiting",
]

RUN_RESULTS = "target/run_results.json"
MANIFEST = "target/manifest.json"
FLOW_NAME = "Trigger Bolt run and wait for completion"


class DbtNodeFailedError(Exception):
    """A dbt model, seed or snapshot that the Bolt run failed to build: its asset's
    materialization fails with this."""


def check_attempts(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidArgumentError(
            f"retry_from_failure_attempts must be a whole number, 0 or more, not {value!r}"
        )
    return value


class FlowWait(TypedDict):
    """`wait_for_bolt_run`'s keyword arguments as `waiting` gives them (typed, so mypy checks
    them against the task where they are spread)."""

    timeout: float | None
    poll_interval: float
    max_poll_interval: float
    outage_tolerance: float
    raise_on_failure: bool
    cancel_on_interrupt: bool


def waiting(
    timeout: float | None, poll_interval: float, max_poll_interval: float, outage_tolerance: float
) -> FlowWait:
    """What the flow passes `wait_for_bolt_run`: a failed run comes back, to be retried, and the
    flow guards the run against interrupts itself (the wait and the publishing). Checked by the
    client's rule here, before any run is triggered."""
    check_wait_arguments(
        timeout=timeout,
        poll_interval=poll_interval,
        max_poll_interval=max_poll_interval,
        outage_tolerance=outage_tolerance,
    )
    return {
        "timeout": timeout,
        "poll_interval": poll_interval,
        "max_poll_interval": max_poll_interval,
        "outage_tolerance": outage_tolerance,
        "raise_on_failure": False,
        "cancel_on_interrupt": False,
    }


def raise_unless_retried(run_id: int, status: RunStatus, run_ids: list[int], attempts: int) -> None:
    """Returns when the failed run is to be retried from its failure; else raises its error."""
    error = RunFailedError.from_status(run_id, status)
    if status.run_state is RunState.CANCELED or len(run_ids) > attempts:
        get_run_logger().error("%s", error)
        raise error
    get_run_logger().warning(
        "%s\nRetrying it from its failure (%s of %s)", error, len(run_ids), attempts
    )


# -- what a finished run leaves in Prefect ----------------------------------------------------


def _materialize_node(outcome: NodeOutcome, run_id: int, url: str) -> str:
    if outcome.failed:
        raise DbtNodeFailedError(
            f"{outcome.resource_type} {outcome.name} ended {outcome.status} in Bolt run "
            f"{run_id}: {outcome.message or 'no message'}"
        )
    add_asset_metadata(
        outcome.key,
        {
            "unique_id": outcome.unique_id,
            "status": outcome.status,
            "execution_time": outcome.execution_time,
            "bolt_run_id": run_id,
            "bolt_run_url": url,
        },
    )
    return outcome.key


def materialize(outcomes: Sequence[NodeOutcome], run_id: int, url: str) -> None:
    """One materializing task per built or failed node: succeeded, or failed with the error."""
    for outcome in outcomes:
        if not (outcome.succeeded or outcome.failed):
            continue
        asset = Asset(
            key=outcome.key,
            properties=AssetProperties(name=outcome.name, description=outcome.description or None),
        )
        materializing = MaterializingTask(
            fn=_materialize_node,
            assets=[asset],
            materialized_by="dbt",
            asset_deps=list(outcome.upstream) or None,
            name="materialize_dbt_node",
            task_run_name=f"Materialize {outcome.resource_type} {outcome.name}",
            cache_policy=NO_CACHE,
        )
        materializing(outcome, run_id, url, return_state=True)


def no_assets(run_id: int, error: BoltError) -> None:
    get_run_logger().warning("No assets for Bolt run %s: %s", run_id, error)


def markdown_artifact(summary: BoltRunSummary, schedule: str | None) -> dict[str, Any]:
    """The run's markdown artifact, as `create_markdown_artifact` takes it."""
    run_id = summary["run_id"]
    return {
        "markdown": run_markdown(summary, schedule=schedule),
        "key": artifact_key(run_id),
        "description": f"Paradime Bolt run {run_id}",
    }


def asset_sources(artifacts: Sequence[Artifact]) -> list[Artifact]:
    """The artifacts the assets are read from: every run_results.json the run wrote, then its
    latest manifest.json (when it wrote one)."""
    manifests = [a for a in artifacts if a.path == MANIFEST]
    return [a for a in artifacts if a.path == RUN_RESULTS] + manifests[-1:]


def outcomes(sources: Sequence[Artifact], documents: Sequence[Any]) -> list[NodeOutcome]:
    """The nodes' outcomes from the documents of `asset_sources`."""
    read = list(zip(sources, documents, strict=True))
    results: list[Mapping[str, Any]] = [d for a, d in read if a.path == RUN_RESULTS]
    manifest: Mapping[str, Any] = next((d for a, d in read if a.path == MANIFEST), {})
    return node_outcomes(results, manifest)
