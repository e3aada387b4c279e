"""The webhook body the emulator POSTs for ``bolt.run.started`` and ``bolt.run.completed``.

What Paradime documents (one ``bolt.run.completed`` example, cut off after the commands)
is reproduced exactly: a JSON object whose keys are sorted alphabetically at every level, with

- ``api_url``: the emulator's own GraphQL endpoint, e.g. ``http://127.0.0.1:8765/graphql``;
- ``commands``: every command of the run in order (``git clone ...`` and ``dbt deps`` first),
  each with the eight documented keys ``api_query``, ``command``, ``end_dttm``, ``id``,
  ``json_resources`` (each ``id``, ``path``, ``resource_query``), ``return_code``,
  ``start_dttm`` and ``status``. ``api_query`` and ``resource_query`` are the GraphQL documents
  the docs show, with ``\\n`` and 4-space indents and the id written in; timestamps use the docs'
  ``YYYY-MM-DD HH:MM:SS.ffffff`` (UTC).

``status`` is ``"succeeded"`` for return code 0, the only value the docs show. The others are
**the emulator's choice**, since Paradime documents none: ``"failed"`` for any other return code,
``"canceled"`` for a command ended by cancelling its run, and ``"running"`` for a command that
has not ended (which a completed run never has).

Run-level keys beyond ``api_url`` and ``commands`` are **not documented** (the docs' example
ends before them). The emulator adds these **extras of its own choosing**, named after its API's
fields; do not expect Paradime to send them under these names:

- ``event``: ``"bolt.run.started"`` or ``"bolt.run.completed"``;
- ``run_id``, ``schedule_name``, ``branch``, ``commit_hash``;
- ``state``: the API's run state, ``RUNNING`` in a started event, then ``SUCCESS``, ``ERROR``
  or ``CANCELED``;
- ``start_dttm`` (when the run was triggered, like ``BoltRun.startDttm``) and ``end_dttm``
  (when it ended; null in a started event).

A started event is sent when the run's first command starts, with ``commands: []`` (also our
choice: the docs show no started example). The event name also travels in an
``X-Paradime-Event`` header, another name of ours, which ``paradime_bolt.webhooks`` honours.
"""

from __future__ import annotations

import json
from typing import Final

from paradime_bolt_emulator.runs.engine import CANCELLED_RETURN_CODE
from paradime_bolt_emulator.runs.events import RUN_STARTED, CommandSnapshot, RunEvent
from paradime_bolt_emulator.storage.records import CANCELED
from paradime_bolt_emulator.timefmt import format_dttm, format_optional_dttm

BOLT_RUN_STARTED: Final = "bolt.run.started"
BOLT_RUN_COMPLETED: Final = "bolt.run.completed"

STATUS_SUCCEEDED: Final = "succeeded"  # documented
STATUS_FAILED: Final = "failed"  # the emulator's choice, like the three below
STATUS_CANCELED: Final = "canceled"
STATUS_RUNNING: Final = "running"


def event_name(event: RunEvent) -> str:
    """``bolt.run.started`` or ``bolt.run.completed``: Paradime's name for the event."""
    return BOLT_RUN_STARTED if event.kind == RUN_STARTED else BOLT_RUN_COMPLETED


def api_query(command_id: int) -> str:
    """The ``api_query`` of a command, formatted exactly as in the docs' example."""
    return (
        "query BoltCommand {\n"
        f"    boltCommand(commandId: {command_id}) {{\n"
        "        command startDttm endDttm stdout stderr returnCode scheduleRunId"
        " resources { id path }\n"
        "    }}"
    )


def resource_query(resource_id: int) -> str:
    """The ``resource_query`` of a resource, formatted exactly as in the docs' example."""
    return (
        "query BoltResourceUrl {\n"
        f"    boltResourceUrl(resourceId: {resource_id}) {{\n"
        "        ok url\n"
        "    }}"
    )


def command_status(return_code: int | None, run_state: str) -> str:
    """A command's ``status``: ``succeeded`` as documented; the others are the emulator's choice."""
    if return_code is None:
        return STATUS_RUNNING
    if return_code == 0:
        return STATUS_SUCCEEDED
    if return_code == CANCELLED_RETURN_CODE and run_state == CANCELED:
        return STATUS_CANCELED
    return STATUS_FAILED


def _command(command: CommandSnapshot, run_state: str) -> dict[str, object]:
    return {
        "api_query": api_query(command.id),
        "command": command.command,
        "end_dttm": format_optional_dttm(command.end_ts),
        "id": command.id,
        "json_resources": [
            {"id": resource_id, "path": path, "resource_query": resource_query(resource_id)}
            for resource_id, path in command.resources
        ],
        "return_code": command.return_code,
        "start_dttm": format_dttm(command.start_ts),
        "status": command_status(command.return_code, run_state),
    }


def build_payload(event: RunEvent, api_url: str) -> dict[str, object]:
    """The webhook body for a run event: the documented keys plus the emulator's extras.

    The keys are inserted in alphabetical order, as in the docs' example; ``encode_payload``
    also sorts them when it writes the JSON.
    """
    return {
        "api_url": api_url,
        "branch": event.branch,  # extra
        "commands": [_command(command, event.state) for command in event.commands],
        "commit_hash": event.commit_hash,  # extra
        "end_dttm": format_optional_dttm(event.ended_ts),  # extra
        "event": event_name(event),  # extra
        "run_id": event.run_id,  # extra
        "schedule_name": event.schedule_name,  # extra
        "start_dttm": format_dttm(event.trigger_ts),  # extra
        "state": event.state,  # extra
    }


def encode_payload(event: RunEvent, api_url: str) -> bytes:
    """The body as UTF-8 JSON, keys sorted at every level."""
    return json.dumps(build_payload(event, api_url), sort_keys=True).encode("utf-8")
