"""Typed Bolt run events: the `bolt.run.started` and `bolt.run.completed` webhook bodies.

What Paradime documents (one `bolt.run.completed` example, no `bolt.run.started` example) is
modelled as typed fields: the top-level `api_url` and `commands`, the eight fields of each command
and the three fields of each resource. Everything else the body carries (the example was cut off
before any further run-level key, so the run id, schedule name and state are not known by name)
is kept as-is: every model allows extra keys, reachable through `model_extra` and `extra(key)`.
An undocumented key is never dropped and never fatal.

The GraphQL strings a payload carries (`api_query`, `resource_query`) are plain data. This
package never sends them anywhere, and neither should you: fetch details with the client's own
generated operations, keyed by the ids in the event, e.g. `client.bolt_command(command_id=cmd.id)`
and `client.bolt_resource_url(resource_id=resource.id)`.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any, ClassVar, Final, Literal, TypeAlias

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
)

__all__ = [
    "EVENT_TYPES",
    "RUN_COMPLETED",
    "RUN_STARTED",
    "BoltRunEvent",
    "EventType",
    "RunCompletedEvent",
    "RunEvent",
    "RunStartedEvent",
    "WebhookCommand",
    "WebhookResource",
]

EventType = Literal["bolt.run.started", "bolt.run.completed"]
RUN_STARTED: Final = "bolt.run.started"
RUN_COMPLETED: Final = "bolt.run.completed"
EVENT_TYPES: Final[tuple[EventType, ...]] = (RUN_STARTED, RUN_COMPLETED)

# Command statuses (lower-cased) that mean the command did not succeed. The docs only show
# "succeeded"; these are the spellings a failed or cancelled command plausibly carries.
_FAILED_STATUSES: Final = frozenset({"failed", "error", "errored", "canceled", "cancelled"})

# A date and a time of day at least; pydantic parses the rest (seconds, fraction, offset).
_DATE_TIME_PREFIX: Final = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")


def _timestamp_input(value: object) -> object:
    """Lets through only what can be a timestamp: a datetime, or a string with a date and time.

    Numbers are refused rather than guessed at (seconds or milliseconds since the epoch?).
    """
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DATE_TIME_PREFIX.match(value.strip()):
        return value.strip()
    raise ValueError("expected a timestamp string such as '2023-10-15 16:44:14.576471' or ISO-8601")


def _aware(value: datetime) -> datetime:
    """A timestamp without a timezone is UTC (the docs' format carries none); others keep theirs."""
    offset = value.utcoffset()
    if offset is None:
        return value.replace(tzinfo=timezone.utc)
    return value.replace(tzinfo=timezone.utc if not offset else timezone(offset))


Timestamp = Annotated[datetime, BeforeValidator(_timestamp_input), AfterValidator(_aware)]
"""A timezone-aware datetime read from `YYYY-MM-DD HH:MM:SS.ffffff` (UTC) or ISO-8601."""


class _WebhookModel(BaseModel):
    """Immutable, and keeps every key it does not model (see `model_extra` and `extra`)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    def extra(self, key: str, default: Any = None) -> Any:
        """The value of an undocumented key of this object, or `default` when it is absent."""
        extras = self.model_extra
        if extras is None:
            return default
        return extras.get(key, default)


class WebhookResource(_WebhookModel):
    """One artifact a command produced, such as `target/run_results.json`.

    `resource_query` is data only: never execute it. Fetch a download URL with the client's own
    operation, `client.bolt_resource_url(resource_id=resource.id)`.
    """

    id: StrictInt
    path: StrictStr
    resource_query: StrictStr


class WebhookCommand(_WebhookModel):
    """One command of the run. Infrastructure steps (`git clone ...`, `dbt deps`) come first.

    `start_dttm` and `end_dttm` are timezone-aware: the docs' format has no timezone and is read
    as UTC. `end_dttm` and `return_code` are `None` for a command that has not ended, and so is
    `start_dttm` for one that has not started (our allowance: the docs show no started event).
    `status` is kept exactly as sent (the docs show `"succeeded"`).

    `api_query` is data only: never execute it. Fetch the command's logs and resources with the
    client's own operation, `client.bolt_command(command_id=command.id)`.
    """

    api_query: StrictStr
    command: StrictStr
    start_dttm: Timestamp | None = None
    end_dttm: Timestamp | None = None
    id: StrictInt
    json_resources: list[WebhookResource] = Field(default_factory=list)
    return_code: StrictInt | None = None
    status: StrictStr

    @property
    def failed(self) -> bool:
        """True for a non-zero return code, or a failed, errored or cancelled status."""
        if self.return_code is not None and self.return_code != 0:
            return True
        return self.status.strip().lower() in _FAILED_STATUSES

    @property
    def ended(self) -> bool:
        """True once the command has an end time."""
        return self.end_dttm is not None

    @property
    def duration(self) -> timedelta | None:
        """How long the command ran, when both its start and end are known."""
        if self.start_dttm is None or self.end_dttm is None:
            return None
        return self.end_dttm - self.start_dttm


class BoltRunEvent(_WebhookModel):
    """The body of a Bolt run webhook. `parse_event` returns one of its two subclasses.

    Only `api_url` and `commands` are documented at the run level; every other key is kept in
    `model_extra` (e.g. `event.extra("run_id")`, if Paradime sends such a key).
    """

    event_type: ClassVar[EventType]

    api_url: StrictStr
    commands: list[WebhookCommand]

    @property
    def failed_commands(self) -> list[WebhookCommand]:
        """The commands that failed (see `WebhookCommand.failed`), in run order."""
        return [command for command in self.commands if command.failed]

    @property
    def succeeded(self) -> bool:
        """True when the run has commands, every one has ended, and none failed.

        Derived from the commands alone: the run's own state is not a documented field.
        """
        return bool(self.commands) and all(
            command.ended and not command.failed for command in self.commands
        )

    def find_resource(self, path: str) -> WebhookResource | None:
        """The resource with exactly this path (e.g. `target/manifest.json`), latest command first.

        Several commands can each produce a `target/run_results.json`; the one produced by the
        last command in the run is returned.
        """
        for command in reversed(self.commands):
            for resource in command.json_resources:
                if resource.path == path:
                    return resource
        return None


class RunStartedEvent(BoltRunEvent):
    """`bolt.run.started`: a Bolt run has started. The docs show no example body for it."""

    event_type: ClassVar[EventType] = RUN_STARTED


class RunCompletedEvent(BoltRunEvent):
    """`bolt.run.completed`: a Bolt run has finished, whether it succeeded or failed."""

    event_type: ClassVar[EventType] = RUN_COMPLETED


RunEvent: TypeAlias = RunStartedEvent | RunCompletedEvent
"""What `parse_event` returns."""
