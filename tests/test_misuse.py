"""Misusing a client (after closing it, with a malformed endpoint, with the wrong httpx client)
gives a typed `ConfigurationError` before any request, on both twins, never httpx's
`RuntimeError` or `ValueError`."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from pytest_httpx import HTTPXMock

from paradime_bolt import (
    AsyncBoltClient,
    BoltClient,
    BoltError,
    ClientClosedError,
    ConfigurationError,
)
from tests.support.fake_api import API_KEY, API_SECRET, ENDPOINT

CREDENTIALS: dict[str, Any] = {"endpoint": ENDPOINT, "api_key": API_KEY, "api_secret": API_SECRET}
STATUS = {"data": {"boltRunStatus": {"ok": True, "state": "SUCCESS", "commands": []}}}


def test_a_closed_client_error_is_a_configuration_error() -> None:
    assert issubclass(ClientClosedError, ConfigurationError)
    assert issubclass(ClientClosedError, BoltError)
    assert issubclass(ClientClosedError, RuntimeError), "what httpx raised before"


def call_after_close(kind: str, method: str, *args: Any, **client_kwargs: Any) -> BaseException:
    """Calls `method` on a client that was used, then closed; returns what it raised."""
    if kind == "sync":
        client = BoltClient(**{**CREDENTIALS, **client_kwargs})
        with client:
            client.bolt_run_status(1)
        with pytest.raises(BoltError) as info:
            getattr(client, method)(*args)
        return info.value

    async def run() -> BaseException:
        client = AsyncBoltClient(**{**CREDENTIALS, **client_kwargs})
        async with client:
            await client.bolt_run_status(1)
        with pytest.raises(BoltError) as info:
            await getattr(client, method)(*args)
        return info.value

    return asyncio.run(run())


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize(
    ("method", "args"),
    [("bolt_run_status", (1,)), ("list_bolt_schedules", ()), ("trigger_bolt_run", ("daily run",))],
)
def test_calling_a_closed_client_is_refused(
    kind: str, method: str, args: tuple[Any, ...], httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json=STATUS)
    error = call_after_close(kind, method, *args)
    assert type(error) is ClientClosedError
    assert "closed" in str(error)
    assert len(httpx_mock.get_requests()) == 1, "nothing was sent after close()"


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_downloading_with_a_closed_client_is_refused(
    kind: str, httpx_mock: HTTPXMock, tmp_path: Path
) -> None:
    httpx_mock.add_response(json=STATUS)
    error = call_after_close(kind, "download_resource", 7, tmp_path)
    assert type(error) is ClientClosedError
    assert len(httpx_mock.get_requests()) == 1


def test_a_closed_client_cannot_be_entered_again() -> None:
    client = BoltClient(**CREDENTIALS)
    client.close()
    with pytest.raises(ClientClosedError), client:
        pass

    async def run() -> None:
        client = AsyncBoltClient(**CREDENTIALS)
        await client.aclose()
        with pytest.raises(ClientClosedError):
            async with client:
                pass

    asyncio.run(run())


def test_closing_twice_is_fine() -> None:
    client = BoltClient(**CREDENTIALS)
    client.close()
    client.close()


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_caller_owned_client_closed_by_its_owner_is_refused(
    kind: str, httpx_mock: HTTPXMock
) -> None:
    if kind == "sync":
        own = httpx.Client()
        own.close()
        with pytest.raises(ClientClosedError, match="http_client"):
            BoltClient(**CREDENTIALS, http_client=own).bolt_run_status(1)
    else:

        async def run() -> None:
            own = httpx.AsyncClient()
            await own.aclose()
            with pytest.raises(ClientClosedError, match="http_client"):
                await AsyncBoltClient(**CREDENTIALS, http_client=own).bolt_run_status(1)

        asyncio.run(run())
    assert httpx_mock.get_requests() == []


def test_the_wrong_kind_of_http_client_is_refused() -> None:
    async_http = httpx.AsyncClient()
    with pytest.raises(ConfigurationError, match=r"http_client= must be an httpx\.Client"):
        BoltClient(**CREDENTIALS, http_client=async_http)  # type: ignore[arg-type]
    asyncio.run(async_http.aclose())
    with (
        httpx.Client() as sync_http,
        pytest.raises(ConfigurationError, match=r"must be an httpx\.AsyncClient"),
    ):
        AsyncBoltClient(**CREDENTIALS, http_client=sync_http)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("endpoint", "problem"),
    [
        ("http://[::1/graphql", "Invalid IPv6 URL"),
        ("http://localhost:99999/graphql", "Port out of range"),
        ("http://localhost:abc/graphql", "Port could not be cast"),
        ("http://exa mple.com/graphql", "whitespace or a control character"),
        ("http://example.com/gra\x00phql", "whitespace or a control character"),
        ("http:///graphql", "no host"),
        ("https://", "no host"),
    ],
)
@pytest.mark.parametrize("client_class", [BoltClient, AsyncBoltClient])
def test_a_malformed_endpoint_is_a_configuration_error(
    endpoint: str, problem: str, client_class: type[BoltClient] | type[AsyncBoltClient]
) -> None:
    with pytest.raises(ConfigurationError, match="the endpoint must be an http") as info:
        client_class(**{**CREDENTIALS, "endpoint": endpoint})
    assert problem in str(info.value)
    assert info.value.__cause__ is None


@pytest.mark.parametrize(
    "endpoint",
    ["http://[::1]:8080/graphql", "http://127.0.0.1:1/graphql", "https://api.example.io/graphql"],
)
def test_good_endpoints_are_accepted(endpoint: str) -> None:
    assert BoltClient(**{**CREDENTIALS, "endpoint": endpoint}).config.endpoint == endpoint


def test_the_transport_refuses_downloads_once_closed(httpx_mock: HTTPXMock) -> None:
    client = BoltClient(**CREDENTIALS)
    client.close()
    with pytest.raises(ClientClosedError):
        client._transport.stream_get(
            "https://storage.example/x", print, timeout=None, operation="download"
        )
    assert httpx_mock.get_requests() == []
