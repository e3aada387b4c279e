"""`bolt_run_url`: the run's page in the Paradime app, for CLI output and orchestrator links."""

from __future__ import annotations

import subprocess
import sys

import pytest

from paradime_bolt import InvalidArgumentError, bolt_run_url


def test_the_run_page_in_the_paradime_app() -> None:
    assert bolt_run_url(15509) == "https://app.paradime.io/bolt/run_id/15509"


def test_another_app_url_with_or_without_a_trailing_slash() -> None:
    assert bolt_run_url(7, app_url="https://app.eu.example.io/") == (
        "https://app.eu.example.io/bolt/run_id/7"
    )
    assert bolt_run_url(7, app_url="http://127.0.0.1:8765") == "http://127.0.0.1:8765/bolt/run_id/7"


@pytest.mark.parametrize("run_id", [0, -3, True, "15509", 1.5, 2**31])
def test_a_run_id_the_api_cannot_hold_is_refused(run_id: object) -> None:
    with pytest.raises(InvalidArgumentError, match="run_id"):
        bolt_run_url(run_id)  # type: ignore[arg-type]


@pytest.mark.parametrize("app_url", ["", "app.paradime.io", "ftp://x", "https://"])
def test_an_app_url_that_is_not_an_http_url_is_refused(app_url: str) -> None:
    with pytest.raises(InvalidArgumentError, match="app_url"):
        bolt_run_url(1, app_url=app_url)


@pytest.mark.subprocess
def test_it_loads_no_http_stack() -> None:
    code = (
        "import sys; from paradime_bolt import bolt_run_url; bolt_run_url(1);"
        "print(sorted(m for m in ('httpx', 'pydantic', 'paradime_bolt._generated')"
        " if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
