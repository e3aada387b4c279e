"""Hostile answers: whatever the server sends, only a `BoltError` reaches the caller.
Large payloads (5 MB of logs, 10,000 resources) parse."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_httpx import HTTPXMock

from paradime_bolt import BoltClient, BoltError
from tests.support.fake_api import API_KEY, API_SECRET, ENDPOINT
from tests.support.twins import Twin

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=25,
)

FIELDS = [
    "listBoltSchedules",
    "boltScheduleName",
    "triggerBoltRun",
    "cancelBoltRun",
    "boltRunStatus",
    "boltCommand",
    "boltResourceUrl",
    "listBoltRuns",
    "boltCommandLogs",
]
CALLS: list[tuple[str, tuple[Any, ...]]] = [
    ("list_bolt_schedules", ()),
    ("bolt_schedule_name", ("daily run",)),
    ("trigger_bolt_run", ("daily run",)),
    ("cancel_bolt_run", (1,)),
    ("bolt_run_status", (1,)),
    ("bolt_run_progress", (1,)),
    ("bolt_command", (1,)),
    ("bolt_resource_url", (1,)),
    ("list_bolt_runs", ("daily run",)),
    ("bolt_command_logs", (1,)),
    ("retry_bolt_run", (1,)),
    ("suspend_bolt_schedule", ("daily run",)),
]

# Shapes around the right one: the envelope, the payload, and wrong types inside a payload.
BODIES = st.one_of(
    JSON,
    st.fixed_dictionaries({"data": JSON}),
    st.fixed_dictionaries({"data": JSON, "errors": JSON}),
    st.fixed_dictionaries({"data": st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=2)}),
    st.fixed_dictionaries(
        {
            "data": st.fixed_dictionaries(
                {
                    "boltRunStatus": st.fixed_dictionaries(
                        {"ok": JSON, "state": JSON, "commands": JSON}
                    )
                }
            )
        }
    ),
)


def _client_with(handler: Any) -> BoltClient:
    transport = httpx.MockTransport(handler)
    return BoltClient(
        endpoint=ENDPOINT,
        api_key=API_KEY,
        api_secret=API_SECRET,
        max_retries=0,
        http_client=httpx.Client(transport=transport),
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=BODIES, call=st.sampled_from(CALLS), status=st.sampled_from([200, 200, 200, 400, 500]))
def test_any_json_answer_gives_a_result_or_a_bolt_error(
    body: Any, call: tuple[str, tuple[Any, ...]], status: int
) -> None:
    client = _client_with(lambda _request: httpx.Response(status, json=body))
    method, args = call
    with contextlib.suppress(BoltError):
        getattr(client, method)(*args)


@settings(max_examples=200, deadline=None)
@given(raw=st.binary(max_size=300), call=st.sampled_from(CALLS))
def test_any_bytes_give_a_result_or_a_bolt_error(
    raw: bytes, call: tuple[str, tuple[Any, ...]]
) -> None:
    client = _client_with(lambda _request: httpx.Response(200, content=raw))
    method, args = call
    with contextlib.suppress(BoltError):
        getattr(client, method)(*args)


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000,  # nesting deep enough to exhaust a recursive parser
        b'{"data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        b'{"data": {"boltRunStatus": {"ok": true, "state": "' + b"x" * 2_000_000 + b'"}}}',
        b'{"data": 1e999999}',
        b'{"data": {"boltRunStatus": {"ok": NaN}}}',
        b"\xff\xfe\x00garbage",
        json.dumps({"data": {"boltRunStatus": {"ok": True, "commands": [{}] * 1000}}}).encode(),
    ],
    ids=["deep", "deep-valid", "huge-string", "overflow", "nan", "not-utf8", "many-bad-items"],
)
def test_pathological_bodies(body: bytes) -> None:
    client = _client_with(lambda _request: httpx.Response(200, content=body))
    with contextlib.suppress(BoltError):  # a result is fine too: a 2 MB state is still a string
        client.bolt_run_status(1)


def test_five_megabytes_of_logs(twin: Twin, httpx_mock: HTTPXMock) -> None:
    log = "\n".join(
        f"22:59:{n % 60:02d}  {n} of 100000 OK created sql table model x" for n in range(100_000)
    )
    assert len(log) > 5_000_000
    httpx_mock.add_response(
        json={
            "data": {
                "boltRunStatus": {
                    "ok": True,
                    "state": "SUCCESS",
                    "commands": [
                        {
                            "id": 1,
                            "command": "dbt run",
                            "stdout": log,
                            "stderr": "",
                            "returnCode": 0,
                        }
                    ],
                }
            }
        }
    )
    status = twin.call("bolt_run_status", 1)
    assert status.commands[0].stdout == log


def test_ten_thousand_resources(twin: Twin, httpx_mock: HTTPXMock) -> None:
    resources = [{"id": n, "path": f"target/compiled/p/models/m_{n}.sql"} for n in range(10_000)]
    httpx_mock.add_response(
        json={"data": {"boltCommand": {"ok": True, "resources": resources, "scheduleRunId": 9}}}
    )
    command = twin.call("bolt_command", 1)
    assert len(command.resources) == 10_000
    assert command.resources[-1].path == "target/compiled/p/models/m_9999.sql"
