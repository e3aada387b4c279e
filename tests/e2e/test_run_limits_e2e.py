"""What the client raises when the emulator refuses a trigger past a run limit: a
`GraphQLResponseError` (not a not-found or already-running error), whose message and
`extensions.code` say which limit."""

from __future__ import annotations

import pytest

from paradime_bolt import AlreadyRunningError, GraphQLResponseError, NotFoundError
from tests.support.twins import Twin

pytestmark = pytest.mark.e2e


def _refused(live: Twin, **arguments: object) -> GraphQLResponseError:
    with pytest.raises(GraphQLResponseError) as info:
        live.call("trigger_bolt_run", "daily run", **arguments)
    error = info.value
    assert not isinstance(error, AlreadyRunningError | NotFoundError)
    assert error.operation == "TriggerBoltRun"
    assert [detail.extensions.get("code") for detail in error.errors] == ["BAD_USER_INPUT"]
    return error


def test_too_many_commands(live: Twin) -> None:
    error = _refused(live, commands=["dbt run"] * 2_000)
    assert "InvalidArgumentsException: a run takes at most 100 commands, got 2,000" in str(error)


def test_a_megabyte_reason(live: Twin) -> None:
    error = _refused(live, reason="r" * 1_000_000)
    assert "reason is 1,000,000 characters long; the limit is 1,000" in str(error)


def test_a_branch_too_long(live: Twin) -> None:
    error = _refused(live, branch="b" * 256)
    assert "branch is 256 characters long; the limit is 255" in str(error)
