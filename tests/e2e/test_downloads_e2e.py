"""Artifacts of a failed run, and download URLs that expire, against the emulator over loopback.

The emulator runs on a clock the test moves, so a URL expires exactly when the test says: the
first download request moves the clock past the URL's lifetime, as a slow queue would."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from paradime_bolt import StorageError
from paradime_bolt_emulator import EmulatorServer
from tests.support.twins import Twin

pytestmark = pytest.mark.e2e

URL_TTL = 300


class Clock:
    """The emulator's time, moved only by the test."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def server(clock: Clock) -> Iterator[EmulatorServer]:
    with EmulatorServer(port=0, clock=clock, url_ttl=URL_TTL) as running:
        yield running


@pytest.fixture
def clients() -> Iterator[list[Any]]:
    """httpx clients a test made: the sync ones are closed after it (an async one's connections
    belong to the event loop of the call that opened them, which is closed already)."""
    made: list[Any] = []
    yield made
    for client in made:
        if isinstance(client, httpx.Client):
            client.close()


@pytest.fixture(params=["sync", "async"])
def live(request: pytest.FixtureRequest, server: EmulatorServer) -> Twin:
    return Twin(
        request.param,
        simulated_time=False,
        endpoint=server.endpoint,
        api_key=server.api_key,
        api_secret=server.api_secret,
    )


def failed_run(live: Twin, clock: Clock) -> int:
    """A finished run of `broken tests`: dbt seed passes, dbt test fails."""
    run_id: int = live.call("trigger_bolt_run", "broken tests").run_id
    clock.now += 120  # every command has ended
    status = live.call("wait_for_run", run_id, timeout=60)
    assert [(c.command, c.return_code) for c in status.commands][-2:] == [
        ("dbt seed", 0),
        ("dbt test", 1),
    ]
    return run_id


def expiring(live: Twin, clock: Clock, clients: list[Any], times: int) -> tuple[Twin, list[str]]:
    """The twin with an http client whose first `times` download requests find their URL
    expired (the clock moves past its lifetime as the request goes out); and the `expires` of
    every download request."""
    seen: list[str] = []

    def hook(request: httpx.Request) -> None:
        if request.url.path.startswith("/resources/"):
            seen.append(request.url.params["expires"])
            if len(seen) <= times:
                clock.now += URL_TTL + 100

    async def async_hook(request: httpx.Request) -> None:
        hook(request)

    client: Any = (
        httpx.Client(event_hooks={"request": [hook]})
        if live.kind == "sync"
        else httpx.AsyncClient(event_hooks={"request": [async_hook]})
    )
    clients.append(client)
    return live.with_options(http_client=client), seen


def test_a_failed_runs_run_results_are_those_of_the_failing_command(
    live: Twin, clock: Clock
) -> None:
    run_id = failed_run(live, clock)
    artifact = live.call("find_artifact", run_id, "target/run_results.json")
    assert (artifact.command, artifact.return_code) == ("dbt test", 1)
    results = live.call("download_json_artifact", run_id, "target/run_results.json")
    assert results["args"]["which"] == "test"
    assert "fail" in {result["status"] for result in results["results"]}
    seed = live.call(
        "download_json_artifact",
        run_id,
        "target/run_results.json",
        command_id=live.call("bolt_run_progress", run_id).commands[-2].id,
    )
    assert seed["args"]["which"] == "seed"


def test_an_expired_download_url_is_fetched_afresh(
    live: Twin, clock: Clock, clients: list[Any], tmp_path: Path
) -> None:
    run_id = failed_run(live, clock)
    artifact = live.call("find_artifact", run_id, "target/run_results.json")
    client, seen = expiring(live, clock, clients, times=1)
    written = client.call("download_resource", artifact.resource_id, tmp_path)
    assert written == tmp_path / "run_results.json"
    assert json.loads(written.read_text(encoding="utf-8"))["args"]["which"] == "test"
    assert len(seen) == 2
    assert int(seen[1]) > int(seen[0]), "the retry used a fresh URL"


def test_a_download_url_that_expires_twice_is_a_storage_error(
    live: Twin, clock: Clock, clients: list[Any], tmp_path: Path
) -> None:
    run_id = failed_run(live, clock)
    artifact = live.call("find_artifact", run_id, "target/run_results.json")
    client, seen = expiring(live, clock, clients, times=2)
    with pytest.raises(StorageError) as info:
        client.call("download_resource", artifact.resource_id, tmp_path)
    error = info.value
    assert (error.status_code, error.code, error.storage_message, error.expired) == (
        403,
        "AccessDenied",
        "Request has expired",
        True,
    )
    assert len(seen) == 2
    assert list(tmp_path.iterdir()) == []
