"""The ASGI receiver, driven in-process through httpx's ASGI transport or raw ASGI messages."""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import subprocess
import sys
import threading
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from pytest_httpx import HTTPXMock

from paradime_bolt import InvalidArgumentError
from paradime_bolt.webhooks import (
    BoltRunEvent,
    RunCompletedEvent,
    RunStartedEvent,
    WebhookReceiver,
    create_receiver,
)
from tests.support.webhooks import docs_example

pytestmark = pytest.mark.anyio

SECRET = "hook-secret-DO-NOT-LOG-7f3a"
BODY = json.dumps(docs_example()).encode()


def client(app: WebhookReceiver) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


class Recorder:
    """An async callback that records the events it gets."""

    def __init__(self) -> None:
        self.events: list[BoltRunEvent] = []

    async def __call__(self, event: BoltRunEvent) -> None:
        self.events.append(event)


# --- accepted events --------------------------------------------------------------------------


async def test_an_event_is_accepted_and_handed_to_an_async_callback() -> None:
    got = Recorder()
    app = create_receiver(got)
    async with client(app) as http:
        response = await http.post("/", content=BODY)
    assert response.status_code == 202
    assert response.json() == {"status": "accepted"}
    assert response.headers["content-type"] == "application/json"
    assert await app.drain(timeout=5)
    assert len(got.events) == 1
    assert isinstance(got.events[0], RunCompletedEvent)
    assert got.events[0].commands[2].json_resources[0].id == 1205731


async def test_a_sync_callback_runs_in_a_worker_thread() -> None:
    seen: list[tuple[BoltRunEvent, int]] = []

    def callback(event: BoltRunEvent) -> None:
        seen.append((event, threading.get_ident()))

    app = create_receiver(callback)
    async with client(app) as http:
        response = await http.post("/", content=BODY)
    assert response.status_code == 202
    assert await app.drain(timeout=5)
    assert len(seen) == 1
    assert seen[0][0].commands[0].id == 193439
    assert seen[0][1] != threading.get_ident()


async def test_the_response_is_sent_before_an_async_callback_finishes() -> None:
    release = asyncio.Event()
    done: list[BoltRunEvent] = []

    async def slow(event: BoltRunEvent) -> None:
        await release.wait()
        done.append(event)

    app = create_receiver(slow)
    async with client(app) as http:
        response = await http.post("/", content=BODY)
    assert response.status_code == 202
    assert done == []
    assert app.pending == 1
    assert not await app.drain(timeout=0.01)
    release.set()
    assert await app.drain(timeout=5)
    assert len(done) == 1
    assert app.pending == 0


async def test_the_response_is_sent_before_a_sync_callback_finishes() -> None:
    release = threading.Event()
    done: list[BoltRunEvent] = []

    def slow(event: BoltRunEvent) -> None:
        assert release.wait(timeout=5)
        done.append(event)

    app = create_receiver(slow)
    async with client(app) as http:
        response = await http.post("/", content=BODY)
    assert response.status_code == 202
    assert done == []
    release.set()
    assert await app.drain(timeout=5)
    assert len(done) == 1


async def test_partials_and_callable_objects_are_recognised_as_async() -> None:
    loop_thread = threading.get_ident()
    threads: list[int] = []

    async def record(tag: str, event: BoltRunEvent) -> None:
        threads.append(threading.get_ident())

    app = create_receiver(functools.partial(record, "tag"))
    async with client(app) as http:
        assert (await http.post("/", content=BODY)).status_code == 202
    assert await app.drain(timeout=5)
    assert threads == [loop_thread]


async def test_a_sync_callback_that_returns_a_coroutine_is_awaited() -> None:
    got = Recorder()
    app = create_receiver(lambda event: got(event))
    async with client(app) as http:
        assert (await http.post("/", content=BODY)).status_code == 202
    assert await app.drain(timeout=5)
    assert len(got.events) == 1


async def test_the_event_header_settles_the_type() -> None:
    got = Recorder()
    app = create_receiver(got)
    async with client(app) as http:
        await http.post("/", content=BODY, headers={"X-Paradime-Event": "bolt.run.started"})
        await http.post("/", content=BODY, headers={"X-Paradime-Event": "something-else"})
        await http.post("/", content=BODY)
    assert await app.drain(timeout=5)
    assert [type(e) for e in got.events] == [RunStartedEvent, RunCompletedEvent, RunCompletedEvent]

    custom = create_receiver(got, event_header="X-Kind")
    async with client(custom) as http:
        await http.post("/", content=BODY, headers={"X-Kind": "BOLT.RUN.STARTED"})
    assert await custom.drain(timeout=5)
    assert type(got.events[-1]) is RunStartedEvent


async def test_receiving_makes_no_outbound_request(httpx_mock: HTTPXMock) -> None:
    got = Recorder()
    app = create_receiver(got)
    async with client(app) as http:
        assert (await http.post("/", content=BODY)).status_code == 202
    assert await app.drain(timeout=5)
    assert got.events
    assert httpx_mock.get_requests() == []


# --- refused requests ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"{not json", "invalid JSON at line 1, column 2: Expecting property name"),
        (b"[]", "payload must be a JSON object, not an array"),
        (b"", "payload is empty"),
        (b"\xff", "payload is not valid UTF-8 (at byte 0)"),
        (b'{"api_url": "x"}', "invalid Bolt run event: commands: Field required"),
    ],
)
async def test_a_malformed_body_gets_400_with_what_is_wrong(body: bytes, error: str) -> None:
    got = Recorder()
    app = create_receiver(got)
    async with client(app) as http:
        response = await http.post("/", content=body)
    assert response.status_code == 400
    assert response.json()["error"].startswith(error)
    assert await app.drain(timeout=5)
    assert got.events == []


async def test_a_declared_length_above_the_limit_gets_413_without_reading() -> None:
    got = Recorder()
    app = create_receiver(got, max_body_bytes=len(BODY) - 1)
    async with client(app) as http:
        response = await http.post("/", content=BODY)
        assert response.status_code == 413
        assert response.json() == {"error": f"body larger than {len(BODY) - 1} bytes"}
        assert (await http.post("/", content=BODY[: len(BODY) - 1])).status_code == 400

    reads: list[dict[str, Any]] = []
    scope = _scope(headers=[(b"content-length", b"999999999")])
    messages = await _call(app, scope, reads=reads)
    assert messages[0]["status"] == 413
    assert reads == []  # not a single receive()
    assert got.events == []


async def test_a_streamed_body_growing_past_the_limit_gets_413_and_reading_stops() -> None:
    got = Recorder()
    app = create_receiver(got, max_body_bytes=1000)

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(50):
            yield b" " * 100

    async with client(app) as http:
        response = await http.post("/", content=chunks())
    assert response.status_code == 413

    reads: list[dict[str, Any]] = []
    endless = [{"type": "http.request", "body": b"x" * 100, "more_body": True}] * 10_000
    messages = await _call(app, _scope(), incoming=endless, reads=reads)
    assert messages[0]["status"] == 413
    assert len(reads) == 11  # 1100 bytes read, then it stopped
    assert got.events == []


async def test_a_streamed_body_within_the_limit_is_accepted() -> None:
    got = Recorder()
    app = create_receiver(got, max_body_bytes=len(BODY))

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(BODY), 100):
            yield BODY[start : start + 100]

    async with client(app) as http:
        response = await http.post("/", content=chunks())
    assert response.status_code == 202
    assert await app.drain(timeout=5)
    assert len(got.events) == 1


async def test_an_invalid_content_length_gets_400() -> None:
    app = create_receiver(Recorder())
    for value in (b"-1", b"12abc", b""):
        messages = await _call(app, _scope(headers=[(b"content-length", value)]))
        assert messages[0]["status"] == 400
        assert json.loads(messages[1]["body"]) == {"error": "invalid Content-Length"}
    reads: list[dict[str, Any]] = []
    endless_digits = [(b"content-length", b"9" * 10_000)]
    messages = await _call(app, _scope(headers=endless_digits), reads=reads)
    assert messages[0]["status"] == 413
    assert reads == []


async def test_a_client_that_disconnects_gets_no_response_and_no_callback() -> None:
    got = Recorder()
    app = create_receiver(got)
    incoming: list[dict[str, Any]] = [
        {"type": "http.request", "body": BODY[:10], "more_body": True},
        {"type": "http.disconnect"},
    ]
    assert await _call(app, _scope(), incoming=incoming) == []
    assert got.events == []


async def test_the_secret_in_the_header() -> None:
    got = Recorder()
    app = create_receiver(got, secret=SECRET)
    async with client(app) as http:
        missing = await http.post("/", content=BODY)
        wrong = await http.post("/", content=BODY, headers={"X-Bolt-Webhook-Secret": "nope"})
        unicode = await http.post(
            "/", content=BODY, headers={b"X-Bolt-Webhook-Secret": "é".encode()}
        )
        right = await http.post("/", content=BODY, headers={"x-bolt-webhook-secret": SECRET})
    assert [missing.status_code, wrong.status_code, unicode.status_code] == [401, 401, 401]
    assert missing.json() == {"error": "missing or wrong webhook secret"}
    assert right.status_code == 202
    assert await app.drain(timeout=5)
    assert len(got.events) == 1

    custom = create_receiver(got, secret=SECRET, secret_header="X-Other")
    async with client(custom) as http:
        assert (await http.post("/", content=BODY, headers={"X-Other": SECRET})).status_code == 202
        assert (
            await http.post("/", content=BODY, headers={"X-Bolt-Webhook-Secret": SECRET})
        ).status_code == 401
    assert await custom.drain(timeout=5)


async def test_the_secret_as_a_path_token() -> None:
    got = Recorder()
    app = create_receiver(got, path="/hooks/{token}/bolt", secret=SECRET)
    async with client(app) as http:
        right = await http.post(f"/hooks/{SECRET}/bolt", content=BODY)
        trailing = await http.post(f"/hooks/{SECRET}/bolt/", content=BODY)
        wrong = await http.post("/hooks/guess/bolt", content=BODY)
        by_header = await http.post(
            "/hooks/guess/bolt", content=BODY, headers={"X-Bolt-Webhook-Secret": SECRET}
        )
        elsewhere = await http.post(f"/hooks/{SECRET}", content=BODY)
        get = await http.get(f"/hooks/{SECRET}/bolt")
    assert right.status_code == 202
    assert trailing.status_code == 202
    assert wrong.status_code == 401
    assert by_header.status_code == 202
    assert elsewhere.status_code == 404
    assert get.status_code == 405
    assert await app.drain(timeout=5)
    assert len(got.events) == 3


async def test_a_secret_is_checked_before_the_body_is_read() -> None:
    app = create_receiver(Recorder(), secret=SECRET)
    reads: list[dict[str, Any]] = []
    messages = await _call(app, _scope(), reads=reads)
    assert messages[0]["status"] == 401
    assert reads == []


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"])
async def test_other_methods_get_405(method: str) -> None:
    got = Recorder()
    app = create_receiver(got)
    async with client(app) as http:
        response = await http.request(method, "/")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert got.events == []


async def test_other_paths_get_404() -> None:
    app = create_receiver(Recorder(), path="/hooks/bolt")
    async with client(app) as http:
        assert (await http.post("/", content=BODY)).status_code == 404
        assert (await http.post("/hooks", content=BODY)).status_code == 404
        assert (await http.post("/hooks/bolt/x", content=BODY)).status_code == 404
        assert (await http.post("/hooks/bolt", content=BODY)).status_code == 202
        assert (await http.post("/hooks/bolt/", content=BODY)).status_code == 202
    assert await app.drain(timeout=5)


async def test_a_mount_prefix_in_root_path_is_honoured() -> None:
    got = Recorder()
    app = create_receiver(got, path="/bolt")
    scope = _scope(path="/api/bolt", root_path="/api")
    incoming = [{"type": "http.request", "body": BODY, "more_body": False}]
    messages = await _call(app, scope, incoming=incoming)
    assert messages[0]["status"] == 202
    assert await app.drain(timeout=5)
    assert len(got.events) == 1


# --- callbacks that fail, logs, shutdown ------------------------------------------------------


async def test_a_failing_callback_is_logged_and_breaks_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls: list[int] = []

    async def flaky(event: BoltRunEvent) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("callback bug")

    def sync_flaky(event: BoltRunEvent) -> None:
        raise ValueError("sync callback bug")

    caplog.set_level(logging.DEBUG, logger="paradime_bolt.webhooks")
    app = create_receiver(flaky, secret=SECRET)
    headers = {"X-Bolt-Webhook-Secret": SECRET}
    async with client(app) as http:
        first = await http.post("/", content=BODY, headers=headers)
        assert await app.drain(timeout=5)
        second = await http.post("/", content=BODY, headers=headers)
        assert await app.drain(timeout=5)
    assert (first.status_code, second.status_code) == (202, 202)
    assert calls == [1, 1]

    sync_app = create_receiver(sync_flaky)
    async with client(sync_app) as http:
        assert (await http.post("/", content=BODY)).status_code == 202
        assert await sync_app.drain(timeout=5)
        assert (await http.post("/", content=BODY)).status_code == 202
        assert await sync_app.drain(timeout=5)

    failures = [r for r in caplog.records if r.name == "paradime_bolt.webhooks" and r.exc_info]
    assert len(failures) == 3
    assert "bolt.run.completed" in failures[0].getMessage()
    assert "193439" in failures[0].getMessage()


async def test_the_secret_and_bodies_are_never_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    marker = "BODY-MARKER-should-not-be-logged"

    async def failing(event: BoltRunEvent) -> None:
        raise RuntimeError("bug")

    app = create_receiver(failing, path="/h/{token}", secret=SECRET)
    payload = docs_example()
    payload["api_url"] = marker
    body = json.dumps(payload).encode()
    async with client(app) as http:
        await http.post(f"/h/{SECRET}", content=body)
        await http.post("/h/wrong", content=body, headers={"X-Bolt-Webhook-Secret": SECRET + "x"})
        await http.post(f"/h/{SECRET}", content=b'{"api_url": "' + marker.encode() + b'"')
        bad = dict(payload, commands=[{"id": marker}])
        await http.post(f"/h/{SECRET}", content=json.dumps(bad).encode())
        await app.drain(timeout=5)
    formatter = logging.Formatter()
    ours = "\n".join(
        formatter.format(r) for r in caplog.records if r.name.startswith("paradime_bolt")
    )
    assert len([r for r in caplog.records if r.name.startswith("paradime_bolt")]) == 3
    assert SECRET not in ours  # the failures and rejections were logged without the secret
    assert marker not in ours  # ...and without the body
    # (httpx, the test's own client, logs the URL: a path token does end up in access logs.)
    assert SECRET not in repr(app)


async def test_lifespan_shutdown_waits_for_pending_callbacks() -> None:
    release = asyncio.Event()
    done: list[BoltRunEvent] = []

    async def slow(event: BoltRunEvent) -> None:
        await release.wait()
        done.append(event)

    app = create_receiver(slow)
    async with client(app) as http:
        assert (await http.post("/", content=BODY)).status_code == 202

    lifespan_in: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    lifespan_out: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        lifespan_out.append(message)

    task = asyncio.create_task(app({"type": "lifespan"}, lifespan_in.get, send))  # type: ignore[arg-type]
    await lifespan_in.put({"type": "lifespan.startup"})
    await lifespan_in.put({"type": "lifespan.shutdown"})
    await asyncio.sleep(0.05)
    assert lifespan_out == [{"type": "lifespan.startup.complete"}]  # still waiting
    release.set()
    await asyncio.wait_for(task, timeout=5)
    assert lifespan_out[-1] == {"type": "lifespan.shutdown.complete"}
    assert len(done) == 1


async def test_lifespan_shutdown_gives_up_after_its_timeout(
    caplog: pytest.LogCaptureFixture,
) -> None:
    never = asyncio.Event()

    async def stuck(event: BoltRunEvent) -> None:
        await never.wait()

    app = create_receiver(stuck, shutdown_timeout=0.05)
    async with client(app) as http:
        assert (await http.post("/", content=BODY)).status_code == 202
    incoming = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    messages = await _call(app, {"type": "lifespan"}, incoming=incoming)
    assert [m["type"] for m in messages] == [
        "lifespan.startup.complete",
        "lifespan.shutdown.complete",
    ]
    assert "still running" in caplog.text
    never.set()
    assert await app.drain(timeout=5)


# --- configuration --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"path": "/hooks/{token}"},  # a token segment needs a secret
        {"path": "hooks"},
        {"path": "/a/{token}/{token}", "secret": "s"},
        {"path": "/a/x{token}", "secret": "s"},
        {"path": "/a/{id}", "secret": "s"},
        {"path": "/a/{token}", "secret": "with/slash"},
        {"secret": ""},
        {"secret_header": ""},
        {"secret_header": "X-Sécret"},
        {"event_header": ""},
        {"max_body_bytes": 0},
        {"max_body_bytes": True},
    ],
)
def test_invalid_settings_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgumentError):
        create_receiver(Recorder(), **kwargs)


def test_the_callback_must_be_callable() -> None:
    with pytest.raises(InvalidArgumentError):
        create_receiver("not callable")  # type: ignore[arg-type]


@pytest.mark.subprocess
def test_importing_the_webhooks_package_imports_no_server_or_framework() -> None:
    code = (
        "import sys, paradime_bolt.webhooks, paradime_bolt.webhooks.receiver;"
        "loaded = {'uvicorn', 'starlette', 'ariadne', 'fastapi'} & set(sys.modules);"
        "assert not loaded, loaded"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


# --- raw ASGI helpers -----------------------------------------------------------------------


def _scope(
    *,
    method: str = "POST",
    path: str = "/",
    root_path: str = "",
    headers: list[tuple[bytes, bytes]] | None = None,
) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": root_path,
        "query_string": b"",
        "headers": headers or [],
    }


async def _call(
    app: WebhookReceiver,
    scope: dict[str, Any],
    *,
    incoming: list[dict[str, Any]] | None = None,
    reads: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Runs the app on one scope; returns what it sent. `reads` records every receive()."""
    queue = list(incoming or [{"type": "http.request", "body": b"", "more_body": False}])
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        message = queue.pop(0) if queue else {"type": "http.disconnect"}
        if reads is not None:
            reads.append(message)
        return message

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)  # type: ignore[arg-type]
    return sent
