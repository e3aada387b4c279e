"""The one error the webhooks package raises for a payload it cannot read."""

from __future__ import annotations

from collections.abc import Sequence

from paradime_bolt._exceptions import BoltError

__all__ = ["WebhookPayloadError"]


class WebhookPayloadError(BoltError, ValueError):
    """A webhook body is not a Bolt run event: not JSON, not an object, or fields that do not fit.

    `problems` lists each problem as `location: message` (for example
    `commands.2.id: Input should be a valid integer`). Messages are built from the location and
    pydantic's description of the problem, never from the offending value, so a huge or hostile
    body is never echoed into a log line.
    """

    def __init__(self, message: str, *, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems: tuple[str, ...] = tuple(problems)
