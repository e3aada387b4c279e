"""Hostile HTTP requests get a 4xx with a JSON error body, never a 500 or a reset connection:
deeply nested JSON, multipart and other content types, bodies over the size limit."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from paradime_bolt_emulator import EmulatorServer
from paradime_bolt_emulator.api.limits import MAX_BODY_BYTES, MAX_HEADER_BYTES, MAX_JSON_DEPTH

from .support import HEADERS, InProcessClient

QUERY = "{ __typename }"
ANSWER = {"data": {"__typename": "Query"}}
JSON_HEADERS = {**HEADERS, "Content-Type": "application/json"}


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    """One real server (uvicorn on loopback) for the module."""
    with EmulatorServer() as running:
        yield running


@pytest.fixture
def http(server: EmulatorServer) -> Iterator[httpx.Client]:
    """One keep-alive connection's worth of client, so a reset connection would show."""
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    with httpx.Client(base_url=server.base_url, headers=HEADERS, limits=limits) as client:
        yield client


def error_of(response: httpx.Response, status: int) -> dict[str, Any]:
    """The single JSON error of a refusal with ``status``."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"errors"}, body
    [error] = body["errors"]
    return dict(error)


def still_serves(http: httpx.Client) -> None:
    """The connection survived: the next request on it is answered."""
    assert http.post("/graphql", json={"query": QUERY}).json() == ANSWER


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def json_text(query: str, variable: str) -> str:
    """A request body whose variable ``a`` is the JSON text ``variable``."""
    return '{"query": ' + json.dumps(query) + ', "variables": {"a": ' + variable + "}}"


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_a_deeply_nested_body_is_a_400(http: httpx.Client, depth: int) -> None:
    response = http.post("/graphql", content=nested(depth), headers=JSON_HEADERS)
    error = error_of(response, 400)
    assert error["extensions"] == {"code": "BAD_REQUEST"}
    assert f"more than {MAX_JSON_DEPTH} levels deep" in error["message"]
    still_serves(http)


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH, 1_000])
def test_deeply_nested_variables_are_a_400(http: httpx.Client, depth: int) -> None:
    body = json_text(QUERY, nested(depth))
    error = error_of(http.post("/graphql", content=body, headers=JSON_HEADERS), 400)
    assert "The request body nests arrays and objects" in error["message"]
    still_serves(http)


def test_variables_nested_within_the_limit_reach_graphql(http: httpx.Client) -> None:
    # The body itself is one level, the variables object another.
    body = json_text(QUERY, nested(MAX_JSON_DEPTH - 2))
    response = http.post("/graphql", content=body, headers=JSON_HEADERS)
    assert response.json() == ANSWER


def test_deeply_nested_variables_in_a_get_are_a_400(http: httpx.Client) -> None:
    params = {"query": QUERY, "variables": '{"a": ' + nested(1_000) + "}"}
    error = error_of(http.get("/graphql", params=params), 400)
    assert "The variables parameter nests arrays and objects" in error["message"]
    still_serves(http)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "The request body is not valid JSON"),
        (b"\xff\xfe\xfa", "The request body is not valid JSON"),
        (b"", "The request body is not valid JSON"),
    ],
)
def test_a_body_that_is_not_json_is_a_400(http: httpx.Client, body: bytes, message: str) -> None:
    error = error_of(http.post("/graphql", content=body, headers=JSON_HEADERS), 400)
    assert error == {"message": message, "extensions": {"code": "BAD_REQUEST"}}


def test_multipart_is_a_415(http: httpx.Client) -> None:
    response = http.post(
        "/graphql",
        data={"operations": json.dumps({"query": QUERY}), "map": "{}"},
        files={"0": ("a.txt", b"file content")},
    )
    error = error_of(response, 415)
    assert error["extensions"] == {"code": "UNSUPPORTED_MEDIA_TYPE"}
    assert "'multipart/form-data'" in error["message"]
    assert "Content-Type: application/json" in error["message"]
    still_serves(http)


@pytest.mark.parametrize("content_type", ["text/plain", "application/graphql", None])
def test_other_content_types_are_a_415(http: httpx.Client, content_type: str | None) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}
    response = http.post("/graphql", content=f'{{"query": "{QUERY}"}}', headers=headers)
    assert error_of(response, 415)["extensions"] == {"code": "UNSUPPORTED_MEDIA_TYPE"}


def test_json_with_a_charset_is_accepted(http: httpx.Client) -> None:
    headers = {"Content-Type": "application/json; charset=utf-8"}
    response = http.post("/graphql", content=f'{{"query": "{QUERY}"}}', headers=headers)
    assert response.json() == ANSWER


def padded(size: int) -> bytes:
    """A valid GraphQL request of exactly ``size`` bytes."""
    head = f'{{"query": "{QUERY}", "operationName": null, "pad": "'.encode()
    return head + b"x" * (size - len(head) - 2) + b'"}'


def test_a_body_at_the_limit_is_served(http: httpx.Client) -> None:
    body = padded(MAX_BODY_BYTES)
    assert len(body) == MAX_BODY_BYTES
    assert http.post("/graphql", content=body, headers=JSON_HEADERS).json() == ANSWER


def test_a_body_over_the_limit_with_a_content_length_is_a_413(http: httpx.Client) -> None:
    response = http.post("/graphql", content=padded(MAX_BODY_BYTES + 1), headers=JSON_HEADERS)
    error = error_of(response, 413)
    assert error == {
        "message": f"Request body too large: the limit is {MAX_BODY_BYTES:,} bytes",
        "extensions": {"code": "PAYLOAD_TOO_LARGE"},
    }
    still_serves(http)


def test_a_streamed_body_over_the_limit_is_a_413(http: httpx.Client) -> None:

    def chunks() -> Iterator[bytes]:
        for _ in range(3 * MAX_BODY_BYTES // 65_536):
            yield b"x" * 65_536

    response = http.post("/graphql", content=chunks(), headers=JSON_HEADERS)
    assert "content-length" not in response.request.headers  # chunked
    assert error_of(response, 413)["extensions"] == {"code": "PAYLOAD_TOO_LARGE"}
    still_serves(http)


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_read(
    client: InProcessClient,
) -> None:
    """In process, at the ASGI level: the 413 goes out without a single ``receive``."""
    received: list[object] = []
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        received.append(object())
        more = len(received) < 10 * MAX_BODY_BYTES // 65_536
        return {"type": "http.request", "body": b"x" * 65_536, "more_body": more}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    headers = [(k.lower().encode(), v.encode()) for k, v in JSON_HEADERS.items()]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [*headers, (b"content-length", str(10 * MAX_BODY_BYTES).encode())],
        "client": ("127.0.0.1", 1),
        "server": ("emulator.test", 80),
    }
    asyncio.run(client.app(scope, receive, send))
    assert sent[0]["type"] == "http.response.start"
    assert sent[0]["status"] == 413
    assert received == []


def test_very_large_header_fields_get_431_with_a_json_error(http: httpx.Client) -> None:
    """A 1 MB header value is refused as real servers do (it was answered 200 before)."""
    response = http.post(
        "/graphql",
        json={"query": QUERY},
        headers={"X-Padding": "x" * 1_048_576},
    )
    error = error_of(response, 431)
    assert error["extensions"]["code"] == "REQUEST_HEADER_FIELDS_TOO_LARGE"
    assert f"{MAX_HEADER_BYTES:,}" in error["message"]
    # Under the limit, the same request is answered, on the same kind of connection.
    assert http.post("/graphql", json={"query": QUERY}).json() == ANSWER
