"""--request-timeout and PARADIME_BOLT_REQUEST_TIMEOUT: an endpoint that never answers."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from tests.support import payloads as p
from tests.support.cli import Invoke
from tests.support.fake_api import GraphQLScript


@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    """A GraphQL URL whose server takes connections and never answers: the kernel completes
    the handshake into the listen backlog, and nothing ever reads or replies."""
    with socket.create_server(("127.0.0.1", 0), backlog=8) as listener:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/graphql"


def test_the_option_bounds_a_request_that_gets_no_answer(
    invoke: Invoke, silent_endpoint: str
) -> None:
    result = invoke(
        "--endpoint",
        silent_endpoint,
        "--max-retries",
        "0",
        "--request-timeout",
        "0.2",
        "runs",
        "status",
        "1",
        "--json",
    )
    assert result.exit_code == 5, result.output
    assert f"BoltRunStatus: the request to {silent_endpoint} timed out" in result.stderr
    assert '"type": "RequestTimeoutError"' in result.stdout


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "soon"])
def test_a_timeout_that_is_not_a_positive_number_is_a_usage_error(
    invoke: Invoke, value: str
) -> None:
    result = invoke("--request-timeout", value, "schedules", "list")
    assert result.exit_code == 2
    assert "Invalid value for '--request-timeout'" in result.stderr
    assert f"{value}" in result.stderr.split("--request-timeout")[-1]


def test_a_bad_environment_value_names_the_variable(invoke: Invoke) -> None:
    result = invoke("schedules", "list", env={"PARADIME_BOLT_REQUEST_TIMEOUT": "-5"})
    assert result.exit_code == 2
    assert "PARADIME_BOLT_REQUEST_TIMEOUT" in result.stderr


def test_the_client_gets_it_from_the_option_or_the_environment(
    invoke: Invoke, script: GraphQLScript, monkeypatch: pytest.MonkeyPatch
) -> None:
    from paradime_bolt.cli._state import CliState

    seen: list[object] = []
    original = CliState.client

    def client(self: CliState) -> object:
        made = original(self)
        seen.append(made.config.timeout)
        return made

    monkeypatch.setattr(CliState, "client", client)
    script.on("BoltRunStatus", *[p.status("SUCCESS")] * 4)
    variable = {"PARADIME_BOLT_REQUEST_TIMEOUT": " 2.5 "}
    assert invoke("--request-timeout", "7.5", "runs", "status", "1").exit_code == 0
    assert invoke("runs", "status", "1", env=variable).exit_code == 0
    assert invoke("--request-timeout", "7.5", "runs", "status", "1", env=variable).exit_code == 0
    assert invoke("runs", "status", "1").exit_code == 0
    assert seen == [7.5, 2.5, 7.5, 30.0]
