"""paradime-bolt: a typed Python client for the Paradime Bolt API, generated from its schema.

from paradime_bolt import BoltClient

with BoltClient() as bolt:  # PARADIME_API_ENDPOINT, PARADIME_API_KEY, PARADIME_API_SECRET
    run = bolt.trigger_bolt_run("daily run")
    print(bolt.bolt_run_status(run.run_id).state)
"""

from ._artifacts import Artifact
from ._async_client import AsyncBoltClient
from ._client import BoltClient
from ._config import ClientConfig, Secret
from ._exceptions import (
    AlreadyRunningError,
    APIError,
    ArtifactNotFoundError,
    AuthenticationError,
    BoltError,
    ConfigurationError,
    GraphQLErrorDetail,
    GraphQLResponseError,
    HTTPStatusError,
    InvalidArgumentError,
    InvalidResponseError,
    OperationFailedError,
    RateLimitError,
    RequestTimeoutError,
    RunFailedError,
    RunTimeoutError,
    ServerError,
    TransportError,
)
from ._generated.bolt_types import RunState, parse_bolt_datetime
from ._types import NOT_GIVEN, NotGiven, Timeout
from ._version import __version__
from ._waiting import FinishedRun

__all__ = [
    "NOT_GIVEN",
    "APIError",
    "AlreadyRunningError",
    "Artifact",
    "ArtifactNotFoundError",
    "AsyncBoltClient",
    "AuthenticationError",
    "BoltClient",
    "BoltError",
    "ClientConfig",
    "ConfigurationError",
    "FinishedRun",
    "GraphQLErrorDetail",
    "GraphQLResponseError",
    "HTTPStatusError",
    "InvalidArgumentError",
    "InvalidResponseError",
    "NotGiven",
    "OperationFailedError",
    "RateLimitError",
    "RequestTimeoutError",
    "RunFailedError",
    "RunState",
    "RunTimeoutError",
    "Secret",
    "ServerError",
    "Timeout",
    "TransportError",
    "__version__",
    "parse_bolt_datetime",
]
