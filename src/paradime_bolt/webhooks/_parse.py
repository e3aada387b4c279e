"""`parse_event`: any input in, a typed Bolt run event or a `WebhookPayloadError` out."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Final, Literal, TypeAlias, overload

from pydantic import ValidationError

from ._errors import WebhookPayloadError
from ._events import (
    EVENT_TYPES,
    RUN_COMPLETED,
    RUN_STARTED,
    EventType,
    RunCompletedEvent,
    RunEvent,
    RunStartedEvent,
)

__all__ = ["EVENT_TYPE_KEYS", "WebhookBody", "normalize_event_type", "parse_event"]

WebhookBody: TypeAlias = bytes | bytearray | memoryview | str | Mapping[str, object]
"""A raw request body (bytes or text holding JSON) or an already decoded JSON object."""

EVENT_TYPE_KEYS: Final = ("event", "event_type", "type")
"""Top-level body keys consulted, in this order, for the event name (none is documented)."""

_MAX_PROBLEMS: Final = 10
_MAX_LOC_PART: Final = 40
_MAX_MSG: Final = 200

_CLASSES: Final[dict[EventType, type[RunStartedEvent] | type[RunCompletedEvent]]] = {
    RUN_STARTED: RunStartedEvent,
    RUN_COMPLETED: RunCompletedEvent,
}


class _NonStandardConstant(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def normalize_event_type(value: object) -> EventType | None:
    """`bolt.run.started` or `bolt.run.completed` for a string naming one (any case, padded)."""
    if not isinstance(value, str):
        return None
    name = value.strip().lower()
    for known in EVENT_TYPES:
        if name == known:
            return known
    return None


@overload
def parse_event(
    body: WebhookBody, *, event_type: Literal["bolt.run.started"]
) -> RunStartedEvent: ...
@overload
def parse_event(
    body: WebhookBody, *, event_type: Literal["bolt.run.completed"]
) -> RunCompletedEvent: ...
@overload
def parse_event(body: WebhookBody, *, event_type: str | None = None) -> RunEvent: ...
def parse_event(body: WebhookBody, *, event_type: str | None = None) -> RunEvent:
    """Reads a Bolt run webhook body into a `RunStartedEvent` or a `RunCompletedEvent`.

    `body` is the raw request body (`bytes` in UTF-8, or `str`) holding a JSON object, or an
    already decoded mapping. Any other input, and any body that is not a valid event, raises
    `WebhookPayloadError` naming what is wrong; no other exception escapes, whatever the input.

    Which event it is. Paradime documents the two event names but not where a delivery carries
    the name, so the type is settled by the first of these that applies:

    1. `event_type`, when given: `"bolt.run.started"` or `"bolt.run.completed"` (any case).
       Any other value raises `WebhookPayloadError`. The receiver passes the value of its event
       header here when that header names one of the two events.
    2. The first of the top-level keys `event`, `event_type`, `type` whose value is one of the
       two names. A value that is not one of them is ignored (and kept as an extra field).
    3. Our inference, from the commands alone: `bolt.run.completed` when there is at least one
       command and every command has a non-null `end_dttm`, otherwise `bolt.run.started`.

    The GraphQL strings in the body are returned as plain data and never executed.
    """
    try:
        return _parse(body, event_type)
    except WebhookPayloadError:
        raise
    except RecursionError:
        raise WebhookPayloadError("payload is nested too deeply to read") from None
    except Exception as exc:  # noqa: BLE001 - the promise is that nothing but our error escapes
        raise WebhookPayloadError(f"payload could not be read ({type(exc).__name__})") from None


def _parse(body: object, event_type: str | None) -> RunEvent:
    explicit: EventType | None = None
    if event_type is not None:
        explicit = normalize_event_type(event_type)
        if explicit is None:
            shown = repr(event_type)[:60] if isinstance(event_type, str) else type(event_type)
            raise WebhookPayloadError(
                f"unknown event type {shown}: expected {RUN_STARTED!r} or {RUN_COMPLETED!r}"
            )
    data = _decode(body)
    kind = explicit or _named_in_body(data) or _inferred(data)
    try:
        return _CLASSES[kind].model_validate(data)
    except ValidationError as exc:
        problems = [
            _describe(error["loc"], error["msg"])
            for error in exc.errors(include_url=False, include_context=False, include_input=False)
        ]
        shown = "; ".join(problems[:_MAX_PROBLEMS])
        if len(problems) > _MAX_PROBLEMS:
            shown += f"; and {len(problems) - _MAX_PROBLEMS} more"
        raise WebhookPayloadError(f"invalid Bolt run event: {shown}", problems=problems) from None


def _decode(body: object) -> dict[object, object]:
    if isinstance(body, bytes | bytearray | memoryview):
        try:
            text = bytes(body).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise WebhookPayloadError(f"payload is not valid UTF-8 (at byte {exc.start})") from None
        value = _loads(text)
    elif isinstance(body, str):
        value = _loads(body)
    elif isinstance(body, Mapping):
        return dict(body)
    else:
        raise WebhookPayloadError(
            f"payload must be bytes, str or a mapping, not {type(body).__name__}"
        )
    if not isinstance(value, dict):
        raise WebhookPayloadError(f"payload must be a JSON object, not {_json_kind(value)}")
    return value


def _loads(text: str) -> object:
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise WebhookPayloadError("payload is empty")
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise WebhookPayloadError(
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except _NonStandardConstant as exc:
        raise WebhookPayloadError(f"invalid JSON: {exc.name} is not a JSON value") from None
    except RecursionError:
        raise WebhookPayloadError("invalid JSON: nested too deeply to read") from None
    except ValueError:
        # json raises a plain ValueError for an integer longer than Python will convert.
        raise WebhookPayloadError("invalid JSON: a number has too many digits") from None


def _reject_constant(name: str) -> object:
    raise _NonStandardConstant(name)


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if value is None:
        return "null"
    return type(value).__name__


def _named_in_body(data: dict[object, object]) -> EventType | None:
    for key in EVENT_TYPE_KEYS:
        named = normalize_event_type(data.get(key))
        if named is not None:
            return named
    return None


def _inferred(data: dict[object, object]) -> EventType:
    commands = data.get("commands")
    if (
        isinstance(commands, list)
        and commands
        and all(
            isinstance(command, Mapping) and command.get("end_dttm") is not None
            for command in commands
        )
    ):
        return RUN_COMPLETED
    return RUN_STARTED


def _describe(loc: tuple[int | str, ...], msg: str) -> str:
    parts = [_clip(str(part), _MAX_LOC_PART) for part in loc]
    where = ".".join(parts) if parts else "payload"
    return f"{where}: {_clip(msg, _MAX_MSG)}"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
