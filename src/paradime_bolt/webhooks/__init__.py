"""Bolt run webhooks: typed events, a parser that only ever raises one error, and a receiver.

    from paradime_bolt.webhooks import parse_event

    event = parse_event(request_body)  # bytes, str or a decoded mapping
    if event.event_type == "bolt.run.completed" and not event.succeeded:
        for command in event.failed_commands:
            print(command.command, command.return_code, command.status)
    run_results = event.find_resource("target/run_results.json")

Paradime documents two events, `bolt.run.started` and `bolt.run.completed`, one example body
(for `bolt.run.completed`, cut off after the commands) and no signature. See `parse_event` for how
the event type is settled, and `paradime_bolt.webhooks.receiver` for the ASGI receiver.

The GraphQL strings in an event (`api_query`, `resource_query`) are data and are never executed;
use the client's own operations with the ids the event carries.
"""

from . import _events
from ._errors import WebhookPayloadError
from ._events import *  # noqa: F403  (the event types and models: its __all__)
from ._parse import EVENT_TYPE_KEYS, WebhookBody, normalize_event_type, parse_event
from .receiver import WebhookCallback, WebhookReceiver, create_receiver

__all__ = [
    "EVENT_TYPE_KEYS",
    "WebhookBody",
    "WebhookCallback",
    "WebhookPayloadError",
    "WebhookReceiver",
    "create_receiver",
    "normalize_event_type",
    "parse_event",
]
__all__ += _events.__all__
