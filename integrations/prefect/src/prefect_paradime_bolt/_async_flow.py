"""The async flow: trigger a Bolt run, wait for it, retry it from its failure, publish what it
did.

The source of both twins: `scripts/unasync.py` writes the sync one, `_sync_flow.py`, from this
file (`await` dropped, the tasks' `.aio` twins called `.sync`, `@bolt_flow` Prefect's `@flow`);
`_flows.py` pairs them under one name."""

from __future__ import annotations

from prefect.artifacts import acreate_markdown_artifact

from paradime_bolt import DEFAULT_OUTAGE_TOLERANCE, AsyncBoltClient, BoltError
from paradime_bolt.models import RunStatus

from ._credentials import BoltCredentials
from ._dispatch import bolt_flow
from ._flow_support import (
    FLOW_NAME,
    asset_sources,
    check_attempts,
    markdown_artifact,
    materialize,
    no_assets,
    outcomes,
    raise_unless_retried,
    waiting,
)
from ._results import BoltRunSummary, summarize
from ._task_support import DEFAULT_TIMEOUT
from ._tasks import retry_bolt_run, trigger_bolt_run, wait_for_bolt_run

__all__ = ["publish", "trigger_bolt_run_and_wait_for_completion"]


async def publish(
    bolt: AsyncBoltClient,
    summary: BoltRunSummary,
    schedule: str | None,
    create_assets: bool,
) -> None:
    """The run's markdown artifact; with `create_assets`, its dbt nodes' materializations."""
    await acreate_markdown_artifact(**markdown_artifact(summary, schedule))
    if not create_assets:
        return
    run_id = summary["run_id"]
    try:
        sources = asset_sources(await bolt.list_artifacts(run_id))
        documents = [
            await bolt.download_json_artifact(run_id, a.path, command_id=a.command_id)
            for a in sources
        ]
    except BoltError as exc:
        no_assets(run_id, exc)
        return
    materialize(outcomes(sources, documents), run_id, summary["url"])


# Decorated, so the function's name is its flow: a deployment's entrypoint (file:function) loads
# the flow. The async flow's entrypoint is `_flows.py`, where the twins are paired (`bolt_flow`).
@bolt_flow(name=FLOW_NAME)
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
    attempts = check_attempts(retry_from_failure_attempts)
    schedule = schedule_name if schedule_name is not None else slug
    options = waiting(timeout, poll_interval, max_poll_interval, outage_tolerance)
    run_id: int = await trigger_bolt_run.aio(
        credentials, schedule_name, slug=slug, commands=commands, branch=branch
    )
    run_ids = [run_id]
    async with credentials.get_async_client() as bolt:
        while True:
            async with bolt.cancel_on_interrupt(run_id):
                status: RunStatus = await wait_for_bolt_run.aio(credentials, run_id, **options)
            summary = summarize(run_id, status, credentials.run_url(run_id), run_ids)
            await publish(bolt, summary, schedule, create_assets)
            if not status.run_state.is_failure:
                return summary
            raise_unless_retried(run_id, status, run_ids, attempts)
            run_id = await retry_bolt_run.aio(credentials, run_id)
            run_ids.append(run_id)
