"""`bolt_run_op` and `build_bolt_job`: trigger a Bolt schedule and wait for it, in a plain job.

No `from __future__ import annotations` here: Dagster reads the op's config and resource
parameters from their annotations at runtime.
"""

from collections.abc import Iterator, Sequence
from typing import Any

from dagster import (
    Config,
    JobDefinition,
    OpDefinition,
    OpExecutionContext,
    Output,
    job,
    op,
)
from pydantic import Field

from paradime_bolt import DEFAULT_OUTAGE_TOLERANCE

from ._assets import _op_name, resolve_resource
from ._execution import RunSettings, failure, follow_step, outcome
from ._resource import BoltResource

__all__ = ["BoltRunConfig", "bolt_run_op", "build_bolt_job", "build_bolt_run_op"]


class BoltRunConfig(Config):
    """What `bolt_run_op` runs: a schedule, and optionally other commands or a branch."""

    schedule_name: str = Field(description="The Bolt schedule to trigger.")
    commands: list[str] | None = Field(
        default=None, description="Commands to run instead of the schedule's, for this run."
    )
    branch: str | None = Field(default=None, description="The git branch, for this run.")
    run_timeout: float | None = Field(
        default=3600.0,
        description="Seconds to wait for the run before cancelling it; null waits forever.",
    )
    poll_interval: float = Field(default=1.0, description="Seconds before the second poll.")
    max_poll_interval: float = Field(default=10.0, description="The longest wait between polls.")
    outage_tolerance: float = Field(
        default=DEFAULT_OUTAGE_TOLERANCE,
        description="Seconds in a row the API may be unreachable while waiting before the op "
        "fails; 0 fails at the first unreachable poll.",
    )


def _run(
    context: OpExecutionContext,
    bolt: BoltResource,
    settings: RunSettings,
    commands: Sequence[str] | None,
) -> Iterator[Output[int]]:
    followed = follow_step(context, bolt, settings, commands)
    run = followed.results
    report = outcome(run, None)
    for result in run.results.values():
        context.log.info(f"{result.unique_id}: {result.status} (`{result.command}`)")
    problem = failure(followed, report)
    if problem is not None:
        raise problem
    yield Output(
        run.run_id,
        metadata={
            "bolt_run_id": run.run_id,
            "bolt_run_url": run.url,
            "bolt_run_state": run.status.state or "unknown",
            "dbt_nodes": len(run.results),
        },
    )


@op(name="bolt_run_op")
def bolt_run_op(
    context: OpExecutionContext, config: BoltRunConfig, bolt: BoltResource
) -> Iterator[Output[int]]:
    """Triggers `config.schedule_name`, waits for its run and outputs the run id; fails naming
    the failed dbt nodes and the failing command's output. Interrupting it cancels the run."""
    settings = RunSettings(
        schedule_name=config.schedule_name,
        branch=config.branch,
        run_timeout=config.run_timeout,
        poll_interval=config.poll_interval,
        max_poll_interval=config.max_poll_interval,
        outage_tolerance=config.outage_tolerance,
    )
    yield from _run(context, bolt, settings, config.commands)


def build_bolt_run_op(
    schedule_name: str,
    *,
    name: str | None = None,
    commands: Sequence[str] | None = None,
    branch: str | None = None,
    resource_key: str = "bolt",
    run_timeout: float | None = 3600.0,
    poll_interval: float = 1.0,
    max_poll_interval: float = 10.0,
    outage_tolerance: float = DEFAULT_OUTAGE_TOLERANCE,
) -> OpDefinition:
    """An op that runs one schedule, set when the definitions are built (no run config)."""
    settings = RunSettings(
        schedule_name=schedule_name,
        branch=branch,
        run_timeout=run_timeout,
        poll_interval=poll_interval,
        max_poll_interval=max_poll_interval,
        outage_tolerance=outage_tolerance,
    )
    fixed = list(commands) if commands is not None else None

    @op(name=name or f"{_op_name(schedule_name)}_run", required_resource_keys={resource_key})
    def _bolt_run(context: OpExecutionContext) -> Iterator[Output[int]]:
        yield from _run(context, resolve_resource(context.resources, resource_key), settings, fixed)

    return _bolt_run


def build_bolt_job(
    schedule_name: str,
    *,
    name: str | None = None,
    resource_defs: dict[str, Any] | None = None,
    **op_options: Any,
) -> JobDefinition:
    """A job of one op that triggers `schedule_name` and waits for it (see `build_bolt_run_op`
    for `op_options`); add it to `Definitions(jobs=[...])` and schedule it as any job."""
    run_op = build_bolt_run_op(schedule_name, **op_options)

    @job(name=name or f"{_op_name(schedule_name)}_job", resource_defs=resource_defs)
    def _bolt_job() -> None:
        run_op()

    return _bolt_job
