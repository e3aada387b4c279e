"""Properties: whatever comes in, only `WebhookPayloadError` goes out; valid payloads round-trip."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paradime_bolt.webhooks import (
    EVENT_TYPE_KEYS,
    RunCompletedEvent,
    RunStartedEvent,
    WebhookPayloadError,
    parse_event,
)
from tests.support.webhooks import docs_example

SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

COMMAND_FIELDS = frozenset(
    {
        "api_query",
        "command",
        "end_dttm",
        "id",
        "json_resources",
        "return_code",
        "start_dttm",
        "status",
    }
)
RESOURCE_FIELDS = frozenset({"id", "path", "resource_query"})
EVENT_FIELDS = frozenset({"api_url", "commands", *EVENT_TYPE_KEYS})

# --- JSON values and Python values ----------------------------------------------------------

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=8,
)
python_scalars = (
    json_scalars
    | st.floats()
    | st.binary(max_size=10)
    | st.complex_numbers()
    | st.datetimes()
    | st.dates()
    | st.builds(object)
    | st.just(NotImplemented)
    | st.just(Ellipsis)
)
odd_keys = (
    st.text(max_size=8) | st.integers() | st.none() | st.booleans() | st.tuples(st.integers())
)
python_values = st.recursive(
    python_scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.frozensets(st.integers(), max_size=3)
        | st.dictionaries(odd_keys, inner, max_size=4)
    ),
    max_leaves=20,
)

# --- valid payloads ---------------------------------------------------------------------------

offsets = st.integers(min_value=-23 * 60, max_value=23 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
moments = st.datetimes(
    min_value=datetime(1970, 1, 2),
    max_value=datetime(2100, 1, 1),
    timezones=st.one_of(st.none(), offsets),
)


def _as_text(moment: datetime, style: int) -> str:
    if moment.tzinfo is None and style == 0:
        return moment.isoformat(sep=" ", timespec="microseconds")  # the docs' format
    if style == 1 and moment.utcoffset() == timedelta(0):
        return moment.replace(tzinfo=None).isoformat() + "Z"
    return moment.isoformat()


timestamps = st.tuples(moments, st.integers(0, 2)).map(lambda pair: (pair[0], _as_text(*pair)))


def _extras(reserved: frozenset[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(
        st.text(max_size=10).filter(lambda key: key not in reserved), json_values, max_size=2
    )


resources = st.fixed_dictionaries(
    {"id": st.integers(), "path": st.text(max_size=30), "resource_query": st.text(max_size=60)}
).flatmap(lambda r: _extras(RESOURCE_FIELDS).map(lambda extra: {**extra, **r}))


@st.composite
def commands(draw: st.DrawFn) -> tuple[dict[str, Any], datetime | None, datetime | None]:
    start = draw(st.none() | timestamps)
    end = draw(st.none() | timestamps)
    body: dict[str, Any] = {
        "api_query": draw(st.text(max_size=60)),
        "command": draw(st.text(max_size=30)),
        "id": draw(st.integers()),
        "json_resources": draw(st.lists(resources, max_size=2)),
        "return_code": draw(st.none() | st.integers(-255, 255)),
        "status": draw(st.text(max_size=12)),
    }
    # A missing start or end is as good as a null one.
    if start is not None or draw(st.booleans()):
        body["start_dttm"] = start[1] if start else None
    if end is not None or draw(st.booleans()):
        body["end_dttm"] = end[1] if end else None
    body = {**draw(_extras(COMMAND_FIELDS)), **body}
    return body, start[0] if start else None, end[0] if end else None


@st.composite
def payloads(draw: st.DrawFn) -> tuple[dict[str, Any], list[tuple[Any, ...]]]:
    drawn = draw(st.lists(commands(), max_size=4))
    body = {
        **draw(_extras(EVENT_FIELDS)),
        "api_url": draw(st.text(max_size=40)),
        "commands": [c[0] for c in drawn],
    }
    return body, drawn


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=timezone.utc)


@SETTINGS
@given(payloads(), st.sampled_from(["mapping", "str", "bytes"]))
def test_valid_payloads_parse_and_round_trip(
    drawn: tuple[dict[str, Any], list[tuple[Any, ...]]], form: str
) -> None:
    payload, cmds = drawn
    body: Any = payload
    if form == "str":
        body = json.dumps(payload, ensure_ascii=False)
    elif form == "bytes":
        try:
            body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate travels only as a \u escape
            body = json.dumps(payload).encode("ascii")

    event = parse_event(body)

    every_ended = bool(cmds) and all(end is not None for _, _, end in cmds)
    assert type(event) is (RunCompletedEvent if every_ended else RunStartedEvent)
    assert event.api_url == payload["api_url"]
    assert len(event.commands) == len(cmds)
    for parsed, (raw, start, end) in zip(event.commands, cmds, strict=True):
        assert parsed.id == raw["id"]
        assert parsed.command == raw["command"]
        assert parsed.api_query == raw["api_query"]
        assert parsed.status == raw["status"]
        assert parsed.return_code == raw["return_code"]
        assert parsed.start_dttm == _aware(start)
        assert parsed.end_dttm == _aware(end)
        for when in (parsed.start_dttm, parsed.end_dttm):
            assert when is None or when.utcoffset() is not None
        assert [r.model_dump() for r in parsed.json_resources] == raw["json_resources"]
        assert parsed.model_extra == {k: v for k, v in raw.items() if k not in COMMAND_FIELDS}
    assert event.model_extra == {k: v for k, v in payload.items() if k not in EVENT_FIELDS}

    dumped = event.model_dump(mode="json")
    assert parse_event(dumped, event_type=event.event_type) == event
    assert parse_event(json.dumps(dumped), event_type=event.event_type) == event


def _check(body: Any, **kwargs: Any) -> None:
    """The only outcomes allowed: an event, or a WebhookPayloadError with a short message."""
    try:
        event = parse_event(body, **kwargs)
    except WebhookPayloadError as exc:
        message = exc.message
    else:
        assert isinstance(event, RunStartedEvent | RunCompletedEvent)
        return
    assert message
    assert len(message) < 4_000


@st.composite
def corrupted_payloads(draw: st.DrawFn) -> Any:
    """A valid payload with one value somewhere replaced by an arbitrary Python value."""
    payload, _ = draw(payloads())
    node: Any = payload
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            return payload
        key = draw(st.sampled_from(keys))
        child = node[key]
        if isinstance(child, dict | list) and child and draw(st.booleans()):
            node = child
            continue
        node[key] = draw(python_values)
        return payload


@SETTINGS
@given(
    st.one_of(
        st.binary(max_size=200),
        st.text(max_size=200),
        python_values,
        json_values.map(json.dumps),
        corrupted_payloads(),
        corrupted_payloads().map(lambda p: json.dumps(p, default=repr, skipkeys=True)),
        st.dictionaries(odd_keys, python_values, max_size=5),
    )
)
def test_arbitrary_input_raises_only_webhook_payload_error(body: Any) -> None:
    _check(body)


@settings(SETTINGS, max_examples=50)
@given(payloads(), st.data())
def test_damaged_bytes_raise_only_webhook_payload_error(
    drawn: tuple[dict[str, Any], list[tuple[Any, ...]]], data: st.DataObject
) -> None:
    raw = bytearray(json.dumps(drawn[0]).encode())
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(raw)))
        what = data.draw(st.sampled_from(["cut", "flip", "insert"]))
        if what == "cut":
            raw = raw[:at]
        elif what == "flip" and at < len(raw):
            raw[at] ^= data.draw(st.integers(1, 255))
        else:
            raw[at:at] = data.draw(
                st.sampled_from([b"NaN", b"-Infinity", b"\xff", b"[" * 3000, b"9" * 5000, b"{"])
            )
    _check(bytes(raw))


@SETTINGS
@given(
    st.integers(1, 50_000),
    st.sampled_from(["[", '{"a":', '{"commands":']),
    st.booleans(),
)
def test_deep_nesting_raises_only_webhook_payload_error(
    depth: int, opener: str, inside: bool
) -> None:
    closer = "]" if opener == "[" else "}"
    nested = opener * depth + "1" + closer * depth
    body = f'{{"api_url": "x", "commands": [], "deep": {nested}}}' if inside else nested
    _check(body)


@SETTINGS
@given(st.text(max_size=30) | python_values)
def test_any_event_type_argument_raises_only_webhook_payload_error(event_type: Any) -> None:
    _check(docs_example(), event_type=event_type)
