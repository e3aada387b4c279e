"""Outgoing webhooks: the body against the documented fields, and delivery with retries.

The body tests build payloads from the run events of the in-process emulator (fake clock, exact
timestamps). The delivery tests drive ``WebhookSender`` through ``httpx.MockTransport``, with a
tiny backoff so retries cost milliseconds.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, Literal

import httpx
import pytest

from paradime_bolt.webhooks import RunCompletedEvent, RunStartedEvent, parse_event
from paradime_bolt_emulator import RunEvent, WebhookSender, build_payload
from paradime_bolt_emulator.runs.events import CommandSnapshot
from paradime_bolt_emulator.timefmt import format_dttm
from paradime_bolt_emulator.webhooks.payload import (
    api_query,
    command_status,
    encode_payload,
    resource_query,
)
from paradime_bolt_emulator.webhooks.sender import EVENT_HEADER, backoff_delay

from .support import EPOCH, Api, FakeClock

API_URL = "http://emulator.test:8765/graphql"
# The docs facts, section 1: the fields of the documented bolt.run.completed example.
DOCUMENTED_TOP_LEVEL = ["api_url", "commands"]
DOCUMENTED_COMMAND_KEYS = [
    "api_query",
    "command",
    "end_dttm",
    "id",
    "json_resources",
    "return_code",
    "start_dttm",
    "status",
]
DOCUMENTED_RESOURCE_KEYS = ["id", "path", "resource_query"]
EMULATOR_EXTRAS = [
    "branch",
    "commit_hash",
    "end_dttm",
    "event",
    "run_id",
    "schedule_name",
    "start_dttm",
    "state",
]
# As the docs facts quote them, for the example's first command and resource.
DOCUMENTED_API_QUERY = (
    "query BoltCommand {\n    boltCommand(commandId: 193439) {\n"
    "        command startDttm endDttm stdout stderr returnCode scheduleRunId"
    " resources { id path }\n"
    "    }}"
)
DOCUMENTED_RESOURCE_QUERY = (
    "query BoltResourceUrl {\n    boltResourceUrl(resourceId: 1205731) {\n        ok url\n    }}"
)
DTTM = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}")
SECRET_PATH = "/hooks/path-token-s3cret"


def _events_of(api: Api, clock: FakeClock, events: list[RunEvent], schedule: str) -> list[RunEvent]:
    """Run a schedule to its end on the fake clock and return its events."""
    run_id = api.trigger(schedule)
    clock.advance(60)
    api.status(run_id)
    return [event for event in events if event.run_id == run_id]


def _payload(event: RunEvent) -> dict[str, Any]:
    """The body as the receiver decodes it."""
    decoded: dict[str, Any] = json.loads(encode_payload(event, API_URL))
    return decoded


def _keys_in_order(body: bytes) -> list[list[str]]:
    """The key order of every JSON object in the body, in document order."""
    orders: list[list[str]] = []

    def record(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        orders.append([key for key, _ in pairs])
        return dict(pairs)

    json.loads(body, object_pairs_hook=record)
    return orders


# the body


def test_the_query_strings_are_formatted_exactly_as_documented() -> None:
    assert api_query(193439) == DOCUMENTED_API_QUERY
    assert resource_query(1205731) == DOCUMENTED_RESOURCE_QUERY


def test_a_completed_body_has_the_documented_shape(
    api: Api, clock: FakeClock, events: list[RunEvent]
) -> None:
    started, completed = _events_of(api, clock, events, "daily run")
    body = encode_payload(completed, API_URL)
    payload = json.loads(body)

    assert sorted(payload) == sorted(DOCUMENTED_TOP_LEVEL + EMULATOR_EXTRAS)
    assert payload["api_url"] == API_URL
    assert all(order == sorted(order) for order in _keys_in_order(body))
    commands = payload["commands"]
    assert [c["command"] for c in commands] == ["git clone ...", "dbt deps", "dbt run", "dbt test"]
    for command in commands:
        assert list(command) == DOCUMENTED_COMMAND_KEYS
        assert command["api_query"] == DOCUMENTED_API_QUERY.replace("193439", str(command["id"]))
        assert DTTM.fullmatch(command["start_dttm"]) and DTTM.fullmatch(command["end_dttm"])
        assert (command["return_code"], command["status"]) == (0, "succeeded")
        for resource in command["json_resources"]:
            assert list(resource) == DOCUMENTED_RESOURCE_KEYS
            assert resource["resource_query"] == DOCUMENTED_RESOURCE_QUERY.replace(
                "1205731", str(resource["id"])
            )
    # As in the docs' example: ids consecutive, infra commands without resources.
    ids = [c["id"] for c in commands]
    assert ids == list(range(ids[0], ids[0] + 4))
    assert commands[0]["json_resources"] == commands[1]["json_resources"] == []
    assert "target/manifest.json" in [r["path"] for r in commands[2]["json_resources"]]
    # Fake time: triggered at EPOCH, STARTING for 1 s, each command 2 s.
    assert commands[0]["start_dttm"] == format_dttm(EPOCH + 1) == "2024-08-27 22:58:58.000000"
    assert commands[0]["end_dttm"] == format_dttm(EPOCH + 3)

    assert payload["event"] == "bolt.run.completed"
    assert (payload["run_id"], payload["schedule_name"]) == (completed.run_id, "daily run")
    assert (payload["state"], payload["branch"]) == ("SUCCESS", "main")
    assert payload["start_dttm"] == format_dttm(EPOCH)
    assert DTTM.fullmatch(payload["end_dttm"])
    assert re.fullmatch(r"[0-9a-f]{40}", payload["commit_hash"])
    assert started.kind == "started"


def test_a_started_body_has_no_commands_yet(
    api: Api, clock: FakeClock, events: list[RunEvent]
) -> None:
    started, _ = _events_of(api, clock, events, "daily run")
    payload = build_payload(started, API_URL)
    assert list(payload) == sorted(payload)
    assert payload["commands"] == []
    assert (payload["event"], payload["state"], payload["end_dttm"]) == (
        "bolt.run.started",
        "RUNNING",
        None,
    )


def test_a_failed_run_marks_the_failed_command(
    api: Api, clock: FakeClock, events: list[RunEvent]
) -> None:
    _, completed = _events_of(api, clock, events, "broken tests")
    payload = _payload(completed)
    assert payload["state"] == "ERROR"
    statuses = [(c["command"], c["return_code"], c["status"]) for c in payload["commands"]]
    assert statuses == [
        ("git clone ...", 0, "succeeded"),
        ("dbt deps", 0, "succeeded"),
        ("dbt seed", 0, "succeeded"),
        ("dbt test", 1, "failed"),
    ]


def test_a_cancelled_run_marks_its_command_canceled(
    api: Api, clock: FakeClock, events: list[RunEvent]
) -> None:
    run_id = api.trigger("daily run")
    clock.advance(2)  # git clone ... is running
    api.data("mutation($id: Int!) { cancelBoltRun(scheduleRunId: $id) { ok } }", id=run_id)
    payload = _payload(events[-1])
    assert payload["state"] == "CANCELED"
    assert [(c["command"], c["status"]) for c in payload["commands"]] == [
        ("git clone ...", "canceled")
    ]


def test_command_status_words() -> None:
    assert command_status(0, "ERROR") == "succeeded"
    assert command_status(1, "ERROR") == "failed"
    assert command_status(-15, "CANCELED") == "canceled"
    assert command_status(-15, "ERROR") == "failed"  # a command that died by itself
    assert command_status(None, "RUNNING") == "running"


def test_our_own_parser_reads_the_bodies(
    api: Api, clock: FakeClock, events: list[RunEvent]
) -> None:
    started, completed = _events_of(api, clock, events, "broken tests")
    parsed_started = parse_event(encode_payload(started, API_URL))
    parsed = parse_event(encode_payload(completed, API_URL))
    assert isinstance(parsed_started, RunStartedEvent)
    assert isinstance(parsed, RunCompletedEvent)
    assert not parsed.succeeded
    assert [c.command for c in parsed.failed_commands] == ["dbt test"]
    assert parsed.extra("run_id") == completed.run_id
    assert parsed.find_resource("target/manifest.json") is not None
    assert parsed.commands[0].start_dttm is not None
    assert parsed.commands[0].start_dttm.timestamp() == EPOCH + 1


# delivery


def _event(run_id: int = 7, kind: Literal["started", "completed"] = "completed") -> RunEvent:
    """A run event that needs no emulator: one command with one resource when completed."""
    return RunEvent(
        kind=kind,
        run_id=run_id,
        schedule_name="daily run",
        state="SUCCESS" if kind == "completed" else "RUNNING",
        trigger_ts=EPOCH,
        ended_ts=EPOCH + 9 if kind == "completed" else None,
        branch="main",
        commit_hash="0" * 40,
        commands=(CommandSnapshot(5, "dbt run", EPOCH + 1, EPOCH + 3, 0, ((9, "a.json"),)),)
        if kind == "completed"
        else (),
    )


class Recorder:
    """A MockTransport handler answering from a script, recording each request and its time."""

    def __init__(self, *answers: int | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []
        self.times: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.times.append(time.monotonic())
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return httpx.Response(answer)


@pytest.fixture
def sender_for() -> Iterator[Callable[..., WebhookSender]]:
    """Build senders over a mock transport (tiny backoff); closed at teardown."""
    senders: list[WebhookSender] = []

    def build(handler: Callable[[httpx.Request], httpx.Response], **options: Any) -> WebhookSender:
        settings: dict[str, Any] = {
            "api_url": API_URL,
            "backoff": 0.02,
            "transport": httpx.MockTransport(handler),
            **options,
        }
        urls = settings.pop("urls", ["http://receiver.test" + SECRET_PATH])
        sender = WebhookSender(urls, **settings)
        senders.append(sender)
        return sender

    yield build
    for sender in senders:
        sender.close(timeout=1)


def test_a_delivery_posts_the_body_with_the_event_header(
    sender_for: Callable[..., WebhookSender],
) -> None:
    recorder = Recorder(202)
    sender = sender_for(recorder)
    sender(_event(kind="started"))
    sender(_event())
    assert sender.flush(60)
    assert sender.counts().delivered == 2
    first, second = recorder.requests
    assert (first.method, str(first.url)) == ("POST", "http://receiver.test" + SECRET_PATH)
    assert first.headers[EVENT_HEADER] == "bolt.run.started"
    assert second.headers[EVENT_HEADER] == "bolt.run.completed"
    assert second.headers["content-type"] == "application/json"
    assert second.content == encode_payload(_event(), API_URL)


@pytest.mark.parametrize(
    "failure", [503, 500, 429, httpx.ConnectError("refused"), httpx.ReadTimeout("slow")]
)
def test_transient_failures_are_retried_with_exponential_backoff(
    sender_for: Callable[..., WebhookSender],
    failure: int | Exception,
    caplog: pytest.LogCaptureFixture,
) -> None:
    recorder = Recorder(failure, failure, 202)
    sender = sender_for(recorder, backoff=0.05)
    with caplog.at_level(logging.INFO, logger="paradime_bolt_emulator.webhooks"):
        sender(_event())
        assert sender.flush(60)
    assert sender.counts().delivered == 1
    assert len(recorder.requests) == 3
    delays = re.findall(r"retrying in ([0-9.]+)s", caplog.text)
    assert delays == ["0.05", "0.1"]  # the waits it chose, doubling
    times = recorder.times  # and it did wait them (a wait is never shorter; it may be longer)
    assert times[1] - times[0] >= 0.05 * 0.9 and times[2] - times[1] >= 0.1 * 0.9


def test_backoff_doubles_and_is_capped() -> None:
    assert [backoff_delay(n, 0.2) for n in (1, 2, 3)] == [0.2, 0.4, 0.8]
    assert backoff_delay(40, 0.2) == 30.0


@pytest.mark.parametrize("status", [400, 401, 404, 410, 302])
def test_other_answers_are_not_retried(
    sender_for: Callable[..., WebhookSender], status: int, caplog: pytest.LogCaptureFixture
) -> None:
    recorder = Recorder(status)
    sender = sender_for(recorder)
    with caplog.at_level(logging.WARNING, logger="paradime_bolt_emulator.webhooks"):
        sender(_event())
        assert sender.flush(60)
    assert len(recorder.requests) == 1
    assert sender.counts().failed == 1
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert f"HTTP {status}" in record.getMessage()


def test_a_delivery_gives_up_after_the_last_attempt_and_logs_safely(
    sender_for: Callable[..., WebhookSender], caplog: pytest.LogCaptureFixture
) -> None:
    recorder = Recorder(httpx.ConnectError("[Errno 111] Connection refused"))
    sender = sender_for(recorder, attempts=3, backoff=0.01)
    with caplog.at_level(logging.INFO, logger="paradime_bolt_emulator.webhooks"):
        sender(_event(run_id=42))
        assert sender.flush(60)
    assert len(recorder.requests) == 3
    assert sender.counts().failed == 1
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    message = warnings[0].getMessage()
    assert "bolt.run.completed" in message
    assert "run 42" in message
    assert "after 3 attempt(s)" in message
    assert "ConnectError" in message
    assert "http://receiver.test" in message
    logged = caplog.text
    assert "path-token-s3cret" not in logged  # the URL's path may be a secret
    assert "api_query" not in logged and "dbt run" not in logged  # never the body


def test_each_url_has_its_own_worker(sender_for: Callable[..., WebhookSender]) -> None:
    release = threading.Event()
    delivered_fast: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "slow.test":
            release.wait(60)
        else:
            delivered_fast.append(request.headers[EVENT_HEADER])
        return httpx.Response(204)

    sender = sender_for(handler, urls=["http://slow.test/", "http://fast.test/"])
    sender(_event(kind="started"))
    sender(_event())
    deadline = time.monotonic() + 60
    while len(delivered_fast) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert delivered_fast == ["bolt.run.started", "bolt.run.completed"]  # in order
    release.set()
    assert sender.flush(60)
    assert sender.counts().delivered == 4


def test_a_full_queue_drops_events_without_blocking(
    sender_for: Callable[..., WebhookSender], caplog: pytest.LogCaptureFixture
) -> None:
    entered, release = threading.Event(), threading.Event()

    def handler(_: httpx.Request) -> httpx.Response:
        entered.set()
        release.wait(60)
        return httpx.Response(200)

    sender = sender_for(handler, queue_size=1)
    sender(_event(1))
    assert entered.wait(60)  # the first is in flight, the queue is empty
    with caplog.at_level(logging.WARNING, logger="paradime_bolt_emulator.webhooks"):
        sender(_event(2))  # queued
        sender(_event(3))  # dropped
    # Both calls returned while the first delivery is still held: they did not wait for it.
    assert sender.counts() == type(sender.counts())(delivered=0, failed=0, dropped=1)
    assert "run 3" in caplog.text and "dropped" in caplog.text
    release.set()
    assert sender.flush(60)
    assert sender.counts() == type(sender.counts())(delivered=2, failed=0, dropped=1)


def test_close_drains_then_gives_up_at_its_deadline(
    sender_for: Callable[..., WebhookSender], caplog: pytest.LogCaptureFixture
) -> None:
    entered, release = threading.Event(), threading.Event()

    def handler(_: httpx.Request) -> httpx.Response:
        entered.set()
        release.wait(60)
        return httpx.Response(200)

    sender = sender_for(handler)
    sender(_event(1))
    sender(_event(2))
    assert entered.wait(60)
    with caplog.at_level(logging.WARNING, logger="paradime_bolt_emulator.webhooks"):
        sender.close(timeout=0.1)
        # close() gave up at its deadline: the delivery it would have waited for is still held.
        assert not release.is_set() and sender.counts().delivered == 0
        sender(_event(3))  # after close: dropped, not queued
    assert "2 webhook deliveries unfinished" in caplog.text
    release.set()
    assert sender.flush(60)
    assert sender.counts() == type(sender.counts())(delivered=1, failed=0, dropped=2)


def test_close_delivers_what_is_queued_when_there_is_time(
    sender_for: Callable[..., WebhookSender],
) -> None:
    recorder = Recorder(200)
    sender = sender_for(recorder)
    for run_id in range(5):
        sender(_event(run_id))
    sender.close(timeout=5)
    assert sender.counts().delivered == 5
    assert len(recorder.requests) == 5
