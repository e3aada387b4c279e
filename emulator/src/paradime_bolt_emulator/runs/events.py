"""The hook for run lifecycle events, like Paradime's ``bolt.run.started``/``completed`` webhooks.

The engine calls every listener once per event, after the change is committed, outside the
database lock, and never twice for the same run (delivery is recorded in SQLite, so a restart
does not repeat an event; a run that finished while the emulator was stopped is reported when it
starts again). ``started`` fires when the run's first command starts (STARTING -> RUNNING); a run
cancelled while still STARTING only reports ``completed``. ``webhooks.WebhookSender`` is the
listener that turns these events into HTTP POSTs.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

logger = logging.getLogger(__name__)

RUN_STARTED: Literal["started"] = "started"
RUN_COMPLETED: Literal["completed"] = "completed"


@dataclass(frozen=True)
class CommandSnapshot:
    """A command of the run as it stood when the event fired, with its resources (id, path)."""

    id: int
    command: str
    start_ts: float
    end_ts: float | None
    return_code: int | None
    resources: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class RunEvent:
    """A run started (state RUNNING, no commands yet) or completed (final state, every command)."""

    kind: Literal["started", "completed"]
    run_id: int
    schedule_name: str
    state: str
    trigger_ts: float
    ended_ts: float | None
    branch: str
    commit_hash: str
    commands: tuple[CommandSnapshot, ...]


class RunEventListener(Protocol):
    """Receives run events; a listener that raises is logged and does not stop the others."""

    def __call__(self, event: RunEvent) -> None:
        """Handle one event."""


def deliver(listeners: Sequence[RunEventListener], events: Sequence[RunEvent]) -> None:
    """Call every listener with every event, in order, logging listener failures."""
    for event in events:
        for listener in listeners:
            try:
                listener(event)
            except Exception:
                logger.exception("run %s listener failed for run %s", event.kind, event.run_id)
