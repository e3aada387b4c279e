"""Shared fixtures: an environment without the developer's credentials, the test credentials,
the sync/async `twin` and the scripted fake server. What tests import is in `tests/support/`."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.fake_api import API_KEY, API_SECRET, ENDPOINT, GraphQLScript
from tests.support.twins import Twin


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's own Paradime credentials or settings."""
    for var in (
        "PARADIME_API_ENDPOINT",
        "PARADIME_API_KEY",
        "PARADIME_API_SECRET",
        "PARADIME_BOLT_LOG",
        "PARADIME_BOLT_REQUEST_TIMEOUT",
        "PARADIME_WORKSPACE_UID",
    ):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def bolt_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARADIME_API_ENDPOINT", ENDPOINT)
    monkeypatch.setenv("PARADIME_API_KEY", API_KEY)
    monkeypatch.setenv("PARADIME_API_SECRET", API_SECRET)


@pytest.fixture(params=["sync", "async"])
def twin(request: pytest.FixtureRequest) -> Twin:
    return Twin(request.param)


@pytest.fixture
def script(httpx_mock: Any) -> GraphQLScript:
    return GraphQLScript(httpx_mock)
