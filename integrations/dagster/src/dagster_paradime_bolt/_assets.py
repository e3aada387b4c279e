"""`build_bolt_assets`: a Bolt schedule's dbt models, seeds and snapshots as one multi-asset.

No `from __future__ import annotations`: Dagster checks the `context` annotation at runtime.
"""

import os
import re
from collections.abc import Iterator, Mapping
from typing import Any

from dagster import (
    AssetCheckResult,
    AssetExecutionContext,
    AssetsDefinition,
    MaterializeResult,
    multi_asset,
)

from paradime_bolt import DEFAULT_OUTAGE_TOLERANCE

from ._execution import RunSettings, failure, follow_step, not_produced, outcome
from ._manifest import BoltProject, caller_folder, load_project
from ._resource import BoltResource

__all__ = ["build_bolt_assets", "resolve_resource"]


def _op_name(schedule_name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_]+", "_", schedule_name).strip("_").lower()
    return f"bolt_{slug or 'schedule'}"


def resolve_resource(resources: Any, resource_key: str) -> BoltResource:
    """The `BoltResource` bound to `resource_key`, or a TypeError naming what is there."""
    bolt = getattr(resources, resource_key)
    if not isinstance(bolt, BoltResource):
        raise TypeError(
            f"the resource {resource_key!r} must be a dagster_paradime_bolt.BoltResource, "
            f"not {type(bolt).__name__}"
        )
    return bolt


def build_bolt_assets(
    *,
    schedule_name: str,
    manifest: Mapping[str, Any] | str | os.PathLike[str],
    resource_key: str = "bolt",
    name: str | None = None,
    branch: str | None = None,
    subset_command: str = "dbt build",
    run_timeout: float | None = 3600.0,
    poll_interval: float = 1.0,
    max_poll_interval: float = 10.0,
    outage_tolerance: float = DEFAULT_OUTAGE_TOLERANCE,
) -> AssetsDefinition:
    """One asset per dbt model, seed and snapshot of `manifest`, one check per dbt test.

    Materializing them all triggers the Bolt schedule `schedule_name` with its own commands;
    materializing a subset runs `subset_command --select <the chosen nodes and tests>
    --indirect-selection empty` instead. The step waits for the run (`run_timeout` seconds, then
    it cancels the run and fails), then reports one materialization per model that ran and one
    check result per test, and fails if the run or a node failed. Interrupting the step cancels
    the run in Bolt. The wait goes on through `outage_tolerance` seconds in a row of the API
    being unreachable (the client's rule; 0 fails at the first). `manifest` is a parsed
    manifest.json or its path, read now (never fetched); a relative path is read from the
    folder of the file whose code calls this function.
    """
    project = load_project(manifest, relative_to=caller_folder())
    settings = RunSettings(
        schedule_name=schedule_name,
        branch=branch,
        run_timeout=run_timeout,
        poll_interval=poll_interval,
        max_poll_interval=max_poll_interval,
        outage_tolerance=outage_tolerance,
    )

    @multi_asset(
        name=name or _op_name(schedule_name),
        specs=project.asset_specs(),
        check_specs=project.check_specs(),
        can_subset=True,
        required_resource_keys={resource_key},
        op_tags={"dagster-paradime-bolt/schedule": _op_name(schedule_name)},
    )
    def _bolt_assets(
        context: AssetExecutionContext,
    ) -> Iterator[MaterializeResult[Any] | AssetCheckResult]:
        yield from materialize_schedule(
            context,
            project,
            settings,
            resolve_resource(context.resources, resource_key),
            subset_command,
        )

    return _bolt_assets


def materialize_schedule(
    context: AssetExecutionContext,
    project: BoltProject,
    settings: RunSettings,
    bolt: BoltResource,
    subset_command: str = "dbt build",
) -> Iterator[MaterializeResult[Any] | AssetCheckResult]:
    """Runs the schedule (or the selected subset) and yields what Dagster should record."""
    asset_keys = context.selected_asset_keys
    check_keys = context.selected_asset_check_keys
    selectors = project.subset_selectors(asset_keys, check_keys)
    commands = None
    if selectors is not None:
        commands = [f"{subset_command} --select {' '.join(selectors)} --indirect-selection empty"]
    followed = follow_step(context, bolt, settings, commands)
    report = outcome(followed.results, project)
    yield from report.step_events(asset_keys, check_keys)
    missing = not_produced(followed.results, project, report, asset_keys)
    if missing is not None and followed.timeout is None:
        context.log.warning(missing)
    problem = failure(followed, report)
    if problem is not None:
        raise problem
