"""What a Bolt run did to each dbt node, read from its commands' `run_results.json`.

Each dbt command of a run writes its own `target/run_results.json`: a `dbt run` then `dbt test`
schedule has the models in the first and the tests in the second. Every command's file is read
(failed commands too), in order, a later result for a node replacing an earlier one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from paradime_bolt import ArtifactNotFoundError, BoltClient, RunState, bolt_run_url
from paradime_bolt.models import RunCommand, RunStatus

from ._errors import ArtifactFormatError

__all__ = [
    "RUN_RESULTS",
    "BoltRunResults",
    "NodeResult",
    "read_run_results",
]

RUN_RESULTS = "target/run_results.json"

# dbt statuses: models, seeds and snapshots end success/error/skipped; tests pass/fail/warn/error.
SUCCEEDED = frozenset({"success", "pass"})
FAILED = frozenset({"error", "fail", "runtime error"})


@dataclass(frozen=True)
class NodeResult:
    """One node's result in one dbt command of the run."""

    unique_id: str
    status: str
    execution_time: float | None
    rows_affected: int | None
    failures: int | None
    message: str | None
    command: str
    command_id: int

    @property
    def failed(self) -> bool:
        return self.status in FAILED


@dataclass(frozen=True)
class BoltRunResults:
    """A finished run: its status and the latest result of every node it ran."""

    run_id: int
    schedule_name: str
    status: RunStatus
    results: Mapping[str, NodeResult]
    url: str  # the run's page in the Paradime app

    @property
    def state(self) -> RunState:
        return self.status.run_state


def _is_dbt(command: str) -> bool:
    words = command.split()
    return len(words) > 1 and words[0] == "dbt" and words[1] not in {"deps", "clean", "debug"}


def read_run_results(
    client: BoltClient, schedule_name: str, run_id: int, status: RunStatus, app_url: str
) -> BoltRunResults:
    """Every dbt command's run_results.json of a finished run, merged in command order;
    `app_url` is the Paradime app its link points to."""
    results: dict[str, NodeResult] = {}
    for command in sorted(status.commands or [], key=lambda c: c.id):
        if not _is_dbt(command.command):
            continue
        try:
            document = client.download_json_artifact(run_id, RUN_RESULTS, command_id=command.id)
        except ArtifactNotFoundError:  # a command that failed before dbt wrote it
            continue
        for result in _parse(document, run_id, command):
            results.pop(result.unique_id, None)
            results[result.unique_id] = result
    return BoltRunResults(
        run_id, schedule_name, status, results, bolt_run_url(run_id, app_url=app_url)
    )


def _parse(document: Any, run_id: int, command: RunCommand) -> list[NodeResult]:
    where = f"{RUN_RESULTS} of run {run_id}, command {command.id} (`{command.command}`)"
    entries = document.get("results") if isinstance(document, Mapping) else None
    if not isinstance(entries, list):
        raise ArtifactFormatError(f"{where} has no 'results' list")
    parsed = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            raise ArtifactFormatError(f"{where}: results[{index}] is not an object")
        unique_id, status = entry.get("unique_id"), entry.get("status")
        if not isinstance(unique_id, str) or not isinstance(status, str):
            raise ArtifactFormatError(f"{where}: results[{index}] has no unique_id or status")
        adapter = entry.get("adapter_response")
        rows = adapter.get("rows_affected") if isinstance(adapter, Mapping) else None
        message = entry.get("message")
        parsed.append(
            NodeResult(
                unique_id=unique_id,
                status=status.lower(),
                execution_time=_number(entry.get("execution_time")),
                rows_affected=_count(rows),
                failures=_count(entry.get("failures")),
                message=message if isinstance(message, str) else None,
                command=command.command,
                command_id=command.id,
            )
        )
    return parsed


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _count(value: object) -> int | None:
    # dbt reports rows_affected -1 when the warehouse does not say.
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value
