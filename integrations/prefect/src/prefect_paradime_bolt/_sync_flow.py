"""The sync twin of the Prefect flow (trigger, wait, retry, publish).

Written by scripts/unasync.py from `_async_flow.py`; do not edit. `_flows.py` pairs it with the
async flow under one name.
"""

from __future__ import annotations

from prefect import flow
from prefect.artifacts import create_markdown_artifact

from paradime_bolt import DEFAULT_OUTAGE_TOLERANCE, BoltClient, BoltError
from paradime_bolt.models import RunStatus

from ._credentials import BoltCredentials
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


def publish(
    bolt: BoltClient,
    summary: BoltRunSummary,
    schedule: str | None,
    create_assets: bool,
) -> None:
    """The run's markdown artifact; with `create_assets`, its dbt nodes' materializations."""
    create_markdown_artifact(**markdown_artifact(summary, schedule))
    if not create_assets:
        return
    run_id = summary["run_id"]
    try:
        sources = asset_sources(bolt.list_artifacts(run_id))
        documents = [
            bolt.download_json_artifact(run_id, a.path, command_id=a.command_id) for a in sources
        ]
    except BoltError as exc:
        no_assets(run_id, exc)
        return
    materialize(outcomes(sources, documents), run_id, summary["url"])


# Decorated, so the function's name is its flow: a deployment's entrypoint (file:function) loads
# the flow. The async flow's entrypoint is `_flows.py`, where the twins are paired (`bolt_flow`).
@flow(name=FLOW_NAME)
def trigger_bolt_run_and_wait_for_completion(
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
    run_id: int = trigger_bolt_run.sync(
        credentials, schedule_name, slug=slug, commands=commands, branch=branch
    )
    run_ids = [run_id]
    with credentials.get_client() as bolt:
        while True:
            with bolt.cancel_on_interrupt(run_id):
                status: RunStatus = wait_for_bolt_run.sync(credentials, run_id, **options)
            summary = summarize(run_id, status, credentials.run_url(run_id), run_ids)
            publish(bolt, summary, schedule, create_assets)
            if not status.run_state.is_failure:
                return summary
            raise_unless_retried(run_id, status, run_ids, attempts)
            run_id = retry_bolt_run.sync(credentials, run_id)
            run_ids.append(run_id)
