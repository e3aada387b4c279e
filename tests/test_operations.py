"""Every documented example, on both twins: the request we send and the response we parse."""

from __future__ import annotations

import json
from typing import Any

import pytest
from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse
from pytest_httpx import HTTPXMock

from paradime_bolt import __version__
from paradime_bolt.models import CommandDetails, RunStatus, ScheduleDetails, SchedulePage
from paradime_bolt.schema_tools import document_problems, load_schema
from tests.support.fake_api import API_KEY, API_SECRET, ENDPOINT, docs_examples
from tests.support.queries import QUERIES_DIR, SCHEMA_PATH, field_paths, with_fragments
from tests.support.twins import Twin

SCHEMA = load_schema(SCHEMA_PATH)


def facade_call(operation: str, variables: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The facade method and keyword arguments that send these documented variables."""
    if operation == "ListBoltSchedules":
        return "list_bolt_schedules", {
            "offset": variables["offset"],
            "limit": variables["limit"],
            "show_inactive": variables["showInactive"],
        }
    if operation == "BoltScheduleName":
        return "bolt_schedule_name", {"schedule_name": variables["scheduleName"]}
    if operation == "TriggerBoltRun":
        kwargs = {"schedule_name": variables["scheduleName"]}
        for name in ("commands", "branch"):
            if name in variables:
                kwargs[name] = variables[name]
        return "trigger_bolt_run", kwargs
    single = {
        "CancelBoltRun": ("cancel_bolt_run", "schedule_run_id", "scheduleRunId"),
        "BoltRunStatus": ("bolt_run_status", "run_id", "runId"),
        "BoltCommand": ("bolt_command", "command_id", "commandId"),
        "BoltResourceUrl": ("bolt_resource_url", "resource_id", "resourceId"),
    }
    method, argument, variable = single[operation]
    return method, {argument: variables[variable]}


# The docs give no example response for these; each is the smallest answer the schema allows.
MINIMAL_RESPONSES: dict[str, dict[str, Any]] = {
    "TriggerBoltRun": {"triggerBoltRun": {"runId": 15510}},
    "CancelBoltRun": {"cancelBoltRun": {"ok": True}},
    "BoltResourceUrl": {
        "boltResourceUrl": {"ok": True, "url": "https://bucket.example/manifest.json?sig=1"}
    },
}


def operation_fields(source: str) -> set[str]:
    document = parse(with_fragments(source))
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    (operation,) = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return field_paths(operation.selection_set, fragments)


def is_subset(documented: Any, parsed: Any) -> bool:
    """Every documented key and value is present, with the same value, in what we parsed."""
    if isinstance(documented, dict):
        return isinstance(parsed, dict) and all(
            k in parsed and is_subset(v, parsed[k]) for k, v in documented.items()
        )
    if isinstance(documented, list):
        return (
            isinstance(parsed, list)
            and len(documented) == len(parsed)
            and all(is_subset(d, p) for d, p in zip(documented, parsed, strict=True))
        )
    return bool(documented == parsed and type(documented) is type(parsed))


EXAMPLES = docs_examples()
IDS = [f"{e['operation']}-{'-'.join(sorted(e['curl_body']['variables']))}" for e in EXAMPLES]


@pytest.mark.parametrize("example", EXAMPLES, ids=IDS)
def test_request_matches_the_documented_example(
    example: dict[str, Any], twin: Twin, httpx_mock: HTTPXMock
) -> None:
    operation = example["operation"]
    response = example["response"] or {"data": MINIMAL_RESPONSES[operation]}
    httpx_mock.add_response(url=ENDPOINT, method="POST", json=response)
    method, kwargs = facade_call(operation, example["curl_body"]["variables"])

    twin.call(method, **kwargs)

    request = httpx_mock.get_request()
    assert request is not None
    assert str(request.url) == ENDPOINT
    assert request.headers["X-API-KEY"] == API_KEY
    assert request.headers["X-API-SECRET"] == API_SECRET
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"].startswith(f"paradime-bolt/{__version__} ")
    body = json.loads(request.content)
    assert body["operationName"] == operation
    assert body["variables"] == example["curl_body"]["variables"]
    assert not document_problems(SCHEMA, body["query"], f"{operation} as sent")
    assert operation_fields(body["query"]) >= operation_fields(example["curl_body"]["query"])


@pytest.mark.parametrize("path", sorted(QUERIES_DIR.glob("*.graphql")), ids=lambda p: p.stem)
def test_query_files_select_every_field_the_docs_show(path: Any) -> None:
    ours = operation_fields(path.read_text())
    name = next(
        d.name.value
        for d in parse(path.read_text()).definitions
        if isinstance(d, OperationDefinitionNode) and d.name
    )
    for example in (e for e in EXAMPLES if e["operation"] == name):
        assert ours >= operation_fields(example["python_query"]), name


DOCUMENTED_RESPONSES = [e for e in EXAMPLES if e["response"]]


@pytest.mark.parametrize(
    "example", DOCUMENTED_RESPONSES, ids=[e["operation"] for e in DOCUMENTED_RESPONSES]
)
def test_documented_response_parses_with_every_value(
    example: dict[str, Any], twin: Twin, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(url=ENDPOINT, method="POST", json=example["response"])
    method, kwargs = facade_call(example["operation"], example["curl_body"]["variables"])

    payload = twin.call(method, **kwargs)

    (documented,) = example["response"]["data"].values()
    assert is_subset(documented, payload.model_dump(by_alias=True))


def test_list_schedules_example_is_typed(twin: Twin, httpx_mock: HTTPXMock) -> None:
    example = next(e for e in EXAMPLES if e["operation"] == "ListBoltSchedules")
    httpx_mock.add_response(json=example["response"])
    page = twin.call("list_bolt_schedules", offset=0, limit=10, show_inactive=False)
    assert isinstance(page, SchedulePage)
    assert page.total_count == 26
    schedule = page.schedules[0]
    assert (schedule.name, schedule.schedule, schedule.id) == ("fabio-chld-yaml", "OFF", 973767)
    assert schedule.last_run_at is None and schedule.turbo_ci is None
    assert schedule.commands == ["dbt run"] and schedule.git_branch == "main"
    assert schedule.slack_on == [""]


def test_schedule_name_example_is_typed(twin: Twin, httpx_mock: HTTPXMock) -> None:
    example = next(e for e in EXAMPLES if e["operation"] == "BoltScheduleName")
    httpx_mock.add_response(json=example["response"])
    details = twin.call("bolt_schedule_name", schedule_name="daily run")
    assert isinstance(details, ScheduleDetails)
    assert details.latest_run_id == 15475
    assert details.owner == "john@acme.io"


def test_run_status_example_is_typed(twin: Twin, httpx_mock: HTTPXMock) -> None:
    example = next(e for e in EXAMPLES if e["operation"] == "BoltRunStatus")
    httpx_mock.add_response(json=example["response"])
    status = twin.call("bolt_run_status", run_id=15509)
    assert isinstance(status, RunStatus)
    assert status.state == "ERROR"
    assert status.commands is not None
    assert status.commands[0].return_code == 1
    assert [c.id for c in status.commands] == [59241, 59239, 59240]
    assert status.commands[1].start_dttm == "2024-08-27 22:58:57.738046"


def test_command_example_is_typed(twin: Twin, httpx_mock: HTTPXMock) -> None:
    example = next(e for e in EXAMPLES if e["operation"] == "BoltCommand")
    httpx_mock.add_response(json=example["response"])
    command = twin.call("bolt_command", command_id=59241)
    assert isinstance(command, CommandDetails)
    assert command.schedule_run_id == 15509
    assert command.resources is not None
    assert len(command.resources) == 61
    assert command.resources[-1].path == "logs/dbt.log"
    assert command.resources[1].id == 306228
    assert command.resources[1].path == "target/manifest.json"


def test_trigger_returns_the_run_id_and_sends_no_unset_arguments(
    twin: Twin, httpx_mock: HTTPXMock
) -> None:
    httpx_mock.add_response(json={"data": {"triggerBoltRun": {"runId": 77}}})
    run = twin.call(
        "trigger_bolt_run",
        slug="daily-run",
        pr_number=12,
        reason="PR check",
        continue_on_error=True,
    )
    assert run.run_id == 77
    body = json.loads(httpx_mock.get_request().content)  # type: ignore[union-attr]
    assert body["variables"] == {
        "slug": "daily-run",
        "prNumber": 12,
        "reason": "PR check",
        "continueOnError": True,
    }


def test_resource_url_and_cancel_return_their_payloads(twin: Twin, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(json={"data": MINIMAL_RESPONSES["BoltResourceUrl"]})
    httpx_mock.add_response(json={"data": MINIMAL_RESPONSES["CancelBoltRun"]})
    url = twin.call("bolt_resource_url", resource_id=306228)
    assert url.url == "https://bucket.example/manifest.json?sig=1"
    assert twin.call("cancel_bolt_run", schedule_run_id=15507).ok is True


def test_schedule_filter_is_sent_as_an_input_object(twin: Twin, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(
        json={"data": {"listBoltSchedules": {"schedules": [], "totalCount": 0}}}
    )
    twin.call("list_bolt_schedules", show_inactive=True, suspended=True)
    body = json.loads(httpx_mock.get_request().content)  # type: ignore[union-attr]
    assert body["variables"] == {
        "offset": 0,
        "limit": 10,
        "showInactive": True,
        "filter": {"suspended": True},
    }
