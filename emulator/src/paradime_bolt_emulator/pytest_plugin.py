"""A pytest plugin: the `bolt_emulator` fixture runs a local Bolt API for your tests.

Registered through the `pytest11` entry point when paradime-bolt-emulator is installed
(`pip install 'paradime-bolt[emulator]'` brings it with the client the fixtures hand out). Loading
the plugin imports nothing but pytest and this module: the client and the emulator are imported
when a test first uses a fixture, so an installed emulator costs other projects' pytest runs
nothing. This is the one module of the emulator that imports `paradime_bolt`, and only then.

    def test_my_pipeline(bolt_emulator):
        run = bolt_emulator.client.trigger_and_wait("daily run")
        assert run.run_state.name == "SUCCESS"

`bolt_emulator.outage(20)` makes it stop answering for 20 seconds (the port closed; or
`mode="unavailable"`, every request answered 503), to test code that must wait through an
API outage; runs go on meanwhile.

Each test gets a fresh emulator on a free loopback port, with the built-in schedules and an
in-memory database. Choose your own schedules file with a marker; a relative path is resolved
against the test file's folder, then against pytest's rootdir:

    @pytest.mark.bolt_emulator(schedules="paradime_schedules.yml")

To run your dbt project's real dbt in every run (needs `paradime-bolt-emulator[dbt]`), with its
own schedules (`paradime_schedules.yml`, `.bolt/`) and a DuckDB database the emulator writes:

    @pytest.mark.bolt_emulator(dbt_project="../my_dbt_project")   # profiles_dir=, target= too

A dbt project takes seconds to start (`dbt parse`) and each run seconds more: share one through
`bolt_emulator_factory(dbt_project=...)` (below) across the tests that can.

It accepts the key pair, a workspace token and an account API key (`workspace_token`,
`account_key`); the markers `workspace_token=`, `account_key=` and `workspaces=["ws-a", "ws-b"]`
(the default workspace first) change them.

To share one emulator across a module or the whole session (much faster when many tests only
read, or each triggers its own runs), build it from the session-scoped factory:

    @pytest.fixture(scope="module")
    def bolt(bolt_emulator_factory):
        return bolt_emulator_factory(schedules="tests/paradime_schedules.yml")

The factory takes the marker's keywords; its relative paths are resolved against the rootdir,
and every emulator it starts is stopped when the session ends.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from paradime_bolt import AsyncBoltClient, BoltClient

    from .server import EmulatorServer

__all__ = ["BoltEmulator", "BoltEmulatorFactory", "bolt_emulator", "bolt_emulator_factory"]

_KEY = "pytest-emulator-key"
_SECRET = "pytest-emulator-secret"
_WORKSPACE_TOKEN = "prdm_wsp_pytest-emulator-token"
_ACCOUNT_KEY = "prdm_cmp_pytest-emulator-key"
_PATH_OPTIONS = ("schedules", "db", "dbt_project", "profiles_dir")
_INSTALL = "pip install 'paradime-bolt[emulator]'"


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
    server: EmulatorServer | None = field(default=None, compare=False)

    def outage(self, seconds: float, *, mode: str = "refuse") -> None:
        """Stops answering for `seconds` (at once), then serves again with the same runs:
        `mode="refuse"` closes the port, `"unavailable"` answers 503. Returns at once."""
        self._server().outage(seconds, mode=mode)

    def wait_outage_over(self, timeout: float | None = None) -> bool:
        """Waits until the emulator answers again; False if `timeout` passed first."""
        return self._server().wait_outage_over(timeout)

    def _server(self) -> EmulatorServer:
        if self.server is None:
            raise RuntimeError("this BoltEmulator was made without its server")
        return self.server

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
        from paradime_bolt import AsyncBoltClient

        settings = {
            "endpoint": self.endpoint,
            "api_key": self.api_key,
            "api_secret": self.api_secret,
        }
        return AsyncBoltClient(**{**settings, **kwargs})


def _resolve(value: Any, bases: tuple[Path, ...], option: str) -> Path:
    """An absolute path: as given, or the first base under which it exists (else the first)."""
    path = Path(value)
    if path.is_absolute():
        return path
    for base in bases:
        if (base / path).exists():
            return base / path
    if option == "db":  # a database file is created where it is asked for
        return bases[0] / path
    tried = ", ".join(str(base / path) for base in bases)
    raise pytest.UsageError(f"bolt_emulator: {option}={str(value)!r} not found (tried {tried})")


@contextlib.contextmanager
def _running(options: Mapping[str, Any], bases: tuple[Path, ...]) -> Iterator[BoltEmulator]:
    """Starts an emulator with `options` (EmulatorServer's keywords) and a client for it."""
    try:
        from paradime_bolt import BoltClient
    except ImportError as exc:  # pragma: no cover - depends on what is installed
        pytest.fail(
            f"bolt_emulator needs the client: pip install 'paradime-bolt[emulator]' ({exc})"
        )
    from .server import EmulatorServer

    kwargs: dict[str, Any] = {
        "api_key": _KEY,
        "api_secret": _SECRET,
        "workspace_token": _WORKSPACE_TOKEN,
        "account_key": _ACCOUNT_KEY,
        "port": 0,
        **options,
    }
    for option in _PATH_OPTIONS:
        if kwargs.get(option) is not None:
            kwargs[option] = _resolve(kwargs[option], bases, option)
    server = EmulatorServer(**kwargs)
    with (
        server,
        BoltClient(
            endpoint=server.endpoint, api_key=server.api_key, api_secret=server.api_secret
        ) as client,
    ):
        yield BoltEmulator(
            server.endpoint,
            server.api_key,
            server.api_secret,
            client,
            workspace_token=server.workspace_token,
            account_key=server.account_key,
            workspaces=server.workspaces,
            server=server,
        )


class BoltEmulatorFactory:
    """Starts emulators that live until the session ends: `factory(schedules=..., db=...)`."""

    def __init__(self, rootdir: Path, stack: contextlib.ExitStack) -> None:
        self._rootdir = rootdir
        self._stack = stack

    def __repr__(self) -> str:
        return f"BoltEmulatorFactory(rootdir={str(self._rootdir)!r})"

    def __call__(self, **options: Any) -> BoltEmulator:
        return self._stack.enter_context(_running(options, (self._rootdir,)))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "bolt_emulator(schedules=PATH, db=PATH, workspace_token=TOKEN, account_key=KEY, "
        "workspaces=[UID, ...], dbt_project=DIR, profiles_dir=DIR, target=NAME): configure "
        "the bolt_emulator fixture "
        "(relative paths from the test file's folder, then the rootdir)",
    )
    config.addinivalue_line(
        "markers",
        "real_dbt: the test runs real dbt through the emulator (--dbt-project; needs "
        "'paradime-bolt-emulator[dbt]')",
    )


@pytest.fixture
def bolt_emulator(request: pytest.FixtureRequest) -> Iterator[BoltEmulator]:
    """A fresh local Bolt API on a free loopback port, and a `BoltClient` configured for it."""
    marker = request.node.get_closest_marker("bolt_emulator")
    options: dict[str, Any] = dict(marker.kwargs) if marker else {}
    bases = (Path(request.node.path).parent, Path(request.config.rootpath))
    with _running(options, bases) as emulator:
        yield emulator


@pytest.fixture(scope="session")
def bolt_emulator_factory(request: pytest.FixtureRequest) -> Iterator[BoltEmulatorFactory]:
    """A factory of emulators shared by many tests; each is stopped when the session ends."""
    with contextlib.ExitStack() as stack:
        yield BoltEmulatorFactory(Path(request.config.rootpath), stack)
