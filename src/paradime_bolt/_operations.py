"""What the sync and async facades share around each generated call: argument checks, and which
errors mean that the thing asked for does not exist. The transport refuses null and `ok: false`
payloads itself (`_response`); `lookup` says what such an `ok: false` means."""

from __future__ import annotations

import operator
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Literal

from ._exceptions import (
    AlreadyRunningError,
    GraphQLErrorDetail,
    GraphQLResponseError,
    InvalidArgumentError,
    NotFoundError,
    OperationFailedError,
)
from ._generated.input_types import BoltCommandInput as CommandInput

__all__ = ["graphql_int", "lookup", "schedule_selector", "trigger_arguments"]

INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # GraphQL's Int is a signed 32-bit integer
Kind = Literal["schedule", "run", "command", "resource"]

# How the API says a thing does not exist in a GraphQL error: the exception name opens the
# message (`ScheduleNotFoundException: ...`), and `extensions.code` may say NOT_FOUND.
_NOT_FOUND_NAME = re.compile(r"\b(Schedule|Run|Command|Resource)?NotFoundException\b")
_NOT_FOUND_CODE = "NOT_FOUND"


@contextmanager
def lookup(
    kind: Kind, asked: Mapping[str, Any], *, not_ok_is_missing: bool = True
) -> Iterator[None]:
    """Raises what says the `kind` of thing `asked` for does not exist as `NotFoundError`:
    a GraphQL "not found" error (whose exception name, `RunNotFoundException`, wins over `kind`)
    and, when `not_ok_is_missing`, the payload's `ok: false`. Any other `ok: false` stays an
    `OperationFailedError`, now naming `asked`. The operation is the one the error names."""
    try:
        yield
    except NotFoundError:
        raise
    except OperationFailedError as exc:
        operation = exc.operation or ""
        if not_ok_is_missing:
            raise NotFoundError(operation, asked, kind=kind) from None
        raise OperationFailedError(operation, asked) from None
    except GraphQLResponseError as exc:
        found = None if isinstance(exc, AlreadyRunningError) else _missing_kind(exc.errors)
        if found is None:
            raise
        raise NotFoundError(
            exc.operation or "", asked, kind=found or kind, errors=exc.errors, data=exc.data
        ) from None


def _missing_kind(errors: Sequence[GraphQLErrorDetail]) -> str | None:
    """What a not-found error names ("" when it does not say), or None for other errors."""
    for error in errors:
        match = _NOT_FOUND_NAME.search(error.message)
        if match:
            return (match.group(1) or "").lower()
        if error.extensions.get("code") == _NOT_FOUND_CODE:
            return ""
    return None


def graphql_int(name: str, value: object, *, minimum: int = INT_MIN) -> int:
    """`value` as a GraphQL `Int` (a plain int, from `minimum` to 2**31 - 1), or
    `InvalidArgumentError`: the server would refuse the whole request with HTTP 400."""
    try:
        if isinstance(value, bool):
            raise TypeError
        number = operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise InvalidArgumentError(f"{name} must be an integer, not {value!r}") from None
    if minimum > INT_MIN and number < minimum:
        raise InvalidArgumentError(f"{name} must be at least {minimum}, not {number}")
    if not minimum <= number <= INT_MAX:
        raise InvalidArgumentError(
            f"{name} must fit GraphQL's 32-bit Int ({minimum} to {INT_MAX}), not {number}"
        )
    return number


def schedule_selector(schedule_name: str | None, slug: str | None) -> dict[str, str]:
    """The `scheduleName`/`slug` pair the API takes: exactly one, non-empty."""
    if (schedule_name is None) == (slug is None):
        raise InvalidArgumentError("pass exactly one of schedule_name= and slug=")
    if schedule_name is not None:
        return {"schedule_name": _non_empty("schedule_name", schedule_name)}
    return {"slug": _non_empty("slug", slug or "")}


def trigger_arguments(
    *,
    schedule_name: str | None,
    slug: str | None,
    commands: Sequence[str] | None,
    branch: str | None,
    pr_number: int | None,
    reason: str | None,
    command_configs: Sequence[CommandInput] | None,
    continue_on_error: bool | None,
) -> dict[str, Any]:
    """Checks a trigger's arguments and keeps only those given, so unset ones are not sent."""
    arguments: dict[str, Any] = schedule_selector(schedule_name, slug)
    if commands is not None and command_configs is not None:
        raise InvalidArgumentError("pass commands= or command_configs=, not both")
    if commands is not None:
        if isinstance(commands, str):
            raise InvalidArgumentError("commands= takes a list of commands, not one string")
        if not commands:
            raise InvalidArgumentError(
                "commands= must not be empty; leave it out to run the schedule's own commands"
            )
        arguments["commands"] = [_non_empty("commands[]", c) for c in commands]
    if command_configs is not None:
        if not command_configs:
            raise InvalidArgumentError("command_configs= must not be empty")
        arguments["command_configs"] = list(command_configs)
    if branch is not None:
        arguments["branch"] = _non_empty("branch", branch)
    if pr_number is not None:
        arguments["pr_number"] = graphql_int("pr_number", pr_number)
    if reason is not None:
        arguments["reason"] = reason
    if continue_on_error is not None:
        arguments["continue_on_error"] = continue_on_error
    return arguments


def _non_empty(name: str, value: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidArgumentError(f"{name} must be a non-empty string, not {value!r}")
    return value
