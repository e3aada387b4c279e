"""The API secret never shows in repr(), str(), logs or exception text."""

from __future__ import annotations

import logging
import pickle

import httpx
import pytest
from pytest_httpx import HTTPXMock

from paradime_bolt import BoltClient, BoltError, Secret, SimulatedClock
from tests.support.fake_api import API_SECRET, ENDPOINT
from tests.support.twins import Twin


def test_reprs_hide_the_secret() -> None:
    with BoltClient(endpoint=ENDPOINT, api_key="k", api_secret=API_SECRET) as bolt:
        for text in (
            repr(bolt),
            str(bolt),
            repr(bolt.config),
            str(bolt.config),
            f"{bolt.config.api_secret}",
            repr(vars(bolt)),
        ):
            assert API_SECRET not in text
        assert bolt.config.api_secret.get_secret_value() == API_SECRET


def test_a_secret_cannot_be_pickled() -> None:
    with pytest.raises(TypeError):
        pickle.dumps(Secret(API_SECRET))


@pytest.mark.parametrize(
    "response",
    [
        {"status_code": 401, "text": f"bad secret {API_SECRET}"},
        {"status_code": 500, "json": {"errors": [{"message": f"echo {API_SECRET}"}]}},
        {"status_code": 200, "text": f"<html>{API_SECRET}</html>"},
    ],
)
def test_errors_and_logs_never_carry_the_secret(
    response: dict[str, object],
    twin: Twin,
    httpx_mock: HTTPXMock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    httpx_mock.add_response(**response)  # type: ignore[arg-type]
    caplog.set_level(logging.DEBUG)
    with pytest.raises(BoltError) as info:
        twin.call("bolt_run_status", 1)
    error = info.value
    texts = [str(error), repr(error), repr(vars(error)), caplog.text]
    assert all(API_SECRET not in t for t in texts)


def test_transport_errors_and_retry_logs_never_carry_the_secret(
    httpx_mock: HTTPXMock, caplog: pytest.LogCaptureFixture
) -> None:
    httpx_mock.add_exception(httpx.ConnectError(f"refused {API_SECRET}"), is_reusable=True)
    caplog.set_level(logging.DEBUG)
    with (
        BoltClient(
            endpoint=ENDPOINT,
            api_key="k",
            api_secret=API_SECRET,
            max_retries=1,
            clock=SimulatedClock(),
        ) as bolt,
        pytest.raises(BoltError) as info,
    ):
        bolt.bolt_run_status(1)
    assert API_SECRET not in str(info.value)
    assert API_SECRET not in caplog.text
    assert "retrying BoltRunStatus" in caplog.text


TOKENS = {
    "workspace-token": {"api_key": None, "api_secret": "prdm_wsp_secret-test-0123-NEVER"},
    "account-key": {
        "api_key": None,
        "api_secret": "prdm_cmp_secret-test-4567-NEVER",
        "workspace_uid": "ws-1",
    },
}


@pytest.mark.parametrize("credentials", list(TOKENS.values()), ids=list(TOKENS))
@pytest.mark.parametrize(
    "response",
    [
        {"status_code": 401, "text": "bad token Authorization: Bearer {token}"},
        {"status_code": 403, "json": {"errors": [{"message": "no access for {token}"}]}},
        {"status_code": 500, "json": {"errors": [{"message": "echo {token}"}]}},
        {"status_code": 200, "text": "<html>{token}</html>"},
    ],
    ids=["401", "403", "500", "not-json"],
)
def test_errors_and_logs_never_carry_a_token(
    credentials: dict[str, str | None],
    response: dict[str, object],
    twin: Twin,
    httpx_mock: HTTPXMock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    token = str(credentials["api_secret"])
    filled = {
        key: (
            value.replace("{token}", token)
            if isinstance(value, str)
            else {"errors": [{"message": value["errors"][0]["message"].replace("{token}", token)}]}
            if isinstance(value, dict)
            else value
        )
        for key, value in response.items()
    }
    httpx_mock.add_response(**filled)  # type: ignore[arg-type]
    caplog.set_level(logging.DEBUG)
    with pytest.raises(BoltError) as info:
        twin.with_options(**{"workspace_uid": None, **credentials}).call("bolt_run_status", 1)
    error = info.value
    texts = [str(error), repr(error), repr(vars(error)), caplog.text]
    assert all(token not in t for t in texts)
