"""Workspace tokens, account API keys and --workspace-uid on the command line, and `whoami`."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from pytest_httpx import HTTPXMock

from tests.support import payloads as p
from tests.support.cli import run_cli
from tests.support.fake_api import API_KEY, API_SECRET, ENDPOINT

TOKEN = "prdm_wsp_cli-0123456789-NEVER-PRINT-ME"
ACCOUNT_KEY = "prdm_cmp_cli-9876543210-NEVER-PRINT-ME"
LEGACY = {"PARADIME_API_KEY": API_KEY, "PARADIME_API_SECRET": API_SECRET}
WITH_TOKEN = {"PARADIME_API_SECRET": TOKEN}
WITH_ACCOUNT_KEY = {"PARADIME_API_SECRET": ACCOUNT_KEY, "PARADIME_WORKSPACE_UID": "ws-env"}


def bolt(*args: str, **env: str) -> Any:
    result = run_cli(*args, env={"PARADIME_API_ENDPOINT": ENDPOINT, **env})
    for text in (result.stdout, result.stderr):
        for secret in (TOKEN, ACCOUNT_KEY, API_SECRET):
            assert secret not in text
        assert "Traceback" not in text
    return result


def sent(httpx_mock: HTTPXMock) -> httpx.Headers:
    request = httpx_mock.get_request()
    assert request is not None
    return request.headers


def test_a_workspace_token_needs_no_key(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url=ENDPOINT, json=p.schedules(p.schedule("daily run")))
    result = bolt("schedules", "list", **WITH_TOKEN)
    assert result.exit_code == 0, result.output
    headers = sent(httpx_mock)
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert "X-API-KEY" not in headers and "X-Paradime-Workspace" not in headers


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        ([], WITH_ACCOUNT_KEY, "ws-env"),
        (["--workspace-uid", "ws-option"], WITH_ACCOUNT_KEY, "ws-option"),
        (["--workspace-uid", " ws-option\n"], {"PARADIME_API_SECRET": ACCOUNT_KEY}, "ws-option"),
    ],
    ids=["environment", "option-overrides", "option-stripped"],
)
def test_the_workspace_comes_from_the_option_then_the_environment(
    httpx_mock: HTTPXMock, args: list[str], env: dict[str, str], expected: str
) -> None:
    httpx_mock.add_response(url=ENDPOINT, json=p.schedules())
    result = bolt(*args, "schedules", "list", "--json", **env)
    assert result.exit_code == 0, result.output
    headers = sent(httpx_mock)
    assert headers["X-Paradime-Workspace"] == expected
    assert headers["Authorization"] == f"Bearer {ACCOUNT_KEY}"


@pytest.mark.parametrize("as_json", [[], ["--json"]], ids=["text", "json"])
def test_an_account_key_without_a_workspace_is_exit_4_before_any_request(
    httpx_mock: HTTPXMock, as_json: list[str]
) -> None:
    result = bolt("runs", "status", "1", *as_json, PARADIME_API_SECRET=ACCOUNT_KEY)
    assert result.exit_code == 4
    assert "PARADIME_WORKSPACE_UID is not set" in result.stderr
    assert "--workspace-uid" in result.stderr
    assert httpx_mock.get_requests() == []
    if as_json:
        assert json.loads(result.stdout)["error"]["exit_code"] == 4


@pytest.mark.parametrize(
    "env",
    [
        {"PARADIME_API_SECRET": "prdm_wsp_cli-0123\u00a0456789-NEVER-PRINT-ME"},
        {"PARADIME_API_KEY": "key\u00a0with-nbsp", "PARADIME_API_SECRET": API_SECRET},
        {"PARADIME_API_SECRET": ACCOUNT_KEY, "PARADIME_WORKSPACE_UID": "ws\u00a0x"},
    ],
    ids=["token", "key", "workspace"],
)
def test_a_pasted_non_breaking_space_is_exit_4_without_the_value(
    httpx_mock: HTTPXMock, env: dict[str, str]
) -> None:
    result = bolt("schedules", "list", **env)
    assert result.exit_code == 4
    assert "U+00A0" in result.stderr
    for value in env.values():
        for part in value.split("\u00a0"):
            if len(part) > 3:
                assert part not in result.output
    assert httpx_mock.get_requests() == []


@pytest.mark.parametrize("status", [401, 403])
@pytest.mark.parametrize(
    ("env", "refused", "hint"),
    [
        (LEGACY, "the API refused the API key and secret", "PARADIME_API_KEY"),
        (WITH_TOKEN, "the API refused the workspace token", "its own workspace"),
        (
            WITH_ACCOUNT_KEY,
            "the API refused the account API key for workspace 'ws-env'",
            "access to that workspace",
        ),
    ],
    ids=["legacy", "workspace-token", "account-key"],
)
@pytest.mark.parametrize("verbose", [[], ["--verbose"]], ids=["quiet", "verbose"])
@pytest.mark.parametrize("as_json", [[], ["--json"]], ids=["text", "json"])
def test_a_refusal_is_exit_4_naming_the_kind_of_credential(
    httpx_mock: HTTPXMock,
    status: int,
    env: dict[str, str],
    refused: str,
    hint: str,
    verbose: list[str],
    as_json: list[str],
) -> None:
    secret = env["PARADIME_API_SECRET"]
    httpx_mock.add_response(
        url=ENDPOINT,
        status_code=status,
        json={"errors": [{"message": f"refused Authorization: Bearer {secret}"}]},
    )
    result = bolt(*verbose, "--max-retries", "0", "schedules", "list", *as_json, **env)
    assert result.exit_code == 4
    assert f"{refused} (HTTP {status})" in result.stderr
    assert hint in result.stderr
    if as_json:
        assert json.loads(result.stdout)["error"]["exit_code"] == 4


# -- whoami ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "env", "credential", "secret", "workspace"),
    [
        ([], LEGACY, "api_key_pair", "**********", None),
        ([], WITH_TOKEN, "workspace_token", "prdm_wsp_**********", None),
        ([], WITH_ACCOUNT_KEY, "account_api_key", "prdm_cmp_**********", "ws-env"),
        (["--workspace-uid", "ws-opt"], WITH_ACCOUNT_KEY, "account_api_key", None, "ws-opt"),
    ],
    ids=["legacy", "workspace-token", "account-key", "account-key-option"],
)
def test_whoami_json_says_what_is_in_use_and_that_it_is_accepted(
    httpx_mock: HTTPXMock,
    args: list[str],
    env: dict[str, str],
    credential: str,
    secret: str | None,
    workspace: str | None,
) -> None:
    httpx_mock.add_response(url=ENDPOINT, json=p.schedules(p.schedule("daily run")))
    result = bolt(*args, "whoami", "--json", **env)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["endpoint"] == ENDPOINT
    assert document["credential"] == credential
    assert document["workspace_uid"] == workspace
    assert document["accepted"] is True
    if secret is not None:
        assert document["secret"] == secret
    expected_source = "--workspace-uid" if args else "PARADIME_WORKSPACE_UID"
    assert document["sources"]["workspace_uid"] == (expected_source if workspace else None)
    assert document["sources"]["endpoint"] == "PARADIME_API_ENDPOINT"
    (request,) = httpx_mock.get_requests()
    body = json.loads(request.content)
    assert body["operationName"] == "ListBoltSchedules"
    assert body["variables"]["limit"] == 1, "one cheap call"


def test_whoami_text(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_response(url=ENDPOINT, json=p.schedules(p.schedule("daily run")))
    result = bolt("whoami", **WITH_ACCOUNT_KEY)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert any(
        line.startswith("endpoint:") and line.endswith(f"{ENDPOINT} (PARADIME_API_ENDPOINT)")
        for line in lines
    )
    assert any(line.split(":", 1)[1].strip() == "account API key" for line in lines)
    assert any("prdm_cmp_**********" in line for line in lines)
    assert any("ws-env (PARADIME_WORKSPACE_UID)" in line for line in lines)
    assert any("Authorization: Bearer prdm_cmp_**********" in line for line in lines)
    assert any(line.startswith("accepted:") and "yes" in line for line in lines)


@pytest.mark.parametrize("as_json", [[], ["--json"]], ids=["text", "json"])
def test_whoami_with_refused_credentials_is_exit_4(
    httpx_mock: HTTPXMock, as_json: list[str]
) -> None:
    httpx_mock.add_response(url=ENDPOINT, status_code=401, json={"errors": [{"message": "no"}]})
    result = bolt("--max-retries", "0", "whoami", *as_json, **WITH_TOKEN)
    assert result.exit_code == 4
    assert "the API refused the workspace token (HTTP 401)" in result.stderr
    if as_json:
        document = json.loads(result.stdout)
        assert document["accepted"] is False
        assert document["credential"] == "workspace_token"
        assert document["status_code"] == 401
    else:
        assert any(
            line.startswith("accepted:") and "no (HTTP 401)" in line
            for line in result.stdout.splitlines()
        )


def test_whoami_when_the_api_cannot_be_reached_is_exit_5(httpx_mock: HTTPXMock) -> None:
    httpx_mock.add_exception(httpx.ConnectError(f"refused {TOKEN}"), url=ENDPOINT)
    result = bolt("--max-retries", "0", "whoami", "--json", **WITH_TOKEN)
    assert result.exit_code == 5
    document = json.loads(result.stdout)
    assert document["accepted"] is None
    assert document["credential"] == "workspace_token"


def test_whoami_without_configuration_is_exit_4(httpx_mock: HTTPXMock) -> None:
    result = bolt("whoami", "--json", PARADIME_API_SECRET=ACCOUNT_KEY)
    assert result.exit_code == 4
    assert "PARADIME_WORKSPACE_UID" in json.loads(result.stdout)["error"]["message"]
    assert httpx_mock.get_requests() == []
