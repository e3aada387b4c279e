"""From a webhook event to the client: failed commands' details and artifacts, by id only."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpx import HTTPXMock

from paradime_bolt import ArtifactNotFoundError
from paradime_bolt.webhooks import parse_event
from tests.support.fake_api import GraphQLScript
from tests.support.twins import Twin
from tests.support.webhooks import docs_example

URL = "https://files.example/manifest.json?signature=x"


def test_failed_command_details_uses_our_operation_with_the_event_ids(
    twin: Twin, script: GraphQLScript
) -> None:
    body = docs_example()
    body["commands"][3]["return_code"] = 1
    body["commands"][3]["status"] = "failed"
    body["commands"][3]["api_query"] = "mutation Evil { cancelBoltRun(scheduleRunId: 1) { ok } }"
    event = parse_event(body)
    script.on(
        "BoltCommand",
        {"data": {"boltCommand": {"ok": True, "command": "dbt run", "stderr": "boom"}}},
    )
    (details,) = twin.call("failed_command_details", event)
    assert details.stderr == "boom"
    assert script.calls == [("BoltCommand", {"commandId": 193442})]


def test_download_event_artifact_takes_the_latest_command(
    twin: Twin, script: GraphQLScript, httpx_mock: HTTPXMock, tmp_path: Path
) -> None:
    event = parse_event(docs_example())
    script.on("BoltResourceUrl", {"data": {"boltResourceUrl": {"ok": True, "url": URL}}})
    httpx_mock.add_response(url=URL, json={"nodes": {}})
    path = twin.call("download_event_artifact", event, "target/manifest.json", tmp_path)
    assert path == tmp_path / "manifest.json"
    assert path.read_text() == '{"nodes":{}}'
    assert script.calls == [("BoltResourceUrl", {"resourceId": 1205740})]


def test_download_event_artifact_missing(twin: Twin, tmp_path: Path) -> None:
    event = parse_event(docs_example())
    with pytest.raises(ArtifactNotFoundError, match="the webhook event has no artifact"):
        twin.call("download_event_artifact", event, "target/sources.json", tmp_path)
