"""Outages on purpose: the port closed (`refuse`) or every request answered 503 (`unavailable`),
from `EmulatorServer.outage`, `POST /_emulator/outage` and `paradime-bolt-emulator outage`. The
emulator keeps its state and its runs progress meanwhile. Waits are on states and events: an
outage ends when `wait_outage_over` says so."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from paradime_bolt_emulator import EmulatorServer, main

from .support import Api

pytestmark = pytest.mark.e2e

KEY, SECRET = "outage-test-key", "outage-test-secret"  # not the development defaults
HEADERS = {"X-API-KEY": KEY, "X-API-SECRET": SECRET}
LONG = 600.0  # an outage no test waits out: they end it by stopping the server


@pytest.fixture
def server(quick_schedules_file: Path) -> Iterator[EmulatorServer]:
    with EmulatorServer(schedules=quick_schedules_file, api_key=KEY, api_secret=SECRET) as s:
        yield s


def refused(server: EmulatorServer) -> bool:
    assert server.port is not None
    try:
        with socket.create_connection((server.config.host, server.port), timeout=5):
            return False
    except ConnectionRefusedError:
        return True


def api(server: EmulatorServer, client: httpx.Client) -> Api:
    return Api(client, server.endpoint, HEADERS)


def test_refuse_closes_the_port_and_opens_it_again_with_the_same_runs(
    server: EmulatorServer,
) -> None:
    with httpx.Client() as client:
        run_id = api(server, client).trigger("slow run")
    port = server.port

    server.outage(1, mode="refuse")

    assert refused(server)
    assert server.wait_outage_over(timeout=120)
    assert server.port == port
    with httpx.Client() as client:
        assert api(server, client).status(run_id)["state"] in ("RUNNING", "STARTING")
        assert client.get(server.base_url + "/healthz").status_code == 200


def test_runs_progress_while_the_port_is_closed(server: EmulatorServer) -> None:
    with httpx.Client() as client:
        run_id = api(server, client).trigger("quick run")
    server.outage(1, mode="refuse")
    assert server.wait_outage_over(timeout=120)
    with httpx.Client() as client:
        status = api(server, client).status(run_id)
    assert status["state"] == "SUCCESS"  # its 0.2 s of commands went by during the outage


def test_unavailable_answers_503_to_everything_but_the_switch(server: EmulatorServer) -> None:
    server.outage(LONG, mode="unavailable")
    with httpx.Client() as client:
        answer = client.post(server.endpoint, json={"query": "{ __typename }"}, headers=HEADERS)
        assert answer.status_code == 503
        assert answer.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        assert client.get(server.base_url + "/healthz").status_code == 503
        switch = client.post(
            server.base_url + "/_emulator/outage",
            json={"seconds": 1, "mode": "nonsense"},
            headers=HEADERS,
        )
        assert switch.status_code == 400  # the switch still answers, and checks what it is told
    assert not server.wait_outage_over(timeout=0.01)


def test_an_unavailable_outage_ends(server: EmulatorServer) -> None:
    server.outage(0.5, mode="unavailable")
    assert server.wait_outage_over(timeout=120)
    with httpx.Client() as client:
        assert client.get(server.base_url + "/healthz").status_code == 200


def test_the_http_switch_closes_the_port_after_answering(server: EmulatorServer) -> None:
    with httpx.Client() as client:
        answer = client.post(
            server.base_url + "/_emulator/outage",
            json={"seconds": 1, "mode": "refuse"},
            headers=HEADERS,
        )
    assert answer.status_code == 202
    assert answer.json() == {"seconds": 1, "mode": "refuse"}
    assert server.wait_outage_over(timeout=120)
    with httpx.Client() as client:
        assert client.get(server.base_url + "/healthz").status_code == 200


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"seconds": 0}, "seconds must be a number above 0"),
        ({"seconds": "5"}, "seconds must be a number above 0"),
        ({"seconds": 1e9}, "at most 3600"),
        ({"seconds": 5, "mode": "flaky"}, "mode must be one of refuse, unavailable"),
        ([5], "Expected"),
    ],
)
def test_the_switch_refuses_what_it_cannot_do(server: EmulatorServer, body: Any, says: str) -> None:
    with httpx.Client() as client:
        answer = client.post(server.base_url + "/_emulator/outage", json=body, headers=HEADERS)
    assert answer.status_code == 400
    assert says in answer.json()["errors"][0]["message"]


def test_the_switch_needs_the_credentials(server: EmulatorServer) -> None:
    with httpx.Client() as client:
        answer = client.post(server.base_url + "/_emulator/outage", json={"seconds": 1})
    assert answer.status_code == 401
    assert not refused(server)


def test_the_command_line_asks_a_running_emulator(
    server: EmulatorServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["outage", "1", "--endpoint", server.endpoint, "--api-key", KEY])
    assert code == 1  # the development secret is not this server's
    assert not refused(server)
    assert "HTTP 401: Unauthorized" in capsys.readouterr().err

    asked = ["outage", "1", "--endpoint", server.endpoint, "--mode", "unavailable"]
    code = main([*asked, "--api-key", KEY, "--api-secret", SECRET])
    assert code == 0
    assert "Outage started: unavailable for 1s" in capsys.readouterr().out
    assert server.wait_outage_over(timeout=120)


def test_the_command_line_names_an_emulator_it_cannot_reach(
    server: EmulatorServer, capsys: pytest.CaptureFixture[str]
) -> None:
    endpoint = server.endpoint
    server.stop()
    assert main(["outage", "1", "--endpoint", endpoint]) == 1
    assert "cannot reach http://127.0.0.1" in capsys.readouterr().err


def test_stopping_during_an_outage_stops_at_once(server: EmulatorServer) -> None:
    server.outage(LONG, mode="refuse")
    server.stop()
    assert server.port is None


def test_the_pytest_fixture_makes_outages(bolt_emulator: Any) -> None:
    bolt_emulator.outage(LONG, mode="unavailable")
    with httpx.Client() as client:
        assert client.get(bolt_emulator.endpoint.removesuffix("/graphql") + "/healthz").is_error
