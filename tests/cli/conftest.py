"""Fixtures for the command-line tests: a CliRunner with test credentials and the fake API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner, Result

from paradime_bolt.cli._app import cli
from tests.conftest import API_SECRET

Invoke = Callable[..., Result]


@pytest.fixture(autouse=True)
def _not_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests decide themselves whether they look like CI."""
    monkeypatch.delenv("CI", raising=False)


@pytest.fixture
def invoke(bolt_env: None) -> Invoke:
    """Runs `paradime-bolt ARGS...` in process, with the test credentials in the environment."""
    return run_cli


def run_cli(*args: str, env: dict[str, Any] | None = None, input: str | None = None) -> Result:
    runner = CliRunner()
    return runner.invoke(cli, list(args), env=env, input=input, catch_exceptions=False)


def assert_no_secret(result: Result) -> None:
    for text in (result.stdout, result.stderr):
        assert API_SECRET not in text
