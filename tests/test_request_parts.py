"""What every API request carries, now that its constant parts are built once per client: the
same JSON body and headers on every call, text outside ASCII intact, and no credential kept
outside the `Secret`."""

from __future__ import annotations

import json

from pytest_httpx import HTTPXMock

from paradime_bolt import BoltClient
from tests.support.fake_api import API_KEY, API_SECRET, ENDPOINT
from tests.support.payloads import triggered
from tests.support.twins import Twin

NAME = "nightly café ☕"


def test_each_request_has_the_same_body_and_headers(twin: Twin, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url=ENDPOINT, json=triggered(9), is_reusable=True)
    for _ in range(2):
        assert twin.call("trigger_bolt_run", NAME).run_id == 9

    first, second = httpx_mock.get_requests()
    assert first.content == second.content
    body = json.loads(first.content)
    assert sorted(body) == ["operationName", "query", "variables"]
    assert body["operationName"] == "TriggerBoltRun"
    assert body["query"].lstrip().startswith("mutation TriggerBoltRun")
    assert body["variables"]["scheduleName"] == NAME
    for request in (first, second):
        assert request.headers["Content-Type"] == "application/json"
        assert request.headers["Accept"] == "application/json"
        assert request.headers["User-Agent"].startswith("paradime-bolt/")
        assert request.headers["X-API-KEY"] == API_KEY
        assert request.headers["X-API-SECRET"] == API_SECRET
        assert int(request.headers["Content-Length"]) == len(request.content)


def test_the_transport_keeps_no_credential_in_its_constant_headers() -> None:
    with BoltClient(endpoint=ENDPOINT, api_key=API_KEY, api_secret=API_SECRET) as bolt:
        state = repr(vars(bolt._transport))
    assert "User-Agent" in state
    assert API_SECRET not in state
