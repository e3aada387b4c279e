"""The receiver served over real loopback HTTP by uvicorn (in a background thread, port 0)."""

from __future__ import annotations

import json
import threading
import time

import httpx
import pytest

from paradime_bolt.webhooks import BoltRunEvent, RunCompletedEvent, create_receiver
from tests.support.webhooks import docs_example

pytestmark = pytest.mark.e2e

uvicorn = pytest.importorskip("uvicorn")

SECRET = "loopback-secret"


def test_the_receiver_over_loopback_http() -> None:
    received: list[BoltRunEvent] = []
    arrived = threading.Event()

    def callback(event: BoltRunEvent) -> None:
        received.append(event)
        arrived.set()

    app = create_receiver(callback, path="/hooks/{token}", secret=SECRET, max_body_bytes=64_000)
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, lifespan="on", access_log=False, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        base = f"http://127.0.0.1:{port}"
        body = json.dumps(docs_example()).encode()

        with httpx.Client(base_url=base, timeout=5) as http:
            accepted = http.post(f"/hooks/{SECRET}", content=body)
            assert accepted.status_code == 202
            assert accepted.json() == {"status": "accepted"}
            assert arrived.wait(timeout=5)

            assert http.post("/hooks/wrong", content=body).status_code == 401
            assert http.get(f"/hooks/{SECRET}").status_code == 405
            assert http.post("/elsewhere", content=body).status_code == 404
            malformed = http.post(f"/hooks/{SECRET}", content=b"{")
            assert malformed.status_code == 400
            assert "invalid JSON" in malformed.json()["error"]

        # Oversized, on a fresh connection: the server may close it without reading the body.
        with httpx.Client(base_url=base, timeout=5) as http:
            assert http.post(f"/hooks/{SECRET}", content=b" " * 70_000).status_code == 413
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert len(received) == 1
    assert isinstance(received[0], RunCompletedEvent)
    assert [c.id for c in received[0].commands] == [193439, 193440, 193441, 193442]
