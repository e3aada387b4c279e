"""BoltHook: connections in both layouts, given as AIRFLOW_CONN_* variables, every kind of
credential, against the emulator over HTTP."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from paradime_bolt import ConfigurationError, CredentialKind
from paradime_bolt_airflow import BoltHook
from tests.conftest import CONN_ENV, connection_json

pytestmark = pytest.mark.bolt_emulator(
    schedules="paradime_schedules.yml", workspaces=["analytics", "marketing"]
)


def _ours(emulator: Any, **fields: Any) -> str:
    return connection_json(conn_type="paradime_bolt", host=emulator.endpoint, **fields)


def _paradimes(emulator: Any, **extra: Any) -> str:
    return connection_json(conn_type="paradime", extra={"api_endpoint": emulator.endpoint, **extra})


def _credentials(emulator: Any) -> dict[str, dict[str, Any]]:
    """Each credential kind in both layouts: (our fields, Paradime's extras)."""
    return {
        "api_key_pair": {
            "ours": {"login": emulator.api_key, "password": emulator.api_secret},
            "paradime": {"api_key": emulator.api_key, "api_secret": emulator.api_secret},
        },
        "workspace_token": {
            "ours": {"password": emulator.workspace_token},
            "paradime": {"api_secret": emulator.workspace_token},
        },
        "account_api_key": {
            "ours": {"password": emulator.account_key, "extra": {"workspace_uid": "marketing"}},
            "paradime": {"api_secret": emulator.account_key, "workspace_uid": "marketing"},
        },
    }


@pytest.mark.parametrize("layout", ["ours", "paradime"])
@pytest.mark.parametrize("kind", list(CredentialKind))
def test_every_credential_in_both_layouts_reaches_the_api(
    bolt_emulator: Any, monkeypatch: pytest.MonkeyPatch, layout: str, kind: CredentialKind
) -> None:
    fields = _credentials(bolt_emulator)[kind.value][layout]
    value = (
        _ours(bolt_emulator, **fields) if layout == "ours" else _paradimes(bolt_emulator, **fields)
    )
    monkeypatch.setenv(CONN_ENV, value)
    hook = BoltHook()
    with hook.get_client() as bolt:
        assert bolt.config.credential is kind
        run = bolt.trigger_and_wait("daily run", raise_on_failure=True)
    workspace = "marketing" if kind is CredentialKind.ACCOUNT_API_KEY else "analytics"
    assert bolt.config.workspace_uid == (
        workspace if kind is CredentialKind.ACCOUNT_API_KEY else None
    )

    # The run is in the workspace the credential names, and the async client sees it too.
    async def state() -> str | None:
        async with hook.get_async_client() as abolt:
            return (await abolt.bolt_run_progress(run.run_id)).state

    assert asyncio.run(state()) == "SUCCESS"


def test_the_task_workspace_overrides_the_connection(
    bolt_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        CONN_ENV,
        _ours(
            bolt_emulator, password=bolt_emulator.account_key, extra={"workspace_uid": "marketing"}
        ),
    )
    with BoltHook(workspace_uid="analytics").get_client() as bolt:
        assert bolt.config.workspace_uid == "analytics"


def test_another_conn_id_and_a_uri_connection(
    bolt_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # host[:port]/schema without a scheme is https; a full URL in Host is taken as it is.
    monkeypatch.setenv(
        "AIRFLOW_CONN_BOLT_EU",
        connection_json(
            conn_type="paradime_bolt",
            host="api.eu.paradime.io",
            schema="api/v1/x/graphql",
            password="prdm_wsp_t",
        ),
    )
    assert BoltHook("bolt_eu").settings().endpoint == "https://api.eu.paradime.io/api/v1/x/graphql"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"password": "s"}, "has no API endpoint"),
        ({"host": "http://127.0.0.1:1/graphql"}, "has no secret"),
        ({"host": "http://127.0.0.1:1/graphql", "password": "legacy"}, "needs its API key"),
        ({"host": "http://127.0.0.1:1/graphql", "password": "prdm_cmp_x"}, "workspace_uid"),
    ],
)
def test_an_incomplete_connection_names_what_is_missing(
    monkeypatch: pytest.MonkeyPatch, fields: dict[str, Any], message: str
) -> None:
    monkeypatch.setenv(CONN_ENV, connection_json(conn_type="paradime_bolt", **fields))
    monkeypatch.setenv("PARADIME_API_KEY", "from-the-worker-env")  # never read
    monkeypatch.setenv("PARADIME_WORKSPACE_UID", "from-the-worker-env")
    with pytest.raises(ConfigurationError, match=message) as caught:
        BoltHook().get_client()
    assert "paradime_bolt_default" in str(caught.value)


def test_secrets_never_show(bolt_emulator: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "legacy-secret-NEVER-PRINT-ME"
    monkeypatch.setenv(
        CONN_ENV,
        _ours(
            bolt_emulator,
            login="k",
            password=secret,
            extra={"proxy": "http://u:pw-NEVER@127.0.0.1:9"},
        ),
    )
    hook = BoltHook()
    settings = hook.settings()
    shown = repr(hook) + repr(settings) + repr(hook.get_client(settings))
    assert secret not in shown and "pw-NEVER" not in shown
    assert (
        settings.redact(f"x {secret} y http://u:pw-NEVER@127.0.0.1:9")
        == "x ********** y **********"
    )


def test_a_proxy_in_the_connection_is_used(
    bolt_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Nothing listens on port 9: a client that honours the proxy cannot reach the emulator.
    monkeypatch.setenv(
        CONN_ENV,
        _paradimes(
            bolt_emulator,
            api_key=bolt_emulator.api_key,
            api_secret=bolt_emulator.api_secret,
            proxy="http://127.0.0.1:9",
        ),
    )
    from paradime_bolt import TransportError

    with BoltHook(max_retries=0).get_client() as bolt, pytest.raises(TransportError):
        bolt.list_bolt_schedules(limit=1)


def test_test_connection(bolt_connection: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    ok, message = BoltHook().test_connection()
    assert ok, message
    monkeypatch.setenv(CONN_ENV, _ours(bolt_connection, login="k", password="wrong-secret"))
    ok, message = BoltHook().test_connection()
    assert not ok and "wrong-secret" not in message


def test_run_url_uses_the_app_url_of_the_connection(
    bolt_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CONN_ENV, _ours(bolt_emulator, password="prdm_wsp_x"))
    assert BoltHook().run_url(42) == "https://app.paradime.io/bolt/run_id/42"
    monkeypatch.setenv(
        CONN_ENV,
        _ours(bolt_emulator, password="prdm_wsp_x", extra={"app_url": "https://app.acme.dev/"}),
    )
    assert BoltHook().run_url(42) == "https://app.acme.dev/bolt/run_id/42"
