"""The debug log: one record per API attempt on `paradime_bolt.http` (operation, attempt,
status or error class, duration), never a secret, a header or a variable; and
`PARADIME_BOLT_LOG`, which attaches one stderr handler at its level."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest
from pytest_httpx import HTTPXMock

from paradime_bolt import ConfigurationError, _logging
from tests.support.fake_api import API_KEY, API_SECRET, ENDPOINT
from tests.support.twins import Twin

STATUS = {"data": {"boltRunStatus": {"ok": True, "state": "SUCCESS", "commands": []}}}
RUN_ID = 987654321  # a recognisable variable, which no record may show


@pytest.fixture
def stderr_handler_reset() -> Iterator[None]:
    """Undoes what `PARADIME_BOLT_LOG` attached, so no other test sees it."""
    package = logging.getLogger("paradime_bolt")
    level = package.level
    yield
    if _logging._handler is not None:
        package.removeHandler(_logging._handler)
        _logging._handler = None
    package.setLevel(level)


def _texts(records: list[logging.LogRecord]) -> list[str]:
    return [f"{record.getMessage()} {vars(record)!r}" for record in records]


def test_each_attempt_is_logged_without_secrets(
    twin: Twin, httpx_mock: HTTPXMock, caplog: pytest.LogCaptureFixture
) -> None:
    httpx_mock.add_exception(httpx.ConnectError("refused"))
    httpx_mock.add_response(url=ENDPOINT, status_code=503)
    httpx_mock.add_response(url=ENDPOINT, json=STATUS)
    caplog.set_level(logging.DEBUG, logger="paradime_bolt")
    twin.with_options(max_retries=3).call("bolt_run_status", RUN_ID)

    records = [r for r in caplog.records if r.name == "paradime_bolt.http"]
    assert [(r.levelno, r.attempt, r.status) for r in records] == [  # type: ignore[attr-defined]
        (logging.DEBUG, 1, "ConnectError"),
        (logging.DEBUG, 2, 503),
        (logging.DEBUG, 3, 200),
    ]
    for record in records:
        assert record.operation == "BoltRunStatus"  # type: ignore[attr-defined]
        assert isinstance(record.duration_ms, float) and record.duration_ms >= 0  # type: ignore[attr-defined]
    assert "BoltRunStatus attempt 3: 200 in " in records[-1].getMessage()
    for text in _texts(caplog.records):
        for hidden in (API_SECRET, API_KEY, str(RUN_ID), "Authorization", "X-API-"):
            assert hidden not in text


def test_nothing_is_logged_per_attempt_above_debug(
    twin: Twin, httpx_mock: HTTPXMock, caplog: pytest.LogCaptureFixture
) -> None:
    httpx_mock.add_response(url=ENDPOINT, json=STATUS)
    caplog.set_level(logging.INFO, logger="paradime_bolt")
    twin.call("bolt_run_status", RUN_ID)
    assert not [r for r in caplog.records if r.name == "paradime_bolt.http"]


@pytest.mark.usefixtures("stderr_handler_reset")
def test_the_env_var_attaches_one_stderr_handler(
    twin: Twin,
    httpx_mock: HTTPXMock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    httpx_mock.add_response(url=ENDPOINT, json=STATUS, is_reusable=True)
    monkeypatch.setenv("PARADIME_BOLT_LOG", "DEBUG")
    package = logging.getLogger("paradime_bolt")
    before = list(package.handlers)
    twin.call("bolt_run_status", RUN_ID)
    twin.call("bolt_run_status", RUN_ID)  # a second client adds no second handler

    added = [h for h in package.handlers if h not in before]
    assert len(added) == 1 and added[0].level == logging.DEBUG
    err = capsys.readouterr().err
    assert err.count("paradime_bolt.http DEBUG POST BoltRunStatus attempt 1: 200 in ") == 2
    for hidden in (API_SECRET, API_KEY, str(RUN_ID)):
        assert hidden not in err


@pytest.mark.usefixtures("stderr_handler_reset")
def test_info_shows_retries_but_not_each_attempt(
    twin: Twin,
    httpx_mock: HTTPXMock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    httpx_mock.add_response(url=ENDPOINT, status_code=503)
    httpx_mock.add_response(url=ENDPOINT, json=STATUS)
    monkeypatch.setenv("PARADIME_BOLT_LOG", "info")
    twin.with_options(max_retries=1).call("bolt_run_status", RUN_ID)
    err = capsys.readouterr().err
    assert "paradime_bolt INFO retrying BoltRunStatus" in err
    assert "attempt 1: 503" not in err


def test_the_env_var_adds_no_second_handler_to_a_handled_logger() -> None:
    package = logging.getLogger("paradime_bolt")
    level = package.level
    own = logging.Handler()
    package.addHandler(own)
    package.setLevel(logging.DEBUG)
    try:
        _logging.setup_from_env({"PARADIME_BOLT_LOG": "info"})
        assert package.handlers.count(own) == 1 and len(package.handlers) == 1
        assert _logging._handler is None
        assert package.level == logging.DEBUG  # lowered when needed, never raised
        package.setLevel(logging.WARNING)
        _logging.setup_from_env({"PARADIME_BOLT_LOG": "info"})
        assert package.level == logging.INFO
    finally:
        package.removeHandler(own)
        package.setLevel(level)


def test_an_unknown_level_is_a_configuration_error(
    twin: Twin, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARADIME_BOLT_LOG", "verbose")
    with pytest.raises(ConfigurationError, match="PARADIME_BOLT_LOG must be 'debug' or 'info'"):
        twin.call("bolt_run_status", RUN_ID)
