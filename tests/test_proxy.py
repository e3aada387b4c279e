"""`proxy=`: every request goes through the proxy, and a bad proxy is a configuration error."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from paradime_bolt import AsyncBoltClient, BoltClient, ConfigurationError
from tests.support.fake_api import API_KEY, API_SECRET
from tests.support.twins import Twin

# Nothing listens here: only a request sent through the proxy can be answered.
UNREACHABLE = "http://bolt.invalid/api/v1/graphql"
PAYLOAD = {"data": {"boltRunStatus": {"ok": True, "state": "RUNNING", "commands": []}}}


class _Proxy(BaseHTTPRequestHandler):
    """A forward proxy that answers every request itself, recording what it was asked for."""

    targets: list[str]

    def do_POST(self) -> None:
        self.targets.append(self.path)  # absolute-form: the URL the client wanted
        self.rfile.read(int(self.headers["Content-Length"]))
        body = json.dumps(PAYLOAD).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def proxy() -> Iterator[tuple[str, list[str]]]:
    targets: list[str] = []
    handler = type("Handler", (_Proxy,), {"targets": targets})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", targets
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.subprocess
def test_requests_go_through_the_proxy(twin: Twin, proxy: tuple[str, list[str]]) -> None:
    url, targets = proxy
    live = Twin(twin.kind, simulated_time=False, endpoint=UNREACHABLE, proxy=url)
    assert live.call("bolt_run_progress", 7).state == "RUNNING"
    assert targets == [UNREACHABLE]


@pytest.mark.parametrize("client", [BoltClient, AsyncBoltClient])
@pytest.mark.parametrize(
    "bad", ["ftp://user:hunter2@proxy:21", "proxy.internal:3128", "http://", "http://h:99999"]
)
def test_a_proxy_that_is_not_a_usable_url_is_refused_without_showing_it(
    client: type[BoltClient | AsyncBoltClient], bad: str
) -> None:
    with pytest.raises(ConfigurationError, match=r"proxy= must be") as caught:
        client(endpoint=UNREACHABLE, api_key=API_KEY, api_secret=API_SECRET, proxy=bad)
    assert "hunter2" not in str(caught.value) and "proxy.internal" not in str(caught.value)


def test_proxy_and_an_http_client_of_your_own_are_refused_together() -> None:
    with httpx.Client() as http, pytest.raises(ConfigurationError, match="not both"):
        BoltClient(
            endpoint=UNREACHABLE,
            api_key=API_KEY,
            api_secret=API_SECRET,
            proxy="http://127.0.0.1:3128",
            http_client=http,
        )
