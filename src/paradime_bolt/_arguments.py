"""The facades' argument checks: what the schema can carry (GraphQL's 32-bit `Int`, a schedule
named exactly one way, a trigger's options), refused with `InvalidArgumentError` before any
request, where the API would answer HTTP 400."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

from ._exceptions import InvalidArgumentError
from ._generated.input_types import BoltCommandInput as CommandInput

__all__ = ["INT_MAX", "INT_MIN", "graphql_int", "schedule_selector", "trigger_arguments"]

INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # GraphQL's Int is a signed 32-bit integer


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
