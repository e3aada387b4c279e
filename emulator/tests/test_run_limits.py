"""Run limits: how many commands a trigger may ask for, and how long a command, the branch and
the reason may be. Past a limit the trigger is an InvalidArgumentsException naming it."""

from __future__ import annotations

from typing import Any

import pytest

from paradime_bolt_emulator.api.limits import (
    MAX_BRANCH_CHARS,
    MAX_COMMAND_CHARS,
    MAX_COMMANDS_PER_RUN,
    MAX_REASON_CHARS,
)

from .support import Api

TRIGGER = (
    "mutation($commands: [String!], $configs: [BoltCommandInput!], $branch: String,"
    ' $reason: String) { triggerBoltRun(scheduleName: "daily run", commands: $commands,'
    " commandConfigs: $configs, branch: $branch, reason: $reason) { runId } }"
)


def refused(api: Api, **variables: Any) -> str:
    error = api.error(TRIGGER, **variables)
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}
    message: str = error["message"]
    assert message.startswith("InvalidArgumentsException: ")
    return message


def test_a_run_at_every_limit_is_accepted(api: Api) -> None:
    commands = ["dbt run " + "x" * (MAX_COMMAND_CHARS - 8)] + ["dbt test"] * (
        MAX_COMMANDS_PER_RUN - 1
    )
    data = api.data(
        TRIGGER,
        commands=commands,
        branch="b" * MAX_BRANCH_CHARS,
        reason="r" * MAX_REASON_CHARS,
    )
    assert data["triggerBoltRun"]["runId"] > 0


@pytest.mark.parametrize("argument", ["commands", "configs"])
def test_too_many_commands(api: Api, argument: str) -> None:
    texts = ["dbt run"] * 2_000
    value: list[Any] = texts if argument == "commands" else [{"command": t} for t in texts]
    message = refused(api, **{argument: value})
    assert message.endswith(f"a run takes at most {MAX_COMMANDS_PER_RUN} commands, got 2,000")


def test_a_command_too_long(api: Api) -> None:
    message = refused(api, commands=["dbt run", "x" * (MAX_COMMAND_CHARS + 1)])
    assert message.endswith(
        f"command 2 is {MAX_COMMAND_CHARS + 1:,} characters long; the limit is "
        f"{MAX_COMMAND_CHARS:,}"
    )


def test_a_branch_too_long(api: Api) -> None:
    message = refused(api, branch="b" * (MAX_BRANCH_CHARS + 1))
    assert message.endswith(f"branch is {MAX_BRANCH_CHARS + 1} characters long; the limit is 255")


def test_a_megabyte_reason(api: Api) -> None:
    message = refused(api, reason="r" * 1_000_000)
    assert message.endswith(
        f"reason is 1,000,000 characters long; the limit is {MAX_REASON_CHARS:,}"
    )


def test_a_refused_trigger_starts_no_run(api: Api) -> None:
    refused(api, commands=["dbt run"] * (MAX_COMMANDS_PER_RUN + 1))
    runs = api.data('{ listBoltRuns(scheduleName: "daily run") { runs { id } } }')
    assert runs["listBoltRuns"]["runs"] == []
