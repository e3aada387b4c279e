"""Typed events: the documented example, undocumented keys, the event-type rule, every error."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta, timezone
from types import MappingProxyType
from typing import Any

import pydantic
import pytest

from paradime_bolt import BoltError
from paradime_bolt.webhooks import (
    BoltRunEvent,
    RunCompletedEvent,
    RunStartedEvent,
    WebhookCommand,
    WebhookPayloadError,
    WebhookResource,
    parse_event,
)
from tests.support.webhooks import (
    API_URL,
    api_query,
    command,
    docs_example,
    resource,
    resource_query,
)

UTC = timezone.utc


def utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=UTC)


# --- the documented example ---------------------------------------------------------------


@pytest.mark.parametrize("form", ["bytes", "str", "mapping"])
def test_the_documented_example_parses_with_every_documented_value(form: str) -> None:
    payload = docs_example()
    body: Any = {
        "bytes": json.dumps(payload).encode(),
        "str": json.dumps(payload, indent=2),
        "mapping": payload,
    }[form]

    event = parse_event(body)

    assert isinstance(event, RunCompletedEvent)
    assert event.event_type == "bolt.run.completed"
    assert event.api_url == "https://api.demo.paradime.io/api/v1/uany7edagtovarzx/graphql"
    assert [c.id for c in event.commands] == [193439, 193440, 193441, 193442]
    assert [c.command for c in event.commands] == [
        "git clone ...",
        "dbt deps",
        "dbt seed",
        "dbt run",
    ]
    clone, deps, seed, run = event.commands
    assert (clone.start_dttm, clone.end_dttm) == (
        utc("2023-10-15 16:44:14.576471"),
        utc("2023-10-15 16:44:16.986049"),
    )
    assert (deps.start_dttm, deps.end_dttm) == (
        utc("2023-10-15 16:44:17.109897"),
        utc("2023-10-15 16:44:19.831942"),
    )
    assert (seed.start_dttm, seed.end_dttm) == (
        utc("2023-10-15 16:44:19.886774"),
        utc("2023-10-15 16:44:29.552605"),
    )
    assert run.end_dttm == utc("2023-10-15 16:44:37.422950")
    assert all(c.start_dttm is not None and c.start_dttm.tzinfo is UTC for c in event.commands)
    assert all(
        c.end_dttm is not None and c.end_dttm.utcoffset() == timedelta(0) for c in event.commands
    )
    for c in (clone, deps, seed):
        assert c.return_code == 0
        assert c.status == "succeeded"
        assert c.api_query == api_query(c.id)
        assert not c.failed
        assert c.ended
    assert clone.json_resources == []
    assert deps.json_resources == []
    assert [(r.id, r.path) for r in seed.json_resources] == [
        (1205731, "target/manifest.json"),
        (1205739, "target/run_results.json"),
    ]
    assert seed.json_resources[0].resource_query == resource_query(1205731)
    assert seed.json_resources[1].resource_query == resource_query(1205739)
    assert seed.duration == timedelta(seconds=9, microseconds=665831)
    assert event.succeeded
    assert event.failed_commands == []
    assert event.model_extra == {}


def test_the_documented_query_strings_are_kept_byte_for_byte() -> None:
    event = parse_event(docs_example())
    assert event.commands[0].api_query == (
        "query BoltCommand {\n    boltCommand(commandId: 193439) {\n"
        "        command startDttm endDttm stdout stderr returnCode scheduleRunId"
        " resources { id path }\n    }}"
    )
    assert event.commands[2].json_resources[0].resource_query == (
        "query BoltResourceUrl {\n    boltResourceUrl(resourceId: 1205731) {\n"
        "        ok url\n    }}"
    )


def test_find_resource_prefers_the_latest_command() -> None:
    event = parse_event(docs_example())
    assert event.find_resource("target/run_results.json") == event.commands[3].json_resources[1]
    assert event.find_resource("target/manifest.json") == event.commands[3].json_resources[0]
    assert event.find_resource("run_results.json") is None  # exact paths only
    assert event.find_resource("target/missing.json") is None

    documented_only = docs_example()
    del documented_only["commands"][3]
    resource_ = parse_event(documented_only).find_resource("target/run_results.json")
    assert resource_ is not None
    assert resource_.id == 1205739


# --- undocumented keys ----------------------------------------------------------------------


def test_undocumented_keys_are_kept_at_every_level() -> None:
    payload = docs_example()
    payload["run_id"] = 15509
    payload["schedule_name"] = "daily run"
    payload["state"] = "SUCCESS"
    payload["nested"] = {"deep": [1, {"x": None}]}
    payload["commands"][0]["stdout"] = "cloning"
    payload["commands"][2]["json_resources"][1]["size_bytes"] = 1234

    event = parse_event(json.dumps(payload))

    assert event.extra("run_id") == 15509
    assert event.extra("schedule_name") == "daily run"
    assert event.extra("missing") is None
    assert event.extra("missing", "default") == "default"
    assert event.model_extra == {
        "run_id": 15509,
        "schedule_name": "daily run",
        "state": "SUCCESS",
        "nested": {"deep": [1, {"x": None}]},
    }
    assert event.commands[0].extra("stdout") == "cloning"
    assert event.commands[2].json_resources[1].extra("size_bytes") == 1234
    dumped = event.model_dump(mode="json")
    assert dumped["run_id"] == 15509
    assert dumped["commands"][2]["json_resources"][1]["size_bytes"] == 1234


def test_undocumented_keys_never_shadow_the_helpers() -> None:
    payload = docs_example()
    payload["succeeded"] = "no"
    payload["event_type"] = "something else"
    payload["extra"] = 1
    payload["model_config"] = 2
    payload["commands"][0]["failed"] = True
    payload["commands"][0]["_private"] = 3

    event = parse_event(payload)

    assert isinstance(event, RunCompletedEvent)
    assert event.succeeded is True
    assert event.event_type == "bolt.run.completed"
    assert event.extra("event_type") == "something else"
    assert event.extra("extra") == 1
    assert event.commands[0].failed is False
    assert event.commands[0].extra("failed") is True
    assert event.commands[0].extra("_private") == 3


def test_events_are_immutable() -> None:
    event = parse_event(docs_example())
    with pytest.raises(pydantic.ValidationError):
        event.api_url = "elsewhere"  # type: ignore[misc]


# --- which event --------------------------------------------------------------------------


def _running() -> dict[str, Any]:
    payload = docs_example()
    payload["commands"][3]["end_dttm"] = None
    payload["commands"][3]["return_code"] = None
    payload["commands"][3]["status"] = "running"
    payload["commands"][3]["json_resources"] = []
    return payload


def test_inference_completed_when_every_command_ended_else_started() -> None:
    assert isinstance(parse_event(docs_example()), RunCompletedEvent)

    running = parse_event(_running())
    assert isinstance(running, RunStartedEvent)
    assert running.event_type == "bolt.run.started"
    assert running.commands[3].end_dttm is None
    assert not running.commands[3].ended
    assert not running.succeeded
    assert running.failed_commands == []

    missing_end = docs_example()
    del missing_end["commands"][3]["end_dttm"]
    del missing_end["commands"][3]["return_code"]
    assert isinstance(parse_event(missing_end), RunStartedEvent)

    no_commands = {"api_url": API_URL, "commands": []}
    event = parse_event(no_commands)
    assert isinstance(event, RunStartedEvent)
    assert not event.succeeded


@pytest.mark.parametrize("key", ["event", "event_type", "type"])
def test_an_event_name_in_the_body_settles_the_type(key: str) -> None:
    payload = docs_example()
    payload[key] = "bolt.run.started"
    event = parse_event(payload)
    assert isinstance(event, RunStartedEvent)
    assert event.extra(key) == "bolt.run.started"

    payload = _running()
    payload[key] = " BOLT.RUN.COMPLETED "
    assert isinstance(parse_event(payload), RunCompletedEvent)


def test_body_keys_are_read_in_order_and_unknown_names_are_ignored() -> None:
    payload = _running()
    payload["event"] = "bolt.run.completed"
    payload["type"] = "bolt.run.started"
    assert isinstance(parse_event(payload), RunCompletedEvent)

    payload = docs_example()
    payload["type"] = "scheduled"  # not an event name: kept, and inference decides
    payload["event"] = {"name": "bolt.run.started"}
    event = parse_event(payload)
    assert isinstance(event, RunCompletedEvent)
    assert event.extra("type") == "scheduled"


def test_the_explicit_argument_wins() -> None:
    payload = docs_example()
    payload["event"] = "bolt.run.completed"
    started = parse_event(payload, event_type="bolt.run.started")
    assert isinstance(started, RunStartedEvent)
    completed = parse_event(_running(), event_type="Bolt.Run.Completed")
    assert isinstance(completed, RunCompletedEvent)


def test_an_unknown_explicit_event_type_is_a_payload_error() -> None:
    with pytest.raises(WebhookPayloadError, match=r"unknown event type 'bolt\.run\.queued'"):
        parse_event(docs_example(), event_type="bolt.run.queued")
    with pytest.raises(WebhookPayloadError, match="unknown event type"):
        parse_event(docs_example(), event_type=3)  # type: ignore[call-overload]


# --- commands -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("return_code", "status", "failed"),
    [
        (0, "succeeded", False),
        (None, "running", False),
        (None, "skipped", False),
        (1, "succeeded", True),
        (-10, "succeeded", True),
        (0, "failed", True),
        (None, "Error", True),
        (None, "ERRORED", True),
        (None, "canceled", True),
        (None, " Cancelled ", True),
    ],
)
def test_a_command_fails_on_a_nonzero_return_code_or_a_failing_status(
    return_code: int | None, status: str, failed: bool
) -> None:
    payload = docs_example()
    payload["commands"][3]["return_code"] = return_code
    payload["commands"][3]["status"] = status
    event = parse_event(payload)
    assert event.commands[3].failed is failed
    assert event.commands[3].status == status  # the raw string, untouched
    assert event.failed_commands == ([event.commands[3]] if failed else [])
    assert event.succeeded is not failed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-10-15 16:44:14.576471", datetime(2023, 10, 15, 16, 44, 14, 576471, UTC)),
        ("2023-10-15 16:44:14", datetime(2023, 10, 15, 16, 44, 14, tzinfo=UTC)),
        ("2023-10-15T16:44:14.576471", datetime(2023, 10, 15, 16, 44, 14, 576471, UTC)),
        ("2023-10-15T16:44:14.576471Z", datetime(2023, 10, 15, 16, 44, 14, 576471, UTC)),
        ("2023-10-15T16:44:14+00:00", datetime(2023, 10, 15, 16, 44, 14, tzinfo=UTC)),
        (
            "2023-10-15T18:44:14.5+02:00",
            datetime(2023, 10, 15, 18, 44, 14, 500000, timezone(timedelta(hours=2))),
        ),
        (
            "2023-10-15 11:44:14-05:00",
            datetime(2023, 10, 15, 11, 44, 14, tzinfo=timezone(timedelta(hours=-5))),
        ),
    ],
)
def test_timestamps_are_timezone_aware(text: str, expected: datetime) -> None:
    payload = docs_example()
    payload["commands"][0]["start_dttm"] = text
    start = parse_event(payload).commands[0].start_dttm
    assert start == expected
    assert start is not None
    assert start.utcoffset() == expected.utcoffset()


def test_datetime_objects_in_a_mapping_are_accepted() -> None:
    payload = docs_example()
    payload["commands"][0]["start_dttm"] = datetime(2023, 10, 15, 16, 44, 14)
    payload["commands"][0]["end_dttm"] = datetime(2023, 10, 15, 16, 44, 16, tzinfo=UTC)
    clone = parse_event(payload).commands[0]
    assert clone.start_dttm == datetime(2023, 10, 15, 16, 44, 14, tzinfo=UTC)
    assert clone.duration == timedelta(seconds=2)


@pytest.mark.parametrize(
    "value", [1697388254, 1697388254.5, "1697388254", "2023-10-15", "soon", True]
)
def test_a_timestamp_must_be_a_date_and_time(value: object) -> None:
    payload = docs_example()
    payload["commands"][1]["end_dttm"] = value
    with pytest.raises(WebhookPayloadError, match=r"commands\.1\.end_dttm"):
        parse_event(payload)


def test_the_models_can_be_used_on_their_own() -> None:
    res = WebhookResource.model_validate(resource(7, "target/manifest.json"))
    assert res.id == 7
    cmd = WebhookCommand.model_validate(command(9, "dbt build", None, None, []))
    assert cmd.start_dttm is None
    assert cmd.duration is None
    assert issubclass(RunStartedEvent, BoltRunEvent)
    assert issubclass(RunCompletedEvent, BoltRunEvent)


# --- errors -------------------------------------------------------------------------------


def _error(body: Any, **kwargs: Any) -> WebhookPayloadError:
    with pytest.raises(WebhookPayloadError) as caught:
        parse_event(body, **kwargs)
    error = caught.value
    assert isinstance(error, BoltError)
    assert isinstance(error, ValueError)
    assert str(error) == error.message
    return error


def test_invalid_json_names_line_and_column() -> None:
    error = _error(b'{\n  "api_url": "x",\n  "commands": [,]\n}')
    assert error.message == "invalid JSON at line 3, column 16: Expecting value"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "payload is empty"),
        ("  \n", "payload is empty"),
        (b"\xff\xfe{}", "payload is not valid UTF-8 (at byte 0)"),
        (b'{"api_url": "\xe9"}', "payload is not valid UTF-8 (at byte 13)"),
        ("[]", "payload must be a JSON object, not an array"),
        ('"text"', "payload must be a JSON object, not a string"),
        ("12", "payload must be a JSON object, not a number"),
        ("true", "payload must be a JSON object, not a boolean"),
        ("null", "payload must be a JSON object, not null"),
        ("NaN", "invalid JSON: NaN is not a JSON value"),
        ('{"api_url": "x", "commands": [], "n": Infinity}', "invalid JSON: Infinity"),
        ('{"n": -Infinity}', "invalid JSON: -Infinity"),
        ('{"n": ' + "9" * 5000 + "}", "invalid JSON: a number has too many digits"),
        ("[" * 100_000 + "]" * 100_000, "invalid JSON: nested too deeply to read"),
        ('{"a":' * 100_000 + "1" + "}" * 100_000, "invalid JSON: nested too deeply to read"),
        (None, "payload must be bytes, str or a mapping, not NoneType"),
        (12, "payload must be bytes, str or a mapping, not int"),
        ([docs_example()], "payload must be bytes, str or a mapping, not list"),
    ],
)
def test_unreadable_bodies(body: Any, message: str) -> None:
    assert _error(body).message.startswith(message)


def test_a_byte_order_mark_is_allowed() -> None:
    body = b"\xef\xbb\xbf" + json.dumps(docs_example()).encode()
    assert isinstance(parse_event(body), RunCompletedEvent)
    assert isinstance(parse_event(body.decode("utf-8")), RunCompletedEvent)
    assert isinstance(parse_event(bytearray(body)), RunCompletedEvent)
    assert isinstance(parse_event(memoryview(body)), RunCompletedEvent)


def test_missing_fields_are_named() -> None:
    assert (
        _error({"api_url": API_URL}).message == "invalid Bolt run event: commands: Field required"
    )
    payload = docs_example()
    del payload["commands"][1]["id"]
    del payload["commands"][2]["json_resources"][0]["path"]
    error = _error(payload)
    assert error.problems == (
        "commands.1.id: Field required",
        "commands.2.json_resources.0.path: Field required",
    )


def test_wrong_types_are_named_by_location() -> None:
    payload = docs_example()
    payload["commands"][2]["id"] = "193441"
    error = _error(payload)
    assert error.message == "invalid Bolt run event: commands.2.id: Input should be a valid integer"

    payload = docs_example()
    payload["commands"][0]["return_code"] = True  # a boolean is not a return code
    payload["commands"][1]["json_resources"] = {"id": 1}
    payload["api_url"] = None
    assert _error(payload).problems == (
        "api_url: Input should be a valid string",
        "commands.0.return_code: Input should be a valid integer",
        "commands.1.json_resources: Input should be a valid list",
    )
    assert _error({"api_url": API_URL, "commands": [[]]}).problems == (
        "commands.0: Input should be a valid dictionary or instance of WebhookCommand",
    )


def test_values_are_never_echoed_and_long_error_lists_are_cut() -> None:
    secret_looking = "VALUE-" + "x" * 100_000
    payload = {
        "api_url": API_URL,
        "commands": [{"id": secret_looking, "api_query": [secret_looking]} for _ in range(50)],
    }
    error = _error(json.dumps(payload))
    assert "VALUE-" not in error.message
    assert len(error.message) < 2_000
    assert error.message.endswith("more")
    assert len(error.problems) == 50 * 4  # id, api_query, command, status


def test_non_string_keys_in_a_mapping() -> None:
    payload: dict[Any, Any] = docs_example()
    payload[1] = "one"
    payload[("k" * 500,)] = "tuple"
    error = _error(payload)
    assert "Keys should be strings" in error.message
    assert all(len(p) < 300 for p in error.problems)


def test_any_mapping_is_accepted() -> None:
    assert isinstance(parse_event(MappingProxyType(docs_example())), RunCompletedEvent)


class _ExplodingMapping(Mapping[str, Any]):
    def __getitem__(self, key: str) -> Any:
        raise RuntimeError("boom")

    def __iter__(self) -> Iterator[str]:
        return iter(["api_url"])

    def __len__(self) -> int:
        return 1


def test_a_mapping_that_raises_becomes_a_payload_error() -> None:
    error = _error(_ExplodingMapping())
    assert error.message == "payload could not be read (RuntimeError)"
    assert error.__cause__ is None


def test_big_and_odd_numbers() -> None:
    payload = docs_example()
    payload["commands"][0]["id"] = 10**40  # a valid JSON integer, kept as is
    payload["huge"] = 1e400  # valid JSON; Python reads it as inf, kept as an extra
    event = parse_event(json.dumps(payload).replace("Infinity", "1e400"))
    assert event.commands[0].id == 10**40
    assert event.extra("huge") == float("inf")

    payload = docs_example()
    payload["commands"][0]["id"] = 1.5
    assert _error(payload).problems == ("commands.0.id: Input should be a valid integer",)
    payload["commands"][0]["id"] = float("nan")
    assert _error(payload).problems == ("commands.0.id: Input should be a valid integer",)
