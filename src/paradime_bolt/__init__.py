"""paradime-bolt: a typed Python client for the Paradime Bolt API, generated from its schema.

    from paradime_bolt import BoltClient

    with BoltClient() as bolt:  # PARADIME_API_ENDPOINT, PARADIME_API_KEY, PARADIME_API_SECRET
        run = bolt.trigger_and_wait("daily run", raise_on_failure=True)
        manifest = bolt.download_json_artifact(run.run_id, "target/manifest.json")

Names load on first use (PEP 562), so `import paradime_bolt.cli` or `paradime_bolt.webhooks` does
not pay for httpx and the generated models; `from paradime_bolt import BoltClient` does.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

# Every public name loads on first use (PEP 562), so importing a subpackage (the CLI, the webhooks)
# costs nothing. The imports below are what type checkers read, and the one table of what is
# public: the section after them is written from it.
if TYPE_CHECKING:
    from ._artifacts import Artifact, default_artifacts
    from ._async_client import AsyncBoltClient
    from ._async_logs import AsyncRunLogs
    from ._client import BoltClient
    from ._clock import Clock, SimulatedClock
    from ._config import ClientConfig, CredentialKind, Secret
    from ._exceptions import (
        AlreadyRunningError,
        APIError,
        APIUnreachableError,
        ArtifactNotFoundError,
        AuthenticationError,
        BoltError,
        ClientClosedError,
        ConfigurationError,
        DestinationError,
        GraphQLErrorDetail,
        GraphQLResponseError,
        HTTPStatusError,
        InvalidArgumentError,
        InvalidResponseError,
        NotFoundError,
        OperationFailedError,
        RateLimitError,
        RequestTimeoutError,
        RunFailedError,
        RunTimeoutError,
        ServerError,
        StorageError,
        TransportError,
    )
    from ._links import DEFAULT_APP_URL, bolt_run_url
    from ._logs import RunLogs
    from ._types import NOT_GIVEN, NotGiven, Timeout
    from ._views import RunState, parse_bolt_datetime
    from ._waiting import (
        DEFAULT_OUTAGE_TOLERANCE,
        FinishedRun,
        InterruptGuard,
        LogChunk,
        check_wait_arguments,
    )

# -- written by scripts/lazy_exports.py from the imports above; do not edit --

_LAZY = {
    "Artifact": "._artifacts",
    "default_artifacts": "._artifacts",
    "AsyncBoltClient": "._async_client",
    "AsyncRunLogs": "._async_logs",
    "BoltClient": "._client",
    "Clock": "._clock",
    "SimulatedClock": "._clock",
    "ClientConfig": "._config",
    "CredentialKind": "._config",
    "Secret": "._config",
    "AlreadyRunningError": "._exceptions",
    "APIError": "._exceptions",
    "APIUnreachableError": "._exceptions",
    "ArtifactNotFoundError": "._exceptions",
    "AuthenticationError": "._exceptions",
    "BoltError": "._exceptions",
    "ClientClosedError": "._exceptions",
    "ConfigurationError": "._exceptions",
    "DestinationError": "._exceptions",
    "GraphQLErrorDetail": "._exceptions",
    "GraphQLResponseError": "._exceptions",
    "HTTPStatusError": "._exceptions",
    "InvalidArgumentError": "._exceptions",
    "InvalidResponseError": "._exceptions",
    "NotFoundError": "._exceptions",
    "OperationFailedError": "._exceptions",
    "RateLimitError": "._exceptions",
    "RequestTimeoutError": "._exceptions",
    "RunFailedError": "._exceptions",
    "RunTimeoutError": "._exceptions",
    "ServerError": "._exceptions",
    "StorageError": "._exceptions",
    "TransportError": "._exceptions",
    "DEFAULT_APP_URL": "._links",
    "bolt_run_url": "._links",
    "RunLogs": "._logs",
    "NOT_GIVEN": "._types",
    "NotGiven": "._types",
    "Timeout": "._types",
    "RunState": "._views",
    "parse_bolt_datetime": "._views",
    "DEFAULT_OUTAGE_TOLERANCE": "._waiting",
    "FinishedRun": "._waiting",
    "InterruptGuard": "._waiting",
    "LogChunk": "._waiting",
    "check_wait_arguments": "._waiting",
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
    "DEFAULT_APP_URL",
    "DEFAULT_OUTAGE_TOLERANCE",
    "NOT_GIVEN",
    "APIError",
    "APIUnreachableError",
    "AlreadyRunningError",
    "Artifact",
    "ArtifactNotFoundError",
    "AsyncBoltClient",
    "AsyncRunLogs",
    "AuthenticationError",
    "BoltClient",
    "BoltError",
    "ClientClosedError",
    "ClientConfig",
    "Clock",
    "ConfigurationError",
    "CredentialKind",
    "DestinationError",
    "FinishedRun",
    "GraphQLErrorDetail",
    "GraphQLResponseError",
    "HTTPStatusError",
    "InterruptGuard",
    "InvalidArgumentError",
    "InvalidResponseError",
    "LogChunk",
    "NotFoundError",
    "NotGiven",
    "OperationFailedError",
    "RateLimitError",
    "RequestTimeoutError",
    "RunFailedError",
    "RunLogs",
    "RunState",
    "RunTimeoutError",
    "Secret",
    "ServerError",
    "SimulatedClock",
    "StorageError",
    "Timeout",
    "TransportError",
    "__version__",
    "bolt_run_url",
    "check_wait_arguments",
    "default_artifacts",
    "parse_bolt_datetime",
]
