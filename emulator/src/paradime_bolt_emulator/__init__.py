"""A local emulator of the Paradime Bolt GraphQL API, served from the project's schema.graphql.

Start it with ``paradime-bolt-emulator`` (or ``python -m paradime_bolt_emulator``), or in tests::

    with EmulatorServer(port=0, db=tmp_path / "bolt.db") as server:
        httpx.post(server.endpoint, json={"query": "{ listBoltSchedules { totalCount } }"},
                   headers={"X-API-KEY": server.api_key, "X-API-SECRET": server.api_secret})

The endpoint is ``http://<host>:<port>/graphql`` and needs credentials: ``X-API-KEY``/
``X-API-SECRET`` (the development defaults are ``bolt-emulator-key``/``bolt-emulator-secret``), or,
when configured, ``Authorization: Bearer`` with a ``prdm_wsp_`` workspace token
(``workspace_token``, ``--workspace-token``) or a ``prdm_cmp_`` account API key (``account_key``,
``--account-key``) plus ``X-Paradime-Workspace: <uid>``. A wrong or missing credential gives HTTP
401 with a GraphQL-style ``errors`` body (``extensions.code: UNAUTHENTICATED``); an account key
without the workspace header 400 (``BAD_REQUEST``); a workspace the credential cannot reach 403
(``FORBIDDEN``), whether it exists or not (see ``auth``). ``workspaces`` (``--workspace UID``,
repeatable) are the workspaces served, each with its own schedules and runs; the first is the
default one, the only one the key pair and the workspace token reach.
``GET /healthz`` and signed ``GET /resources/<id>/<name>?expires=..&signature=..`` need no headers.
Schedules come from a ``paradime_schedules.yml``-shaped file (see ``schedules``), state from SQLite.

How the emulator answers, consistently:

- Fields that *look something up* answer an unknown schedule, run, command or resource with
  ``ok: false`` and null fields (required lists empty, as ``boltCommandLogs.lines``):
  ``boltScheduleName``, ``listBoltRuns``, ``boltRunStatus``, ``boltCommand``,
  ``boltCommandLogs``, ``boltResourceUrl``, ``cancelBoltRun`` (also false for a finished run)
  and ``suspendBoltSchedule``.
- Mutations that *start a run* report problems as GraphQL errors with ``data.<field>: null``:
  ``ScheduleNotFoundException: no schedule with scheduleName 'x'`` (or ``slug 'x'``),
  ``RunNotFoundException: no run with id 1``, ``AlreadyRunningException: schedule 'x' already has
  a run in progress (run 15001 is RUNNING)`` (retrying an unfinished run also says
  ``AlreadyRunningException``), and ``NothingToRetryException: ...`` when nothing failed.
- Passing both or neither of ``scheduleName`` and ``slug`` is a GraphQL error
  ``InvalidArgumentsException: pass exactly one of scheduleName or slug``; so are a negative
  offset, a limit below 1, ``commands`` together with ``commandConfigs``, and a bad log cursor.
  Every such error carries ``extensions.code`` (``ALREADY_RUNNING``, ``NOT_FOUND``,
  ``NOTHING_TO_RETRY``, ``BAD_USER_INPUT``).

Hostile requests get a 4xx JSON error, never a 500 (see ``limits``): a body over 1 MiB 413, a POST
that is not JSON 415, JSON nested deeper than 32 levels 400; a query past a limit (length, tokens,
depth 20, 30 aliases, 1,000 fields, 50 repeated fields) a ``QUERY_LIMIT_EXCEEDED`` GraphQL error;
a trigger past the run limits (100 commands, and the lengths of a command, branch and reason) an
``InvalidArgumentsException``. Documents are parsed and validated once (``document_cache``), and a
request's blocking work runs in a worker thread (``http_handler``).

With ``webhook_urls`` (``--webhook-url``) the emulator POSTs ``bolt.run.started`` and
``bolt.run.completed`` events to each URL, in the documented body shape plus a few extras of its
own (see ``webhooks``), from background threads that never hold a run up. With ``latency_ms``
(``--latency-ms``) every GraphQL request waits that long first, to model a remote API.

Runs go STARTING -> RUNNING -> SUCCESS or ERROR (or CANCELED), executing ``git clone ...`` and
``dbt deps`` before the schedule's commands; their future is planned at trigger time from the YAML
scripting, so state follows from the clock and survives restarts. Timestamps use the docs' format
``YYYY-MM-DD HH:MM:SS.ffffff`` (UTC). Schedules are never triggered by their cron: ``nextRunAt``
is computed, runs only start through the API.
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
        raise AttributeError(f"module 'paradime_bolt_emulator' has no attribute {name!r}")
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
