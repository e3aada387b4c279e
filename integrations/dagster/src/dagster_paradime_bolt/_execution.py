"""Triggering a Bolt run from a Dagster step, following it, and telling Dagster how it went.

Shared by the assets, the op and the sensor: a run is triggered, tagged on the Dagster run (so the
sensor knows Dagster started it), waited for, and cancelled in Bolt when the step is interrupted
(Dagster's termination raises `DagsterExecutionInterruptedError` in the step) or times out.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dagster import (
    AssetCheckEvaluation,
    AssetCheckKey,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetExecutionContext,
    AssetKey,
    AssetMaterialization,
    DagsterInstance,
    Failure,
    MaterializeResult,
    MetadataValue,
    OpExecutionContext,
)

from paradime_bolt import (
    DEFAULT_APP_URL,
    DEFAULT_OUTAGE_TOLERANCE,
    BoltClient,
    InterruptGuard,
    InvalidArgumentError,
    RunFailedError,
    RunTimeoutError,
    bolt_run_url,
)
from paradime_bolt.models import RunProgress

from ._manifest import BoltProject
from ._resource import BoltResource
from ._results import BoltRunResults, NodeResult, read_run_results

__all__ = [
    "TAG_PREFIX",
    "Outcome",
    "RunSettings",
    "failure",
    "follow_run",
    "follow_step",
    "not_produced",
    "outcome",
    "run_tag",
]

TAG_PREFIX = "dagster-paradime-bolt"


def run_tag(run_id: int) -> str:
    """The Dagster run tag that says this Dagster run triggered Bolt run `run_id`."""
    return f"{TAG_PREFIX}/run-{run_id}"


@dataclass(frozen=True)
class RunSettings:
    """How a step starts and waits for its run; checked when the definitions are built, so no
    run is ever triggered that could not be waited for."""

    schedule_name: str
    branch: str | None = None
    run_timeout: float | None = 3600.0
    poll_interval: float = 1.0
    max_poll_interval: float = 10.0
    outage_tolerance: float = DEFAULT_OUTAGE_TOLERANCE

    def __post_init__(self) -> None:
        if not isinstance(self.schedule_name, str) or not self.schedule_name.strip():
            raise InvalidArgumentError(
                f"schedule_name must be a non-empty string, not {self.schedule_name!r}"
            )
        for name in ("run_timeout", "poll_interval", "max_poll_interval"):
            value = getattr(self, name)
            if name == "run_timeout" and value is None:
                continue
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
                or value <= 0
            ):
                hint = "; None waits forever" if name == "run_timeout" else ""
                raise InvalidArgumentError(
                    f"{name} must be a positive, finite number of seconds, not {value!r}{hint}"
                )
        if self.max_poll_interval < self.poll_interval:
            raise InvalidArgumentError("max_poll_interval must be at least poll_interval")
        tolerance = self.outage_tolerance
        if (
            isinstance(tolerance, bool)
            or not isinstance(tolerance, int | float)
            or not math.isfinite(tolerance)
            or tolerance < 0
        ):
            raise InvalidArgumentError(
                "outage_tolerance must be a finite number of seconds, 0 or more (0: fail at the "
                f"first unreachable poll), not {tolerance!r}"
            )


@dataclass(frozen=True)
class FollowedRun:
    """A run the step waited for: what it did, and the timeout it outlived, if it did."""

    results: BoltRunResults
    timeout: RunTimeoutError | None = None


def follow_step(
    context: AssetExecutionContext | OpExecutionContext,
    bolt: BoltResource,
    settings: RunSettings,
    commands: Sequence[str] | None,
) -> FollowedRun:
    """`follow_run` from a step: on the resource's client, logging to the step's log, the Bolt
    run tagged on the step's Dagster run."""
    with bolt.get_client() as client:
        return follow_run(
            client=client,
            app_url=bolt.app_url or DEFAULT_APP_URL,
            settings=settings,
            commands=commands,
            log=context.log,
            instance=context.instance,
            dagster_run_id=context.run.run_id,
        )


def follow_run(
    *,
    client: BoltClient,
    app_url: str,
    settings: RunSettings,
    commands: Sequence[str] | None,
    log: logging.Logger | Any,
    instance: DagsterInstance | None,
    dagster_run_id: str,
) -> FollowedRun:
    """Triggers the schedule, waits for the run to end and reads its results.

    An interrupt (Dagster terminating the run, Ctrl-C) cancels the Bolt run, then propagates. A
    timeout cancels the run too; its results so far come back with the timeout. `app_url` is
    the Paradime app that links point to (checked before the run is triggered)."""
    bolt_run_url(1, app_url=app_url)  # raises InvalidArgumentError for an unusable app_url
    triggered = client.trigger_bolt_run(
        settings.schedule_name,
        list(commands) if commands is not None else None,
        settings.branch,
        reason=f"Dagster run {dagster_run_id}",
    )
    run_id = triggered.run_id
    timed_out: RunTimeoutError | None = None
    guard: InterruptGuard | None = None
    try:
        with client.cancel_on_interrupt(run_id) as guard:
            what = "the schedule's commands" if commands is None else " && ".join(commands)
            log.info(
                f"Bolt run {run_id} of schedule {settings.schedule_name!r} started ({what}): "
                f"{bolt_run_url(run_id, app_url=app_url)}"
            )
            if instance is not None:
                instance.add_run_tags(dagster_run_id, {run_tag(run_id): settings.schedule_name})
            try:
                status = client.wait_for_run(
                    run_id,
                    timeout=settings.run_timeout,
                    poll_interval=settings.poll_interval,
                    max_poll_interval=settings.max_poll_interval,
                    outage_tolerance=settings.outage_tolerance,
                    cancel_on_timeout=True,
                    on_progress=_progress_logger(run_id, log),
                )
            except RunTimeoutError as exc:
                timed_out = exc
                status = client.bolt_run_status(run_id)
    finally:
        if guard is not None and guard.interrupted:
            _report_interrupt(guard, log)
    results = read_run_results(client, settings.schedule_name, run_id, status, app_url)
    return FollowedRun(results, timed_out)


def _report_interrupt(guard: InterruptGuard, log: logging.Logger | Any) -> None:
    """Says in the step's log what the client's guard did with the interrupted step's run; a
    repeated interrupt that lands while it is written gets it written once more."""
    if guard.canceled:
        message = f"The step was interrupted: Bolt run {guard.run_id} was cancelled"
    else:
        message = (
            f"The step was interrupted; cancelling Bolt run {guard.run_id} failed, so it may "
            f"still be running: {guard.error}"
        )
    for last in (False, True):
        try:
            log.warning(message)
        except BaseException:
            if last:
                raise
            continue
        return


def _progress_logger(run_id: int, log: logging.Logger | Any) -> Callable[[RunProgress], None]:
    seen: set[tuple[str | None, int | None]] = set()

    def report(progress: RunProgress) -> None:
        current = max(progress.commands or [], key=lambda c: c.id, default=None)
        key = (progress.state, current.id if current else None)
        if key in seen:
            return
        seen.add(key)
        doing = f", command: {current.command}" if current is not None else ""
        log.debug(f"Bolt run {run_id}: {progress.state}{doing}")

    return report


@dataclass
class Outcome:
    """What Dagster records of a run: materializations, check results and failures."""

    materializations: list[tuple[AssetKey, dict[str, Any]]] = field(default_factory=list)
    checks: list[tuple[AssetCheckKey, bool, AssetCheckSeverity, dict[str, Any]]] = field(
        default_factory=list
    )
    failed: list[str] = field(default_factory=list)

    def step_events(
        self, asset_keys: Sequence[AssetKey] | Any, check_keys: Sequence[AssetCheckKey] | Any
    ) -> Iterator[MaterializeResult[Any] | AssetCheckResult]:
        """Results for a multi-asset step, for the keys it was asked for."""
        for key, metadata in self.materializations:
            if key in asset_keys:
                yield MaterializeResult(asset_key=key, metadata=metadata)
        for check_key, passed, severity, metadata in self.checks:
            if check_key in check_keys:
                yield AssetCheckResult(
                    asset_key=check_key.asset_key,
                    check_name=check_key.name,
                    passed=passed,
                    severity=severity,
                    metadata=metadata,
                )

    def runless_events(self) -> list[AssetMaterialization | AssetCheckEvaluation]:
        """Events for a sensor to record (no step produced them)."""
        events: list[AssetMaterialization | AssetCheckEvaluation] = [
            AssetMaterialization(asset_key=key, metadata=metadata)
            for key, metadata in self.materializations
        ]
        events += [
            AssetCheckEvaluation(
                asset_key=check_key.asset_key,
                check_name=check_key.name,
                passed=passed,
                severity=severity,
                metadata=metadata,
            )
            for check_key, passed, severity, metadata in self.checks
        ]
        return events


def _metadata(result: NodeResult, run: BoltRunResults) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "unique_id": result.unique_id,
        "status": result.status,
        "bolt_run_id": MetadataValue.int(run.run_id),
        "bolt_run_url": MetadataValue.url(run.url),
        "dbt_command": result.command,
    }
    if result.execution_time is not None:
        metadata["execution_time"] = MetadataValue.float(result.execution_time)
    if result.rows_affected is not None:
        metadata["rows_affected"] = MetadataValue.int(result.rows_affected)
    return metadata


def _describe(result: NodeResult, kind: str, name: str) -> str:
    text = f"{kind} {name} ({result.status}"
    if result.failures:
        text += f", {result.failures} failing row{'s' if result.failures != 1 else ''}"
    if result.message:
        text += f": {result.message}"
    return text + ")"


def outcome(run: BoltRunResults, project: BoltProject | None) -> Outcome:
    """Sorts a run's node results into materializations, check results and failures. Without a
    project (the op), every failure is named by its unique id and nothing is materialized."""
    report = Outcome()
    for result in run.results.values():
        kind = result.unique_id.split(".", 1)[0]
        name = result.unique_id.rsplit(".", 1)[-1]
        node = project.nodes.get(result.unique_id) if project else None
        test = project.tests.get(result.unique_id) if project else None
        if node is not None and result.status == "success":
            report.materializations.append((node.asset_key, _metadata(result, run)))
        elif test is not None and result.status != "skipped":
            metadata = _metadata(result, run)
            metadata["failures"] = MetadataValue.int(result.failures or 0)
            warned = result.status == "warn"
            severity = AssetCheckSeverity.WARN if warned else test.severity
            passed = result.status == "pass"
            assert project is not None
            report.checks.append((project.check_key(test), passed, severity, metadata))
        if result.failed:
            report.failed.append(_describe(result, kind, name))
    return report


def not_produced(
    run: BoltRunResults, project: BoltProject, report: Outcome, selected: Collection[AssetKey]
) -> str | None:
    """A warning naming the selected assets the run neither materialized nor failed (its
    commands did not build them, or dbt skipped them); None when there are none."""
    produced = {key for key, _ in report.materializations}
    statuses = {
        node.asset_key: run.results[unique_id].status
        for unique_id, node in project.nodes.items()
        if unique_id in run.results
    }
    unbuilt = [key for key in selected if key not in produced and key not in statuses]
    skipped = [key for key in selected if statuses.get(key) == "skipped"]
    if not unbuilt and not skipped:
        return None
    reasons = []
    if unbuilt:
        reasons.append(f"no dbt command of the run built {_names(unbuilt)}")
    if skipped:
        reasons.append(f"dbt skipped {_names(skipped)}")
    return (
        f"{len(unbuilt) + len(skipped)} of {len(selected)} selected assets were not "
        f"materialized by Bolt run {run.run_id} of schedule {run.schedule_name!r}: "
        + "; ".join(reasons)
        + "."
    )


def _names(keys: Collection[AssetKey]) -> str:
    return ", ".join(sorted(key.to_user_string() for key in keys))


def failure(followed: FollowedRun, report: Outcome) -> Failure | None:
    """The step's failure when the run timed out, failed or had failing nodes; else None."""
    run = followed.results
    if followed.timeout is None and not run.state.is_failure and not report.failed:
        return None
    schedule = run.schedule_name
    if followed.timeout is not None:
        exc = followed.timeout
        then = (
            "it was cancelled in Bolt"
            if exc.canceled
            else "cancelling it failed, so it may still be running"
        )
        lines = [
            f"Bolt run {run.run_id} of schedule {schedule!r} did not finish within "
            f"{exc.timeout:g}s: {then}."
        ]
    else:
        lines = [f"Bolt run {run.run_id} of schedule {schedule!r} ended {run.status.state}."]
    if report.failed:
        lines.append("Failed: " + "; ".join(report.failed) + ".")
    culprit = RunFailedError.from_status(run.run_id, run.status)  # the client's failing command
    if culprit.command is not None and followed.timeout is None:
        lines.append(f"`{culprit.command}` exited with return code {culprit.return_code}.")
        if culprit.output_tail:
            lines.append(culprit.output_tail)
    lines.append(run.url)
    metadata: Mapping[str, Any] = {
        "bolt_run_id": MetadataValue.int(run.run_id),
        "bolt_run_url": MetadataValue.url(run.url),
        "bolt_run_state": run.status.state or "unknown",
    }
    return Failure(description="\n".join(lines), metadata=metadata)
