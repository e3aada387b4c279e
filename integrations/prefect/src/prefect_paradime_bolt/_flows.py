"""The flow: trigger a Bolt run, wait for it, retry it from its failure, publish what it did.

Written twice like the tasks; `trigger_bolt_run_and_wait_for_completion` is the async flow
(what a deployment runs) and runs its sync twin when called from sync code."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from prefect import Flow
from prefect.artifacts import acreate_markdown_artifact, create_markdown_artifact
from prefect.assets import Asset, AssetProperties, add_asset_metadata
from prefect.cache_policies import NO_CACHE
from prefect.logging import get_run_logger
from prefect.tasks import MaterializingTask

from paradime_bolt import (
    DEFAULT_OUTAGE_TOLERANCE,
    Artifact,
    AsyncBoltClient,
    BoltClient,
    BoltError,
    InvalidArgumentError,
    RunFailedError,
    RunState,
    check_wait_arguments,
)
from paradime_bolt.models import RunStatus

from ._credentials import BoltCredentials
from ._dispatch import BoltFlow
from ._results import (
    BoltRunSummary,
    NodeOutcome,
    artifact_key,
    node_outcomes,
    run_markdown,
    summarize,
)
from ._task_support import DEFAULT_TIMEOUT
from ._tasks import retry_bolt_run, trigger_bolt_run, wait_for_bolt_run

__all__ = ["DbtNodeFailedError", "trigger_bolt_run_and_wait_for_completion"]

RUN_RESULTS = "target/run_results.json"
MANIFEST = "target/manifest.json"
FLOW_NAME = "Trigger Bolt run and wait for completion"


class DbtNodeFailedError(Exception):
    """A dbt model, seed or snapshot that the Bolt run failed to build: its asset's
    materialization fails with this."""


def _check_attempts(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidArgumentError(
            f"retry_from_failure_attempts must be a whole number, 0 or more, not {value!r}"
        )
    return value


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


def _materialize(outcomes: Sequence[NodeOutcome], run_id: int, url: str) -> None:
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


def _no_assets(run_id: int, error: BoltError) -> None:
    get_run_logger().warning("No assets for Bolt run %s: %s", run_id, error)


def _markdown_artifact(summary: BoltRunSummary, schedule: str | None) -> dict[str, Any]:
    """The run's markdown artifact, as `create_markdown_artifact` takes it."""
    run_id = summary["run_id"]
    return {
        "markdown": run_markdown(summary, schedule=schedule),
        "key": artifact_key(run_id),
        "description": f"Paradime Bolt run {run_id}",
    }


def _asset_sources(artifacts: Sequence[Artifact]) -> list[Artifact]:
    """The artifacts the assets are read from: every run_results.json the run wrote, then its
    latest manifest.json (when it wrote one)."""
    manifests = [a for a in artifacts if a.path == MANIFEST]
    return [a for a in artifacts if a.path == RUN_RESULTS] + manifests[-1:]


def _outcomes(sources: Sequence[Artifact], documents: Sequence[Any]) -> list[NodeOutcome]:
    """The nodes' outcomes from the documents of `_asset_sources`."""
    read = list(zip(sources, documents, strict=True))
    results: list[Mapping[str, Any]] = [d for a, d in read if a.path == RUN_RESULTS]
    manifest: Mapping[str, Any] = next((d for a, d in read if a.path == MANIFEST), {})
    return node_outcomes(results, manifest)


async def _apublish(
    bolt: AsyncBoltClient,
    summary: BoltRunSummary,
    schedule: str | None,
    create_assets: bool,
) -> None:
    await acreate_markdown_artifact(**_markdown_artifact(summary, schedule))
    if not create_assets:
        return
    run_id = summary["run_id"]
    try:
        sources = _asset_sources(await bolt.list_artifacts(run_id))
        documents = [
            await bolt.download_json_artifact(run_id, a.path, command_id=a.command_id)
            for a in sources
        ]
    except BoltError as exc:
        _no_assets(run_id, exc)
        return
    _materialize(_outcomes(sources, documents), run_id, summary["url"])


def _publish(
    bolt: BoltClient,
    summary: BoltRunSummary,
    schedule: str | None,
    create_assets: bool,
) -> None:
    create_markdown_artifact(**_markdown_artifact(summary, schedule))
    if not create_assets:
        return
    run_id = summary["run_id"]
    try:
        sources = _asset_sources(bolt.list_artifacts(run_id))
        documents = [
            bolt.download_json_artifact(run_id, a.path, command_id=a.command_id) for a in sources
        ]
    except BoltError as exc:
        _no_assets(run_id, exc)
        return
    _materialize(_outcomes(sources, documents), run_id, summary["url"])


def _waiting(
    timeout: float | None, poll_interval: float, max_poll_interval: float, outage_tolerance: float
) -> dict[str, Any]:
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


def _raise_unless_retried(
    run_id: int, status: RunStatus, run_ids: list[int], attempts: int
) -> None:
    """Returns when the failed run is to be retried from its failure; else raises its error."""
    error = RunFailedError.from_status(run_id, status)
    if status.run_state is RunState.CANCELED or len(run_ids) > attempts:
        get_run_logger().error("%s", error)
        raise error
    get_run_logger().warning(
        "%s\nRetrying it from its failure (%s of %s)", error, len(run_ids), attempts
    )


# -- the flow ---------------------------------------------------------------------------------


async def trigger_bolt_run_and_wait_for_completion(
    credentials: BoltCredentials,
    schedule_name: str | None = None,
    *,
    slug: str | None = None,
    commands: list[str] | None = None,
    branch: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    poll_interval: float = 1.0,
    max_poll_interval: float = 10.0,
    outage_tolerance: float = DEFAULT_OUTAGE_TOLERANCE,
    retry_from_failure_attempts: int = 0,
    create_assets: bool = False,
) -> BoltRunSummary:
    """Runs a Bolt schedule (by name or slug) and waits for the run to end.

    A failed run raises `RunFailedError` with the failing command, its return code and log
    tail, after being re-run from its failure up to `retry_from_failure_attempts` times (that
    run, never another of the schedule). A run still going after `timeout` seconds is cancelled;
    so is the run when the flow run is cancelled, crashes or times out. API outages of up to
    `outage_tolerance` seconds in a row do not end the wait. Each run leaves a markdown
    artifact; with `create_assets`, each model, seed and snapshot it built is a Prefect asset
    materialization (failed ones fail theirs)."""
    attempts = _check_attempts(retry_from_failure_attempts)
    schedule = schedule_name if schedule_name is not None else slug
    waiting = _waiting(timeout, poll_interval, max_poll_interval, outage_tolerance)
    run_id: int = await trigger_bolt_run.aio(
        credentials, schedule_name, slug=slug, commands=commands, branch=branch
    )
    run_ids = [run_id]
    async with credentials.get_async_client() as bolt:
        while True:
            async with bolt.cancel_on_interrupt(run_id):
                status: RunStatus = await wait_for_bolt_run.aio(credentials, run_id, **waiting)
            summary = summarize(run_id, status, credentials.run_url(run_id), run_ids)
            await _apublish(bolt, summary, schedule, create_assets)
            if not status.run_state.is_failure:
                return summary
            _raise_unless_retried(run_id, status, run_ids, attempts)
            run_id = await retry_bolt_run.aio(credentials, run_id)
            run_ids.append(run_id)


def _trigger_bolt_run_and_wait_for_completion(
    credentials: BoltCredentials,
    schedule_name: str | None = None,
    *,
    slug: str | None = None,
    commands: list[str] | None = None,
    branch: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    poll_interval: float = 1.0,
    max_poll_interval: float = 10.0,
    outage_tolerance: float = DEFAULT_OUTAGE_TOLERANCE,
    retry_from_failure_attempts: int = 0,
    create_assets: bool = False,
) -> BoltRunSummary:
    """Runs a Bolt schedule (by name or slug) and waits for the run to end (the sync twin)."""
    attempts = _check_attempts(retry_from_failure_attempts)
    schedule = schedule_name if schedule_name is not None else slug
    waiting = _waiting(timeout, poll_interval, max_poll_interval, outage_tolerance)
    run_id: int = trigger_bolt_run.sync(
        credentials, schedule_name, slug=slug, commands=commands, branch=branch
    )
    run_ids = [run_id]
    with credentials.get_client() as bolt:
        while True:
            with bolt.cancel_on_interrupt(run_id):
                status: RunStatus = wait_for_bolt_run.sync(credentials, run_id, **waiting)
            summary = summarize(run_id, status, credentials.run_url(run_id), run_ids)
            _publish(bolt, summary, schedule, create_assets)
            if not status.run_state.is_failure:
                return summary
            _raise_unless_retried(run_id, status, run_ids, attempts)
            run_id = retry_bolt_run.sync(credentials, run_id)
            run_ids.append(run_id)


# Each module name is its flow, so a deployment's entrypoint (module:function) loads it.
_trigger_bolt_run_and_wait_for_completion = Flow(
    _trigger_bolt_run_and_wait_for_completion, name=FLOW_NAME
)
trigger_bolt_run_and_wait_for_completion = BoltFlow(
    trigger_bolt_run_and_wait_for_completion, name=FLOW_NAME
)
trigger_bolt_run_and_wait_for_completion.sync = _trigger_bolt_run_and_wait_for_completion
