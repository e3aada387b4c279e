"""`bolt_schedule_sensor`: records the runs Bolt started by itself (its cron, the UI, another
tool) as materializations and check results, each run once.

The cursor is the id of the newest run recorded. Runs are recorded oldest first, and a run still
going holds back every run after it, so none is skipped. Runs that a Dagster step of this
instance triggered carry a tag on that Dagster run and are left to the step, which recorded them.
(No `from __future__ import annotations`: Dagster reads the `context` annotation at runtime.)
"""

import json
import os
from collections.abc import Mapping
from typing import Any

from dagster import (
    DagsterInvariantViolationError,
    DefaultSensorStatus,
    RunsFilter,
    SensorDefinition,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from paradime_bolt import DEFAULT_APP_URL, ArtifactNotFoundError, BoltClient
from paradime_bolt.models import Run

from ._assets import _op_name, resolve_resource
from ._errors import ManifestError, SensorCursorError
from ._execution import outcome, run_tag
from ._manifest import BoltProject, caller_folder, load_project
from ._results import read_run_results

__all__ = ["bolt_schedule_sensor"]

_PAGE = 25


def bolt_schedule_sensor(
    schedule_name: str,
    *,
    manifest: Mapping[str, Any] | str | os.PathLike[str] | None = None,
    name: str | None = None,
    resource_key: str = "bolt",
    minimum_interval_seconds: int = 60,
    max_runs_per_tick: int = 10,
    default_status: DefaultSensorStatus = DefaultSensorStatus.STOPPED,
) -> SensorDefinition:
    """A sensor that records the runs of `schedule_name` not triggered from Dagster.

    Asset keys come from `manifest` when given (pass the one `build_bolt_assets` uses; a relative
    path is read from the folder of the calling file), else from each run's own
    `target/manifest.json`. A first tick (no cursor) looks at the newest
    `max_runs_per_tick` runs only."""
    project = None
    if manifest is not None:
        project = load_project(manifest, relative_to=caller_folder())

    @sensor(
        name=name or f"{_op_name(schedule_name)}_sensor",
        minimum_interval_seconds=minimum_interval_seconds,
        required_resource_keys={resource_key},
        default_status=default_status,
        description=f"Records the Bolt runs of schedule {schedule_name!r} started outside Dagster.",
    )
    def _bolt_sensor(
        context: SensorEvaluationContext, **_resources: Any
    ) -> SensorResult | SkipReason:
        # `**_resources`: calling the sensor directly (`sensor(context)`, in tests) passes the
        # required resources as keywords; the daemon does not. Both read `context.resources`.
        after = _cursor(context.cursor)
        bolt = resolve_resource(context.resources, resource_key)
        events: list[Any] = []
        recorded: list[int] = []
        with bolt.get_client() as client:
            pending = _new_runs(client, schedule_name, after, max_runs_per_tick)
            for run in pending:
                if not run.run_state.is_terminal:
                    break  # later runs wait until this one has ended
                after = run.id
                if _triggered_by_dagster(context, run.id, schedule_name):
                    continue
                status = client.bolt_run_status(run.id)
                results = read_run_results(
                    client, schedule_name, run.id, status, bolt.app_url or DEFAULT_APP_URL
                )
                run_project = project or _run_project(client, run.id)
                if run_project is None:
                    continue
                events += outcome(results, run_project).runless_events()
                recorded.append(run.id)
        cursor = json.dumps({"after_run_id": after}) if after is not None else context.cursor
        if not events:
            return SensorResult(skip_reason=_nothing(recorded), cursor=cursor)
        context.log.info(f"Recorded Bolt runs {recorded} of schedule {schedule_name!r}")
        return SensorResult(asset_events=events, cursor=cursor)

    return _bolt_sensor


def _nothing(recorded: list[int]) -> str:
    if recorded:
        return f"Bolt runs {recorded} ran no dbt node of this project"
    return "No new finished Bolt run started outside Dagster"


def _cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    problem = SensorCursorError(
        f'the cursor {cursor!r} is not one this sensor wrote ({{"after_run_id": <run id>}}); '
        "reset it in the Dagster UI"
    )
    try:
        value = json.loads(cursor)["after_run_id"]
    except (ValueError, KeyError, TypeError):
        raise problem from None
    if isinstance(value, bool) or not isinstance(value, int):
        raise problem
    return value


def _new_runs(client: BoltClient, schedule_name: str, after: int | None, limit: int) -> list[Run]:
    """The runs after `after` (without a cursor, the newest `limit`), oldest first, at most
    `limit` of them."""
    found: list[Run] = []
    offset = 0
    while True:
        page = client.list_bolt_runs(schedule_name, offset=offset, limit=_PAGE)
        runs = page.runs or []
        newer = [run for run in runs if after is None or run.id > after]
        found += newer
        offset += len(runs)
        if after is None or len(newer) < len(runs) or len(runs) < _PAGE:
            break
    found.sort(key=lambda run: run.id)
    if after is None:
        found = found[-limit:]
    return found[:limit]


def _triggered_by_dagster(
    context: SensorEvaluationContext, run_id: int, schedule_name: str
) -> bool:
    """Whether a Dagster run of this instance says it triggered the Bolt run (no instance, as
    in a test's bare `build_sensor_context()`: nothing can say so)."""
    try:
        instance = context.instance
    except DagsterInvariantViolationError:
        return False
    tags = {run_tag(run_id): schedule_name}
    return bool(instance.get_run_ids(RunsFilter(tags=tags), limit=1))


def _run_project(client: BoltClient, run_id: int) -> BoltProject | None:
    try:
        return load_project(client.download_json_artifact(run_id, "target/manifest.json"))
    except (ArtifactNotFoundError, ManifestError):
        return None
