"""Configuration from keyword arguments and the environment, and clear errors when missing."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from pytest_httpx import HTTPXMock

from paradime_bolt import AsyncBoltClient, BoltClient, ClientClosedError, ConfigurationError
from tests.support.fake_api import API_KEY, API_SECRET, ENDPOINT

STATUS = {"data": {"boltRunStatus": {"ok": True, "state": "RUNNING", "commands": []}}}


@pytest.mark.usefixtures("bolt_env")
def test_reads_the_environment(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url=ENDPOINT, json=STATUS)
    with BoltClient() as bolt:
        assert bolt.bolt_run_status(1).state == "RUNNING"
        assert bolt.config.endpoint == ENDPOINT
        assert bolt.config.api_key == API_KEY
    request = httpx_mock.get_request()
    assert request is not None
    assert request.headers["X-API-SECRET"] == API_SECRET


@pytest.mark.usefixtures("bolt_env")
def test_keyword_arguments_override_the_environment(httpx_mock: HTTPXMock) -> None:
    other = "http://127.0.0.1:9999/graphql"
    httpx_mock.add_response(url=other, json=STATUS)
    with BoltClient(endpoint=other, api_key="k2", api_secret="s2") as bolt:
        bolt.bolt_run_status(1)
    request = httpx_mock.get_request()
    assert request is not None
    assert (request.headers["X-API-KEY"], request.headers["X-API-SECRET"]) == ("k2", "s2")


@pytest.mark.parametrize(
    ("missing", "argument"),
    [
        ("PARADIME_API_ENDPOINT", "endpoint="),
        ("PARADIME_API_KEY", "api_key="),
        ("PARADIME_API_SECRET", "api_secret="),
    ],
)
@pytest.mark.parametrize("client_class", [BoltClient, AsyncBoltClient])
def test_missing_configuration_names_the_variable(
    missing: str,
    argument: str,
    client_class: type[BoltClient] | type[AsyncBoltClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env = {
        "PARADIME_API_ENDPOINT": ENDPOINT,
        "PARADIME_API_KEY": API_KEY,
        "PARADIME_API_SECRET": API_SECRET,
    }
    for var, value in env.items():
        if var != missing:
            monkeypatch.setenv(var, value)
    with pytest.raises(ConfigurationError) as info:
        client_class()
    assert missing in str(info.value)
    assert argument in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"endpoint": "api.paradime.io/graphql"}, "must be an http"),
        ({"endpoint": "ftp://x/graphql"}, "must be an http"),
        ({"max_retries": -1}, "max_retries"),
        ({"timeout": 0}, "timeout must be a positive"),
        ({"timeout": "5"}, "timeout must be a positive"),
        ({"api_secret": "line\nbreak"}, "control character"),
    ],
)
def test_invalid_configuration(kwargs: dict[str, object], match: str) -> None:
    base: dict[str, object] = {"endpoint": ENDPOINT, "api_key": API_KEY, "api_secret": API_SECRET}
    with pytest.raises(ConfigurationError, match=match):
        BoltClient(**{**base, **kwargs})  # type: ignore[arg-type]


def test_timeout_applies_to_each_request_and_can_be_overridden(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=STATUS)
    httpx_mock.add_response(json=STATUS)
    with BoltClient(endpoint=ENDPOINT, api_key=API_KEY, api_secret=API_SECRET, timeout=7) as bolt:
        bolt.bolt_run_status(1)
        bolt.bolt_run_status(1, timeout=2.5)
    first, second = httpx_mock.get_requests()
    assert first.extensions["timeout"]["read"] == 7
    assert second.extensions["timeout"]["read"] == 2.5


def test_a_caller_owned_http_client_is_used_and_left_open(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=STATUS)
    own = httpx.Client(timeout=3, headers={"X-Trace": "abc"})
    with BoltClient(
        endpoint=ENDPOINT, api_key=API_KEY, api_secret=API_SECRET, http_client=own
    ) as bolt:
        bolt.bolt_run_status(1)
    assert not own.is_closed
    request = httpx_mock.get_request()
    assert request is not None
    assert request.headers["X-Trace"] == "abc"
    assert request.headers["X-API-KEY"] == API_KEY
    assert request.extensions["timeout"]["read"] == 3
    own.close()


def test_async_caller_owned_http_client_is_left_open(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=STATUS)

    async def run() -> bool:
        async with httpx.AsyncClient() as own:
            async with AsyncBoltClient(
                endpoint=ENDPOINT, api_key=API_KEY, api_secret=API_SECRET, http_client=own
            ) as bolt:
                await bolt.bolt_run_status(1)
            return own.is_closed

    assert asyncio.run(run()) is False


def test_context_managers_close_the_pool_they_made(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json=STATUS, is_reusable=True)
    bolt = BoltClient(endpoint=ENDPOINT, api_key=API_KEY, api_secret=API_SECRET)
    with bolt:
        bolt.bolt_run_status(1)
        pool = bolt._transport.http
    assert pool.is_closed

    async def run() -> bool:
        async with AsyncBoltClient(
            endpoint=ENDPOINT, api_key=API_KEY, api_secret=API_SECRET
        ) as abolt:
            await abolt.bolt_run_status(1)
            apool = abolt._transport.http
        return apool.is_closed

    assert asyncio.run(run()) is True


def test_a_pool_is_made_on_first_use_and_never_after_close() -> None:
    """Building a client makes no httpx client (its TLS set-up is most of the cost of
    building); closing one that never sent leaves nothing to make or close."""
    bolt = BoltClient(endpoint=ENDPOINT, api_key=API_KEY, api_secret=API_SECRET)
    shared = bolt.with_options(max_retries=0)
    assert bolt._transport.made_http() is None and shared._transport.made_http() is None
    assert shared._transport.http is bolt._transport.http  # made once, by the root, shared
    bolt.close()
    fresh = BoltClient(endpoint=ENDPOINT, api_key=API_KEY, api_secret=API_SECRET)
    fresh.close()
    with pytest.raises(ClientClosedError):
        fresh.bolt_run_status(1)
    assert fresh._transport.made_http() is None
