"""A local emulator of the Paradime Bolt GraphQL API, served from the project's schema.graphql.

Start it with ``paradime-bolt-emulator`` (or ``python -m paradime_bolt_emulator``), or in a
test with ``EmulatorServer(port=0)`` or the ``bolt_emulator`` fixture. How it answers (auth,
lookups, errors, limits, runs and time) is specified in docs/emulator-behaviour.md; how to run
it, in docs/emulator.md.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Names load on first use (PEP 562): loading the pytest plugin, a submodule of this package, must
# not pay for uvicorn, ariadne and httpx.
if TYPE_CHECKING:
    from .api.app import create_app
    from .cli import build_parser, main
    from .clock import ManualClock
    from .config import DEFAULT_API_KEY, DEFAULT_API_SECRET, GRAPHQL_PATH, EmulatorConfig
    from .process import EmulatorProcess
    from .runs.events import RunEvent, RunEventListener
    from .schedules.spec import ScheduleFileError
    from .server import EmulatorServer
    from .webhooks.payload import build_payload
    from .webhooks.sender import DeliveryCounts, WebhookSender

# -- written by scripts/lazy_exports.py from the imports above; do not edit --

_LAZY = {
    "create_app": ".api.app",
    "build_parser": ".cli",
    "main": ".cli",
    "ManualClock": ".clock",
    "DEFAULT_API_KEY": ".config",
    "DEFAULT_API_SECRET": ".config",
    "GRAPHQL_PATH": ".config",
    "EmulatorConfig": ".config",
    "EmulatorProcess": ".process",
    "RunEvent": ".runs.events",
    "RunEventListener": ".runs.events",
    "ScheduleFileError": ".schedules.spec",
    "EmulatorServer": ".server",
    "build_payload": ".webhooks.payload",
    "DeliveryCounts": ".webhooks.sender",
    "WebhookSender": ".webhooks.sender",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_API_SECRET",
    "GRAPHQL_PATH",
    "DeliveryCounts",
    "EmulatorConfig",
    "EmulatorProcess",
    "EmulatorServer",
    "ManualClock",
    "RunEvent",
    "RunEventListener",
    "ScheduleFileError",
    "WebhookSender",
    "build_parser",
    "build_payload",
    "create_app",
    "main",
]
