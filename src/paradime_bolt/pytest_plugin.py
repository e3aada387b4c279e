"""A pytest plugin: the `bolt_emulator` fixture runs a local Bolt API for your tests.

Registered through the `pytest11` entry point when paradime-bolt is installed; the fixture needs
the emulator extra (`pip install 'paradime-bolt[emulator]'`).

    def test_my_pipeline(bolt_emulator):
        run = bolt_emulator.client.trigger_and_wait("daily run")
        assert run.run_state.name == "SUCCESS"

Each test gets a fresh emulator on a free loopback port, with the built-in schedules and an
in-memory database. Choose your own schedules file with a marker:

    @pytest.mark.bolt_emulator(schedules="tests/paradime_schedules.yml")

It accepts the key pair, a workspace token and an account API key (`workspace_token`,
`account_key`); the markers `workspace_token=`, `account_key=` and `workspaces=["ws-a", "ws-b"]`
(the default workspace first) change them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ._async_client import AsyncBoltClient
from ._client import BoltClient

__all__ = ["BoltEmulator", "bolt_emulator"]

_KEY = "pytest-emulator-key"
_SECRET = "pytest-emulator-secret"
_WORKSPACE_TOKEN = "prdm_wsp_pytest-emulator-token"
_ACCOUNT_KEY = "prdm_cmp_pytest-emulator-key"


@dataclass(frozen=True, repr=False)
class BoltEmulator:
    """A running emulator: where it is, the credentials it accepts, and a client for it (which
    uses the key pair). `workspaces` are those it serves, the default one first."""

    endpoint: str
    api_key: str
    api_secret: str
    client: BoltClient
    workspace_token: str | None = None
    account_key: str | None = None
    workspaces: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"BoltEmulator(endpoint={self.endpoint!r}, api_key={self.api_key!r})"

    @property
    def env(self) -> dict[str, str]:
        """PARADIME_API_* variables pointing at this emulator, for code that reads the env."""
        return {
            "PARADIME_API_ENDPOINT": self.endpoint,
            "PARADIME_API_KEY": self.api_key,
            "PARADIME_API_SECRET": self.api_secret,
        }

    def async_client(self, **kwargs: Any) -> AsyncBoltClient:
        """A new `AsyncBoltClient` for this emulator (the key pair unless `api_secret=` and
        `workspace_uid=` say otherwise); use it as `async with`."""
        settings = {
            "endpoint": self.endpoint,
            "api_key": self.api_key,
            "api_secret": self.api_secret,
        }
        return AsyncBoltClient(**{**settings, **kwargs})


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "bolt_emulator(schedules=PATH, db=PATH, workspace_token=TOKEN, account_key=KEY, "
        "workspaces=[UID, ...]): configure the bolt_emulator fixture",
    )


@pytest.fixture
def bolt_emulator(request: pytest.FixtureRequest) -> Iterator[BoltEmulator]:
    """A fresh local Bolt API on a free loopback port, and a `BoltClient` configured for it."""
    try:
        from .emulator import EmulatorServer
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        pytest.fail(f"bolt_emulator needs: pip install 'paradime-bolt[emulator]' ({exc})")
    marker = request.node.get_closest_marker("bolt_emulator")
    options: dict[str, Any] = dict(marker.kwargs) if marker else {}
    schedules = options.get("schedules")
    db = options.get("db")
    server = EmulatorServer(
        port=0,
        api_key=_KEY,
        api_secret=_SECRET,
        schedules=Path(schedules) if schedules else None,
        db=Path(db) if db else None,
        workspace_token=options.get("workspace_token", _WORKSPACE_TOKEN),
        account_key=options.get("account_key", _ACCOUNT_KEY),
        workspaces=options.get("workspaces"),
    )
    with server, BoltClient(endpoint=server.endpoint, api_key=_KEY, api_secret=_SECRET) as client:
        yield BoltEmulator(
            server.endpoint,
            _KEY,
            _SECRET,
            client,
            workspace_token=server.workspace_token,
            account_key=server.account_key,
            workspaces=server.workspaces,
        )
