"""Sends events through the OpenLineage client, configured the usual way (OPENLINEAGE_URL,
OPENLINEAGE_API_KEY, openlineage.yml): a backend that fails is reported, never raised."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from openlineage.client import OpenLineageClient
from openlineage.client.event_v2 import RunEvent

__all__ = ["EmitReport", "emit_events"]

logger = logging.getLogger("paradime_bolt.lineage")


@dataclass
class EmitReport:
    """How many events the transport took, how many it did not, and why."""

    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failed == 0


def _unreachable(exc: BaseException) -> bool:
    """A connection that could not be made or timed out: the rest would fail the same way."""
    try:
        import requests
    except ImportError:  # pragma: no cover - openlineage-python depends on requests
        return False
    return isinstance(exc, (requests.ConnectionError, requests.Timeout))


def emit_events(events: Iterable[RunEvent], client: OpenLineageClient | None = None) -> EmitReport:
    """Emits `events` in order through `client` (default: `OpenLineageClient()`, configured from
    the environment). A backend that refuses an event is noted and the next one tried; one that
    cannot be reached stops the sending. Nothing is raised for either: see the report."""
    events = list(events)
    report = EmitReport()
    try:
        client = client or OpenLineageClient()
    except Exception as exc:  # noqa: BLE001 - a broken openlineage.yml or transport setting
        report.failed = len(events)
        report.errors.append(f"the OpenLineage client could not be set up: {exc}")
        return report
    for index, event in enumerate(events):
        try:
            client.emit(event)
        except Exception as exc:  # noqa: BLE001 - a failed backend never raises
            report.failed += 1
            state = event.eventType.value if event.eventType else "event"
            report.errors.append(f"{state} {event.job.name}: {exc}")
            if _unreachable(exc):
                report.failed += len(events) - index - 1
                report.errors.append(
                    f"the lineage backend could not be reached: the last "
                    f"{len(events) - index - 1} events were not sent"
                )
                break
        else:
            report.sent += 1
    try:
        client.close(timeout=30.0)
    except Exception as exc:  # noqa: BLE001 - an asynchronous transport that could not flush
        report.errors.append(f"closing the OpenLineage transport: {exc}")
    for error in report.errors:
        logger.warning("lineage: %s", error)
    return report
