"""What people look at after a run: its markdown summary, and the dbt nodes it built as assets.

Pure functions over what the client returned; the tasks and flows do the requests."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict

from paradime_bolt.models import RunCommand, RunStatus

__all__ = [
    "ASSET_RESOURCE_TYPES",
    "BoltRunSummary",
    "CommandSummary",
    "NodeOutcome",
    "artifact_key",
    "asset_key",
    "command_summaries",
    "node_outcomes",
    "run_markdown",
    "summarize",
]

ASSET_RESOURCE_TYPES = frozenset({"model", "seed", "snapshot"})
"""The dbt nodes that build a relation, so become Prefect assets."""

_FAILED_STATUSES = frozenset({"error", "fail", "runtime error"})


class CommandSummary(TypedDict):
    """One command of a run: its text, return code and how long it took (seconds)."""

    command: str
    return_code: int | None
    duration: float | None


class BoltRunSummary(TypedDict):
    """What the flow returns: the run it ended with, how it ended, where to look at it, and
    every run it started (the first, then each retry from failure)."""

    run_id: int
    state: str
    url: str
    commands: list[CommandSummary]
    run_ids: list[int]


def command_summaries(commands: Iterable[RunCommand]) -> list[CommandSummary]:
    """Each command in the order it ran, with its duration when it has started and ended."""
    found: list[CommandSummary] = []
    for command in sorted(commands, key=lambda c: c.id):
        start, end = command.start_datetime, command.end_datetime
        duration = None if start is None or end is None else (end - start).total_seconds()
        found.append(
            {
                "command": command.command,
                "return_code": command.return_code,
                "duration": duration,
            }
        )
    return found


def summarize(run_id: int, status: RunStatus, url: str, run_ids: Sequence[int]) -> BoltRunSummary:
    return {
        "run_id": run_id,
        "state": status.run_state.value,
        "url": url,
        "commands": command_summaries(status.commands or []),
        "run_ids": list(run_ids),
    }


def artifact_key(run_id: int) -> str:
    """The Prefect artifact key of a run's summary (lowercase letters, digits and dashes)."""
    return f"paradime-bolt-run-{run_id}"


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"


def run_markdown(summary: BoltRunSummary, *, schedule: str | None = None) -> str:
    """The run as markdown: its state, a link to it in Paradime, and a table of its commands."""
    lines = [f"## Paradime Bolt run {summary['run_id']}: {summary['state']}", ""]
    if schedule:
        lines.append(f"Schedule: {_cell(schedule)}  ")
    lines += [f"[Open run {summary['run_id']} in Paradime]({summary['url']})", ""]
    if len(summary["run_ids"]) > 1:
        earlier = ", ".join(str(r) for r in summary["run_ids"][:-1])
        lines += [f"Retried from failure; earlier runs: {earlier}", ""]
    lines += ["| # | Command | Return code | Duration |", "|---|---|---|---|"]
    for index, command in enumerate(summary["commands"], start=1):
        code = "-" if command["return_code"] is None else str(command["return_code"])
        lines.append(
            f"| {index} | `{_cell(command['command'])}` | {code} | "
            f"{_duration(command['duration'])} |"
        )
    if not summary["commands"]:
        lines.append("| - | (no command ran) | - | - |")
    return "\n".join(lines) + "\n"


def asset_key(adapter_type: str, relation_name: str) -> str:
    """A relation as a Prefect asset key, named as prefect-dbt names it:
    `"DB"."SCHEMA"."TABLE"` on snowflake is `snowflake://DB/SCHEMA/TABLE`."""
    return f"{adapter_type}://{relation_name.replace(chr(34), '').replace('.', '/')}"


@dataclass(frozen=True)
class NodeOutcome:
    """How one dbt model, seed or snapshot fared in a run, and the asset it is."""

    unique_id: str
    name: str
    resource_type: str
    key: str
    status: str
    execution_time: float | None
    message: str | None
    description: str = ""
    upstream: tuple[str, ...] = field(default=())

    @property
    def failed(self) -> bool:
        return self.status in _FAILED_STATUSES

    @property
    def succeeded(self) -> bool:
        return self.status == "success"


def _manifest_nodes(manifest: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    nodes: dict[str, Mapping[str, Any]] = {}
    for section in ("nodes", "sources"):
        for unique_id, node in (manifest.get(section) or {}).items():
            if isinstance(node, Mapping):
                nodes[unique_id] = node
    return nodes


def node_outcomes(
    run_results: Sequence[Mapping[str, Any]], manifest: Mapping[str, Any]
) -> list[NodeOutcome]:
    """The models, seeds and snapshots of `run_results` (one document per dbt command, in the
    order they ran; a node's last result wins), as assets keyed from their relation."""
    metadata = manifest.get("metadata") or {}
    adapter = str(metadata.get("adapter_type") or "dbt")
    nodes = _manifest_nodes(manifest)
    latest: dict[str, Mapping[str, Any]] = {}
    for document in run_results:
        for result in document.get("results") or []:
            unique_id = result.get("unique_id")
            if isinstance(unique_id, str) and unique_id.split(".")[0] in ASSET_RESOURCE_TYPES:
                latest[unique_id] = result
    outcomes = []
    for unique_id, result in latest.items():
        node = nodes.get(unique_id, {})
        relation = result.get("relation_name") or node.get("relation_name")
        if not relation:
            continue
        upstream = []
        for parent in (node.get("depends_on") or {}).get("nodes") or []:
            parent_relation = nodes.get(parent, {}).get("relation_name")
            if parent_relation:
                upstream.append(asset_key(adapter, parent_relation))
        execution_time = result.get("execution_time")
        outcomes.append(
            NodeOutcome(
                unique_id=unique_id,
                name=str(node.get("name") or unique_id.split(".")[-1]),
                resource_type=unique_id.split(".")[0],
                key=asset_key(adapter, relation),
                status=str(result.get("status")),
                execution_time=float(execution_time)
                if isinstance(execution_time, int | float)
                else None,
                message=result.get("message"),
                description=str(node.get("description") or ""),
                upstream=tuple(upstream),
            )
        )
    return outcomes
