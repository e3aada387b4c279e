"""`BoltResource` from env vars, with each kind of credential, and secrets kept out of sight.

(No `from __future__ import annotations`: Dagster reads the test asset's annotations.)
"""

import asyncio
from typing import Any

import pytest
from dagster import (
    AssetExecutionContext,
    DagsterInstance,
    EnvVar,
    asset,
    materialize,
)

from dagster_paradime_bolt import BoltResource, build_bolt_assets
from paradime_bolt import ConfigurationError, CredentialKind

from .conftest import FAST, BoltEmulator

CLIENT_VARS = (
    "PARADIME_API_ENDPOINT",
    "PARADIME_API_KEY",
    "PARADIME_API_SECRET",
    "PARADIME_WORKSPACE_UID",
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in CLIENT_VARS:
        monkeypatch.delenv(name, raising=False)


def _credential_seen_in_a_step(bolt: BoltResource) -> tuple[CredentialKind, int, float, int]:
    """Materializes an asset that lists schedules with the resource's client."""
    seen: list[tuple[CredentialKind, int, float, int]] = []

    @asset
    def schedules(context: AssetExecutionContext, bolt: BoltResource) -> None:
        with bolt.get_client() as client:
            page = client.list_bolt_schedules(limit=50)
            config = client.config
            timeout = config.timeout
            assert isinstance(timeout, float | int)
            seen.append((config.credential, page.total_count, float(timeout), config.max_retries))

    result = materialize(
        [schedules], resources={"bolt": bolt}, instance=DagsterInstance.ephemeral()
    )
    assert result.success
    return seen[0]


def test_a_legacy_key_pair_from_envvar_fields(
    emulator: BoltEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MY_BOLT_ENDPOINT", emulator.endpoint)
    monkeypatch.setenv("MY_BOLT_KEY", emulator.api_key)
    monkeypatch.setenv("MY_BOLT_SECRET", emulator.api_secret)
    monkeypatch.setenv("MY_BOLT_TIMEOUT", "7")
    monkeypatch.setenv("MY_BOLT_RETRIES", "0")
    bolt = BoltResource(
        endpoint=EnvVar("MY_BOLT_ENDPOINT"),
        api_key=EnvVar("MY_BOLT_KEY"),
        api_secret=EnvVar("MY_BOLT_SECRET"),
        timeout=EnvVar.int("MY_BOLT_TIMEOUT"),
        max_retries=EnvVar.int("MY_BOLT_RETRIES"),
    )
    kind, schedules, timeout, retries = _credential_seen_in_a_step(bolt)
    assert kind is CredentialKind.API_KEY_PAIR
    assert schedules > 5
    assert (timeout, retries) == (7.0, 0)


def test_a_workspace_token_from_the_clients_own_env_vars(
    emulator: BoltEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert emulator.workspace_token is not None
    monkeypatch.setenv("PARADIME_API_ENDPOINT", emulator.endpoint)
    monkeypatch.setenv("PARADIME_API_SECRET", emulator.workspace_token)
    kind, schedules, timeout, retries = _credential_seen_in_a_step(BoltResource())
    assert kind is CredentialKind.WORKSPACE_TOKEN
    assert schedules > 5
    assert (timeout, retries) == (30.0, 2)  # the client's defaults


def test_an_account_api_key_materializes_without_its_secret_anywhere(
    emulator: BoltEmulator, manifest: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = emulator.account_key
    assert secret is not None
    monkeypatch.setenv("PARADIME_API_ENDPOINT", emulator.endpoint)
    monkeypatch.setenv("BOLT_ACCOUNT_KEY", secret)
    monkeypatch.setenv("BOLT_WORKSPACE", emulator.workspaces[0])
    bolt = BoltResource(
        api_secret=EnvVar("BOLT_ACCOUNT_KEY"), workspace_uid=EnvVar("BOLT_WORKSPACE")
    )
    assert _credential_seen_in_a_step(bolt)[0] is CredentialKind.ACCOUNT_API_KEY

    assets = build_bolt_assets(schedule_name="full refresh", manifest=manifest, **FAST)
    instance = DagsterInstance.ephemeral()
    result = materialize([assets], resources={"bolt": bolt}, instance=instance)
    assert result.success
    assert len(result.asset_materializations_for_node(assets.op.name)) == 8
    logged = "\n".join(repr(entry) for entry in instance.all_logs(result.run_id)) + repr(
        instance.get_run_by_id(result.run_id)
    )
    assert "prdm_cmp_" not in logged
    assert secret not in logged


def test_a_secret_given_directly_is_masked_in_reprs_and_absent_from_the_run(
    emulator: BoltEmulator,
) -> None:
    secret = emulator.workspace_token
    assert secret is not None
    bolt = BoltResource(endpoint=emulator.endpoint, api_secret=secret)
    assert secret not in repr(bolt)
    assert secret not in str(bolt)
    assert "api_secret='**********'" in repr(bolt)

    @asset
    def schedules(bolt: BoltResource) -> None:
        with bolt.get_client() as client:
            client.list_bolt_schedules()

    instance = DagsterInstance.ephemeral()
    result = materialize([schedules], resources={"bolt": bolt}, instance=instance)
    assert result.success
    logged = "\n".join(repr(entry) for entry in instance.all_logs(result.run_id))
    assert secret not in logged + repr(instance.get_run_by_id(result.run_id))


def test_the_async_client_has_the_same_settings(
    emulator: BoltEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARADIME_API_KEY", emulator.api_key)
    monkeypatch.setenv("PARADIME_API_SECRET", emulator.api_secret)
    bolt = BoltResource(endpoint=emulator.endpoint, max_retries=1)

    async def total() -> tuple[int, int]:
        async with bolt.get_async_client() as client:
            page = await client.list_bolt_schedules(limit=50)
            return page.total_count, client.config.max_retries

    with bolt.get_client() as client:
        expected = client.list_bolt_schedules(limit=50).total_count
    assert asyncio.run(total()) == (expected, 1)


def test_missing_settings_fail_the_step_naming_the_variable() -> None:
    assets_resource = BoltResource(endpoint="http://127.0.0.1:1/graphql")
    with pytest.raises(ConfigurationError, match="PARADIME_API_SECRET is not set"):
        assets_resource.get_client()
