"""Every kind of credential against the emulator over real HTTP, on both twins: a run triggered
and followed to its artifacts; workspaces kept apart; refusals typed and naming the kind."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from paradime_bolt import (
    AsyncBoltClient,
    AuthenticationError,
    BoltClient,
    HTTPStatusError,
    OperationFailedError,
    RunState,
)
from paradime_bolt_emulator.pytest_plugin import BoltEmulator
from tests.support.twins import Twin

pytestmark = [pytest.mark.e2e, pytest.mark.bolt_emulator(workspaces=["ws-main", "ws-other"])]

FAST = {"poll_interval": 0.05, "max_poll_interval": 0.2, "timeout": 60}
Credentials = Callable[[BoltEmulator], dict[str, Any]]
CREDENTIALS: dict[str, Credentials] = {
    "key-pair": lambda e: {"api_key": e.api_key, "api_secret": e.api_secret},
    "workspace-token": lambda e: {"api_key": None, "api_secret": e.workspace_token},
    "account-key": lambda e: {
        "api_key": None,
        "api_secret": e.account_key,
        "workspace_uid": "ws-main",
    },
    "account-key-other-workspace": lambda e: {
        "api_key": None,
        "api_secret": e.account_key,
        "workspace_uid": "ws-other",
    },
}


def as_(twin: Twin, emulator: BoltEmulator, kind: str) -> Twin:
    return twin.with_options(**{"workspace_uid": None, **CREDENTIALS[kind](emulator)})


@pytest.mark.parametrize("kind", list(CREDENTIALS))
def test_each_credential_triggers_and_follows_a_run_to_its_artifacts(
    fresh_live: Twin, bolt_emulator: BoltEmulator, kind: str
) -> None:
    client = as_(fresh_live, bolt_emulator, kind)
    run = client.call("trigger_and_wait", "daily run", raise_on_failure=True, **FAST)
    assert run.run_state is RunState.SUCCESS
    manifest = client.call("download_json_artifact", run.run_id, "target/manifest.json")
    assert manifest["nodes"]
    runs = client.call("list_bolt_runs", "daily run").runs
    assert [r.id for r in runs] == [run.run_id]


def test_workspaces_never_see_each_others_runs(
    fresh_live: Twin, bolt_emulator: BoltEmulator
) -> None:
    other = as_(fresh_live, bolt_emulator, "account-key-other-workspace")
    main = as_(fresh_live, bolt_emulator, "account-key")
    token = as_(fresh_live, bolt_emulator, "workspace-token")
    pair = as_(fresh_live, bolt_emulator, "key-pair")
    run = other.call("trigger_and_wait", "daily run", **FAST)
    for client in (main, token, pair):
        with pytest.raises(OperationFailedError):
            client.call("bolt_run_status", run.run_id)
        assert client.call("list_bolt_runs", "daily run").runs == []
        assert client.call("bolt_schedule_name", "daily run").latest_run_id is None
    assert other.call("bolt_schedule_name", "daily run").latest_run_id == run.run_id
    mine = token.call("trigger_and_wait", "daily run", **FAST)
    assert main.call("bolt_run_status", mine.run_id).run_state is RunState.SUCCESS
    with pytest.raises(OperationFailedError):
        other.call("bolt_run_status", mine.run_id)


@pytest.mark.parametrize(
    ("credentials", "status", "named"),
    [
        ({"api_secret": "prdm_wsp_not-the-token"}, 401, "the workspace token"),
        (
            {"api_secret": "prdm_cmp_not-the-key", "workspace_uid": "ws-main"},
            401,
            "the account API key for workspace 'ws-main'",
        ),
        ({"workspace_uid": "ws-other"}, 403, "the workspace token for workspace 'ws-other'"),
    ],
    ids=["wrong-token", "wrong-account-key", "token-other-workspace"],
)
def test_refused_tokens_raise_authentication_errors_naming_the_kind(
    fresh_live: Twin,
    bolt_emulator: BoltEmulator,
    credentials: dict[str, Any],
    status: int,
    named: str,
) -> None:
    client = as_(fresh_live, bolt_emulator, "workspace-token").with_options(**credentials)
    with pytest.raises(AuthenticationError) as info:
        client.call("list_bolt_schedules")
    assert info.value.status_code == status
    assert named in str(info.value)
    for secret in (bolt_emulator.workspace_token, bolt_emulator.account_key, "not-the"):
        assert secret is not None and secret not in str(info.value)


def test_an_unknown_workspace_is_refused_like_one_without_access(
    fresh_live: Twin, bolt_emulator: BoltEmulator
) -> None:
    client = as_(fresh_live, bolt_emulator, "account-key").with_options(workspace_uid="ws-nope")
    with pytest.raises(AuthenticationError) as info:
        client.call("list_bolt_schedules")
    assert info.value.status_code == 403
    assert "the account API key for workspace 'ws-nope'" in str(info.value)
    assert isinstance(info.value, HTTPStatusError)


def test_with_workspace_follows_runs_in_two_workspaces_over_one_pool(
    bolt_emulator: BoltEmulator,
) -> None:
    settings = {"endpoint": bolt_emulator.endpoint, "api_secret": bolt_emulator.account_key}
    with BoltClient(**settings, workspace_uid="ws-main") as main:
        other = main.with_workspace("ws-other")
        here = main.trigger_and_wait("daily run", **FAST)
        there = other.trigger_and_wait("daily run", **FAST)
        assert here.run_id != there.run_id
        assert [r.id for r in main.list_bolt_runs("daily run").runs] == [here.run_id]
        assert [r.id for r in other.list_bolt_runs("daily run").runs] == [there.run_id]

    async def run() -> tuple[list[int], list[int]]:
        async with AsyncBoltClient(**settings, workspace_uid="ws-other") as bolt:
            main = bolt.with_workspace("ws-main")
            await main.trigger_and_wait("hourly refresh", **FAST)
            return (
                [r.id for r in (await main.list_bolt_runs("hourly refresh")).runs],
                [r.id for r in (await bolt.list_bolt_runs("hourly refresh")).runs],
            )

    in_main, in_other = asyncio.run(run())
    assert len(in_main) == 1 and in_other == []
