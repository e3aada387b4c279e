"""A pool the client owns skips httpx's cookie parsing for answers that set no cookie, and
still keeps and sends the cookies an answer does set."""

from __future__ import annotations

import asyncio
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pytest
from pytest_httpx import HTTPXMock

from paradime_bolt import AsyncBoltClient, BoltClient
from tests.support.fake_api import API_KEY, API_SECRET, ENDPOINT
from tests.support.twins import Twin

CREDENTIALS: dict[str, Any] = {"endpoint": ENDPOINT, "api_key": API_KEY, "api_secret": API_SECRET}
STATUS = {"data": {"boltRunStatus": {"ok": True, "state": "SUCCESS", "commands": []}}}


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """One entry per answer the standard library's cookie jar was asked to read."""
    calls: list[str] = []
    read = CookieJar.extract_cookies

    def counting(self: CookieJar, response: Any, request: Any) -> None:
        calls.append(request.get_full_url())
        read(self, response, request)

    monkeypatch.setattr(CookieJar, "extract_cookies", counting)
    return calls


def test_an_answer_without_set_cookie_is_not_parsed_for_cookies(
    twin: Twin, httpx_mock: HTTPXMock, parsed: list[str]
) -> None:
    httpx_mock.add_response(url=ENDPOINT, json=STATUS, is_reusable=True)
    twin.call("bolt_run_status", 1)
    twin.call("bolt_run_status", 1)
    assert parsed == []


def test_a_cookie_an_answer_sets_is_kept_and_sent_back(
    httpx_mock: HTTPXMock, parsed: list[str]
) -> None:
    for _ in range(2):  # the sync client, then the async one
        httpx_mock.add_response(url=ENDPOINT, json=STATUS, headers={"Set-Cookie": "lb=node-2"})
        httpx_mock.add_response(url=ENDPOINT, json=STATUS)
    with BoltClient(**CREDENTIALS) as bolt:
        bolt.bolt_run_status(1)
        bolt.bolt_run_status(1)

    async def run() -> None:
        async with AsyncBoltClient(**CREDENTIALS) as abolt:
            await abolt.bolt_run_status(1)
            await abolt.bolt_run_status(1)

    asyncio.run(run())
    assert parsed == [ENDPOINT, ENDPOINT]
    requests = httpx_mock.get_requests()
    assert ["Cookie" in r.headers for r in requests] == [False, True, False, True]
    assert requests[1].headers["Cookie"] == requests[3].headers["Cookie"] == "lb=node-2"


def test_the_httpx_internals_the_cookie_override_relies_on_are_still_there() -> None:
    """`_SkipsCookielessAnswers` replaces httpx's `cookies` property and relies on httpx reading
    an answer's cookies through `self.cookies.extract_cookies(response)` and building each
    request's Cookie header from `self.cookies`. An httpx that changes either must fail here,
    loudly, before users see cookies parsed again or lost."""
    import inspect

    import httpx

    why = "httpx changed how clients hold cookies: revisit _SkipsCookielessAnswers in _transport.py"
    for client in (httpx.Client, httpx.AsyncClient):
        prop = inspect.getattr_static(client, "cookies")
        assert isinstance(prop, property) and prop.fset is not None, why
    source = Path(httpx._client.__file__).read_text(encoding="utf-8")
    assert source.count("self.cookies.extract_cookies(response)") == 2, why  # sync and async
    assert "merged_cookies = Cookies(self.cookies)" in source, why
