"""The three kinds of credential, told apart by the secret's prefix as Paradime's clients do:
a legacy key and secret, a `prdm_wsp_` workspace token, a `prdm_cmp_` account API key (which names
its workspace on every request); and credentials checked when the client is built."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest
from pytest_httpx import HTTPXMock

from paradime_bolt import (
    AsyncBoltClient,
    AuthenticationError,
    BoltClient,
    BoltError,
    ConfigurationError,
    CredentialKind,
    SimulatedClock,
)
from tests.support.fake_api import API_KEY, API_SECRET, ENDPOINT
from tests.support.twins import Twin

WORKSPACE_TOKEN = "prdm_wsp_0123456789abcdef-NEVER-PRINT-ME"
ACCOUNT_KEY = "prdm_cmp_fedcba9876543210-NEVER-PRINT-ME"
STATUS = {"data": {"boltRunStatus": {"ok": True, "state": "RUNNING", "commands": []}}}
CLIENTS = [BoltClient, AsyncBoltClient]


def _sent(httpx_mock: HTTPXMock) -> httpx.Headers:
    request = httpx_mock.get_request()
    assert request is not None
    return request.headers


@pytest.mark.parametrize(
    ("credentials", "expected", "absent"),
    [
        (
            {"api_key": API_KEY, "api_secret": API_SECRET},
            {"X-API-KEY": API_KEY, "X-API-SECRET": API_SECRET},
            ["Authorization", "X-Paradime-Workspace"],
        ),
        (
            {"api_secret": WORKSPACE_TOKEN},
            {"Authorization": f"Bearer {WORKSPACE_TOKEN}"},
            ["X-API-KEY", "X-API-SECRET", "X-Paradime-Workspace"],
        ),
        (
            {"api_key": "left-over-key", "api_secret": WORKSPACE_TOKEN},
            {"Authorization": f"Bearer {WORKSPACE_TOKEN}"},
            ["X-API-KEY", "X-API-SECRET"],
        ),
        (
            {"api_secret": ACCOUNT_KEY, "workspace_uid": "ws-analytics"},
            {"Authorization": f"Bearer {ACCOUNT_KEY}", "X-Paradime-Workspace": "ws-analytics"},
            ["X-API-KEY", "X-API-SECRET"],
        ),
        (
            {"api_key": API_KEY, "api_secret": API_SECRET, "workspace_uid": "ws-analytics"},
            {"X-API-KEY": API_KEY, "X-Paradime-Workspace": "ws-analytics"},
            ["Authorization"],
        ),
    ],
    ids=["legacy", "workspace-token", "token-ignores-key", "account-key", "legacy-with-workspace"],
)
def test_each_kind_sends_its_headers(
    twin: Twin,
    httpx_mock: HTTPXMock,
    credentials: dict[str, str],
    expected: dict[str, str],
    absent: list[str],
) -> None:
    httpx_mock.add_response(url=ENDPOINT, json=STATUS)
    base = {"api_key": None, "api_secret": None, "workspace_uid": None}
    twin.with_options(**{**base, **credentials}).call("bolt_run_status", 1)
    headers = _sent(httpx_mock)
    for name, value in expected.items():
        assert headers[name] == value
    for name in absent:
        assert name not in headers


@pytest.mark.parametrize(
    ("secret", "kind"),
    [
        (API_SECRET, CredentialKind.API_KEY_PAIR),
        (WORKSPACE_TOKEN, CredentialKind.WORKSPACE_TOKEN),
        (ACCOUNT_KEY, CredentialKind.ACCOUNT_API_KEY),
    ],
)
def test_the_kind_is_told_by_the_prefix(secret: str, kind: CredentialKind) -> None:
    with BoltClient(
        endpoint=ENDPOINT, api_key=API_KEY, api_secret=secret, workspace_uid="ws-1"
    ) as bolt:
        assert bolt.config.credential is kind
        assert bolt.config.api_key == (API_KEY if kind is CredentialKind.API_KEY_PAIR else None)


@pytest.mark.parametrize(
    ("secret", "kind"),
    [
        (API_SECRET, CredentialKind.API_KEY_PAIR),
        (f" {WORKSPACE_TOKEN}\n", CredentialKind.WORKSPACE_TOKEN),
        (ACCOUNT_KEY, CredentialKind.ACCOUNT_API_KEY),
    ],
)
def test_credential_kind_of_a_secret_needs_no_client(secret: str, kind: CredentialKind) -> None:
    assert CredentialKind.of(secret) is kind


@pytest.mark.parametrize("client_class", CLIENTS)
def test_an_account_key_without_a_workspace_fails_before_any_request(
    client_class: type[BoltClient] | type[AsyncBoltClient], httpx_mock: HTTPXMock
) -> None:
    with pytest.raises(ConfigurationError) as info:
        client_class(endpoint=ENDPOINT, api_secret=ACCOUNT_KEY)
    message = str(info.value)
    assert "PARADIME_WORKSPACE_UID" in message
    assert "workspace_uid=" in message
    assert "account API key" in message
    assert ACCOUNT_KEY not in message and ACCOUNT_KEY not in repr(info.value)
    assert httpx_mock.get_requests() == []


@pytest.mark.parametrize("client_class", CLIENTS)
def test_a_legacy_secret_without_a_key_fails_naming_both_ways_out(
    client_class: type[BoltClient] | type[AsyncBoltClient],
) -> None:
    with pytest.raises(ConfigurationError) as info:
        client_class(endpoint=ENDPOINT, api_secret=API_SECRET)
    message = str(info.value)
    assert "PARADIME_API_KEY" in message
    assert "prdm_wsp_" in message and "prdm_cmp_" in message
    assert API_SECRET not in message


def test_a_token_that_is_only_its_prefix_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="only its prefix"):
        BoltClient(endpoint=ENDPOINT, api_secret="prdm_wsp_")


def test_the_workspace_comes_from_the_argument_then_the_environment(
    monkeypatch: pytest.MonkeyPatch, httpx_mock: HTTPXMock
) -> None:
    monkeypatch.setenv("PARADIME_API_ENDPOINT", ENDPOINT)
    monkeypatch.setenv("PARADIME_API_SECRET", ACCOUNT_KEY)
    monkeypatch.setenv("PARADIME_WORKSPACE_UID", "  ws-from-env\n")
    httpx_mock.add_response(url=ENDPOINT, json=STATUS, is_reusable=True)
    with BoltClient() as bolt:
        assert bolt.config.workspace_uid == "ws-from-env"
        bolt.bolt_run_status(1)
    with BoltClient(workspace_uid="ws-from-argument") as bolt:
        bolt.bolt_run_status(1)
    first, second = httpx_mock.get_requests()
    assert first.headers["X-Paradime-Workspace"] == "ws-from-env"
    assert second.headers["X-Paradime-Workspace"] == "ws-from-argument"


# -- credentials checked when the client is built ----------------------------------------------

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("setting", "value", "label"),
    [
        ("api_key", f"test{NBSP}api-key", "API key"),
        ("api_secret", f"sk-test-0123{NBSP}456789", "API secret"),
        ("api_secret", f"prdm_wsp_0123{NBSP}456789", "workspace token"),
        ("api_secret", "prdm_cmp_0123\u200b456789", "account API key"),
        ("api_secret", "sk-test-0123\t456789", "API secret"),
        ("workspace_uid", f"ws{NBSP}analytics", "workspace uid"),
    ],
    ids=["key-nbsp", "secret-nbsp", "token-nbsp", "account-key-zero-width", "secret-tab", "uid"],
)
@pytest.mark.parametrize("client_class", CLIENTS)
def test_a_character_headers_cannot_carry_is_a_configuration_error(
    client_class: type[BoltClient] | type[AsyncBoltClient],
    setting: str,
    value: str,
    label: str,
    httpx_mock: HTTPXMock,
) -> None:
    settings = {"endpoint": ENDPOINT, "api_key": API_KEY, "api_secret": API_SECRET}
    settings["workspace_uid"] = "ws-1"
    settings[setting] = value
    with pytest.raises(ConfigurationError) as info:
        client_class(**settings)
    texts = [str(info.value), repr(info.value), repr(info.value.args)]
    assert f"the {label} contains" in texts[0]
    assert "U+" in texts[0]
    # Neither part of the value around the bad character is shown.
    bad = next(char for char in value if not " " <= char <= "~")
    for part in value.split(bad):
        assert all(part not in text for text in texts)
    assert info.value.__cause__ is None and info.value.__context__ is None
    assert httpx_mock.get_requests() == []


@pytest.mark.parametrize(
    "padding", ["\n", " ", NBSP, "\r\n", f" {NBSP}\t"], ids=["lf", "space", "nbsp", "crlf", "mix"]
)
def test_whitespace_around_a_credential_is_stripped(
    twin: Twin, httpx_mock: HTTPXMock, padding: str
) -> None:
    httpx_mock.add_response(url=ENDPOINT, json=STATUS)
    twin.with_options(
        api_key=None,
        api_secret=f"{padding}{ACCOUNT_KEY}{padding}",
        workspace_uid=f"{padding}ws-1{padding}",
    ).call("bolt_run_status", 1)
    headers = _sent(httpx_mock)
    assert headers["Authorization"] == f"Bearer {ACCOUNT_KEY}"
    assert headers["X-Paradime-Workspace"] == "ws-1"


# -- another workspace, the same connection pool -----------------------------------------------


def test_with_workspace_shares_the_pool_and_names_the_other_workspace(
    httpx_mock: HTTPXMock,
) -> None:
    httpx_mock.add_response(url=ENDPOINT, json=STATUS, is_reusable=True)
    with BoltClient(endpoint=ENDPOINT, api_secret=ACCOUNT_KEY, workspace_uid="ws-a") as bolt:
        other = bolt.with_workspace("ws-b")
        assert isinstance(other, BoltClient)
        assert other._transport.http is bolt._transport.http
        assert (bolt.config.workspace_uid, other.config.workspace_uid) == ("ws-a", "ws-b")
        other.bolt_run_status(1)
        bolt.bolt_run_status(1)
        other.close()
        assert not bolt._transport.http.is_closed, "closing the view leaves the pool open"
        bolt.bolt_run_status(1)
    sent = [request.headers["X-Paradime-Workspace"] for request in httpx_mock.get_requests()]
    assert sent == ["ws-b", "ws-a", "ws-a"]
    assert bolt._transport.http.is_closed


def test_async_with_workspace_shares_the_pool(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url=ENDPOINT, json=STATUS, is_reusable=True)

    async def run() -> list[str]:
        async with AsyncBoltClient(
            endpoint=ENDPOINT, api_secret=ACCOUNT_KEY, workspace_uid="ws-a"
        ) as bolt:
            other = bolt.with_workspace("ws-b")
            assert isinstance(other, AsyncBoltClient)
            assert other._transport.http is bolt._transport.http
            await other.bolt_run_status(1)
            await other.aclose()
            assert not bolt._transport.http.is_closed
            await bolt.bolt_run_status(1)
        return [r.headers["X-Paradime-Workspace"] for r in httpx_mock.get_requests()]

    assert asyncio.run(run()) == ["ws-b", "ws-a"]


@pytest.mark.parametrize("client_class", CLIENTS)
def test_with_workspace_checks_the_uid(
    client_class: type[BoltClient] | type[AsyncBoltClient],
) -> None:
    bolt = client_class(endpoint=ENDPOINT, api_secret=ACCOUNT_KEY, workspace_uid="ws-a")
    for bad in ("", "  ", f"ws{NBSP}b"):
        with pytest.raises(ConfigurationError, match="workspace uid"):
            bolt.with_workspace(bad)
    assert bolt.config.workspace_uid == "ws-a"


# -- refusals name the kind of credential, never its value -------------------------------------


@pytest.mark.parametrize("status", [401, 403])
@pytest.mark.parametrize(
    ("credentials", "named"),
    [
        ({"api_key": API_KEY, "api_secret": API_SECRET}, "API key and secret"),
        ({"api_secret": WORKSPACE_TOKEN}, "workspace token"),
        ({"api_secret": ACCOUNT_KEY, "workspace_uid": "ws-9"}, "account API key"),
    ],
    ids=["legacy", "workspace-token", "account-key"],
)
def test_a_refusal_names_the_kind_of_credential(
    twin: Twin,
    httpx_mock: HTTPXMock,
    caplog: pytest.LogCaptureFixture,
    status: int,
    credentials: dict[str, str],
    named: str,
) -> None:
    secret = credentials["api_secret"]
    httpx_mock.add_response(
        url=ENDPOINT,
        status_code=status,
        json={"errors": [{"message": f"bad token Authorization: Bearer {secret}"}]},
    )
    caplog.set_level(logging.DEBUG)
    base = {"api_key": None, "workspace_uid": None}
    with pytest.raises(AuthenticationError) as info:
        twin.with_options(**{**base, **credentials}).call("bolt_run_status", 1)
    error = info.value
    assert error.status_code == status
    assert named in str(error)
    if "workspace_uid" in credentials:
        assert "ws-9" in str(error)
    for text in (str(error), repr(error), repr(vars(error)), caplog.text):
        assert secret not in text


def test_a_transport_error_echoing_the_authorization_header_is_masked(
    httpx_mock: HTTPXMock, caplog: pytest.LogCaptureFixture
) -> None:
    httpx_mock.add_exception(
        httpx.ConnectError(f"proxy refused: Authorization: Bearer {ACCOUNT_KEY}"),
        is_reusable=True,
    )
    caplog.set_level(logging.DEBUG)
    with (
        BoltClient(
            endpoint=ENDPOINT,
            api_secret=ACCOUNT_KEY,
            workspace_uid="ws-1",
            max_retries=1,
            clock=SimulatedClock(),
        ) as bolt,
        pytest.raises(BoltError) as info,
    ):
        bolt.bolt_run_status(1)
    assert ACCOUNT_KEY not in str(info.value)
    assert ACCOUNT_KEY not in caplog.text
    assert "Bearer **********" in str(info.value)


@pytest.mark.parametrize("secret", [WORKSPACE_TOKEN, ACCOUNT_KEY])
def test_reprs_hide_a_token(secret: str) -> None:
    with BoltClient(endpoint=ENDPOINT, api_secret=secret, workspace_uid="ws-1") as bolt:
        other = bolt.with_workspace("ws-2")
        for text in (
            repr(bolt),
            str(bolt),
            repr(bolt.config),
            repr(other),
            repr(other.config),
            repr(vars(bolt)),
            repr(vars(bolt._transport)),
        ):
            assert secret not in text
        assert "ws-1" in repr(bolt) and "ws-2" in repr(other)
        assert bolt.config.credential.value in repr(bolt)
