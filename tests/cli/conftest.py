"""Fixtures for the command-line tests: a CliRunner with test credentials and the fake API."""

from __future__ import annotations

import pytest

from tests.support.cli import Invoke, run_cli


@pytest.fixture(autouse=True)
def _not_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests decide themselves whether they look like CI."""
    monkeypatch.delenv("CI", raising=False)


@pytest.fixture
def invoke(bolt_env: None) -> Invoke:
    """Runs `paradime-bolt ARGS...` in process, with the test credentials in the environment."""
    return run_cli
