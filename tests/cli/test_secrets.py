"""The API secret (and key) never reach stdout or stderr: not in --verbose, not in errors, not in
JSON, not even when the server echoes them."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from pytest_httpx import HTTPXMock

import paradime_bolt
from tests.support import payloads as p
from tests.support.cli import Invoke, assert_no_secret, run_cli
from tests.support.fake_api import API_KEY, API_SECRET, ENDPOINT, GraphQLScript


@pytest.mark.parametrize("verbose", [[], ["--verbose"]], ids=["quiet", "verbose"])
@pytest.mark.parametrize("as_json", [[], ["--json"]], ids=["text", "json"])
def test_a_successful_command(
    invoke: Invoke, script: GraphQLScript, verbose: list[str], as_json: list[str]
) -> None:
    script.on("ListBoltSchedules", p.schedules(p.schedule("daily run")))
    result = invoke(*verbose, "schedules", "list", *as_json)
    assert result.exit_code == 0
    assert_no_secret(result)


@pytest.mark.parametrize("verbose", [[], ["--verbose"]], ids=["quiet", "verbose"])
@pytest.mark.parametrize("as_json", [[], ["--json"]], ids=["text", "json"])
@pytest.mark.parametrize(
    "response",
    [
        {"status_code": 401, "text": f"bad secret {API_SECRET}"},
        {"status_code": 500, "text": f"echo: X-API-SECRET={API_SECRET}"},
        {"json": p.graphql_error(f"secret {API_SECRET} and key {API_KEY} rejected")},
        {"status_code": 200, "text": f"<html>{API_SECRET}</html>"},
    ],
    ids=["401", "500", "graphql", "not-json"],
)
def test_errors_echoing_the_secret(
    invoke: Invoke,
    httpx_mock: HTTPXMock,
    verbose: list[str],
    as_json: list[str],
    response: dict[str, Any],
) -> None:
    httpx_mock.add_response(url=ENDPOINT, **response)
    result = invoke(*verbose, "--max-retries", "0", "runs", "status", "1", *as_json)
    assert result.exit_code in (4, 5)
    assert_no_secret(result)
    if as_json:
        json.loads(result.stdout)


def test_a_transport_error_mentioning_the_secret(invoke: Invoke, httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_exception(httpx.ConnectError(f"refused {API_SECRET}"), url=ENDPOINT)
    result = invoke("-v", "--max-retries", "0", "runs", "cancel", "1")
    assert result.exit_code == 5
    assert_no_secret(result)


def test_logs_and_failure_reports_echoing_the_secret(invoke: Invoke, script: GraphQLScript) -> None:
    leaky = p.command(1, "dbt run", 1, stderr=f"connecting with {API_SECRET}")
    script.on("TriggerBoltRun", p.triggered(3))
    script.on("BoltRunProgress", p.progress("ERROR", leaky))
    script.on("BoltRunStatus", p.status("ERROR", leaky))
    script.on("BoltCommandLogs", p.log_page(f"env: PARADIME_API_SECRET={API_SECRET}"))
    for extra in ([], ["--json"]):
        result = invoke("-v", "run", "x", "--wait", "--logs", "--poll-interval", "0.001", *extra)
        assert result.exit_code == 1
        assert "connecting with **********" in result.stderr
        assert_no_secret(result)


def test_an_unexpected_error_with_the_secret_in_its_traceback(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError(f"leaked {API_SECRET}")

    monkeypatch.setattr(paradime_bolt.BoltClient, "bolt_run_status", broken)
    result = invoke("--verbose", "runs", "status", "1")
    assert result.exit_code == 5
    assert "Traceback" in result.stderr
    assert_no_secret(result)


def test_a_bad_secret_in_the_environment_is_not_echoed(invoke: Invoke) -> None:
    result = invoke("schedules", "list", env={"PARADIME_API_SECRET": "line1-secret\nline2-secret"})
    assert result.exit_code == 4
    assert "line1-secret" not in result.output
    assert "line2-secret" not in result.output


WORKSPACE_TOKEN = "prdm_wsp_secrets-0123456789-NEVER-PRINT-ME"
ACCOUNT_KEY = "prdm_cmp_secrets-9876543210-NEVER-PRINT-ME"


@pytest.mark.parametrize(
    "env",
    [
        {"PARADIME_API_SECRET": WORKSPACE_TOKEN},
        {"PARADIME_API_SECRET": ACCOUNT_KEY, "PARADIME_WORKSPACE_UID": "ws-1"},
    ],
    ids=["workspace-token", "account-key"],
)
@pytest.mark.parametrize("verbose", [[], ["--verbose"]], ids=["quiet", "verbose"])
@pytest.mark.parametrize("as_json", [[], ["--json"]], ids=["text", "json"])
@pytest.mark.parametrize(
    "answer",
    [
        {"status_code": 401, "text": "bad token Authorization: Bearer {token}"},
        {"status_code": 403, "text": "token {token} has no access"},
        {"status_code": 500, "text": "echo: Authorization=Bearer {token}"},
        {"json_error": "token {token} rejected"},
        {"status_code": 200, "text": "<html>{token}</html>"},
        {"exception": "proxy refused Authorization: Bearer {token}"},
    ],
    ids=["401", "403", "500", "graphql", "not-json", "transport"],
)
def test_a_token_never_reaches_the_output(
    httpx_mock: HTTPXMock,
    env: dict[str, str],
    verbose: list[str],
    as_json: list[str],
    answer: dict[str, Any],
) -> None:
    token = env["PARADIME_API_SECRET"]
    if "exception" in answer:
        httpx_mock.add_exception(httpx.ConnectError(answer["exception"].format(token=token)))
    elif "json_error" in answer:
        httpx_mock.add_response(json=p.graphql_error(answer["json_error"].format(token=token)))
    else:
        httpx_mock.add_response(
            status_code=answer["status_code"], text=answer["text"].format(token=token)
        )
    result = run_cli(
        *verbose,
        "--max-retries",
        "0",
        "runs",
        "status",
        "1",
        *as_json,
        env={"PARADIME_API_ENDPOINT": ENDPOINT, **env},
    )
    assert result.exit_code in (4, 5)
    for text in (result.stdout, result.stderr):
        assert token not in text
        assert token.removeprefix("prdm_wsp_").removeprefix("prdm_cmp_") not in text
    if as_json:
        json.loads(result.stdout)


@pytest.mark.parametrize("verbose", [[], ["--verbose"]], ids=["quiet", "verbose"])
def test_whoami_never_shows_a_token(
    httpx_mock: HTTPXMock, script: GraphQLScript, verbose: list[str]
) -> None:
    script.on("ListBoltSchedules", p.schedules(p.schedule(f"named {ACCOUNT_KEY}")))
    for as_json in ([], ["--json"]):
        result = run_cli(
            *verbose,
            "whoami",
            *as_json,
            env={
                "PARADIME_API_ENDPOINT": ENDPOINT,
                "PARADIME_API_SECRET": ACCOUNT_KEY,
                "PARADIME_WORKSPACE_UID": "ws-1",
            },
        )
        assert result.exit_code == 0, result.output
        assert "prdm_cmp_**********" in result.stdout
        assert ACCOUNT_KEY not in result.stdout + result.stderr
