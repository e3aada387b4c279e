"""paradime-bolt: a typed Python client for the Paradime Bolt API, generated from its schema.

from paradime_bolt import BoltClient

with BoltClient() as bolt:  # PARADIME_API_ENDPOINT, PARADIME_API_KEY, PARADIME_API_SECRET
    run = bolt.trigger_bolt_run("daily run")
    print(bolt.bolt_run_status(run.run_id).state)
"""

from ._async_client import AsyncBoltClient
from ._client import BoltClient
from ._config import ClientConfig, Secret
from ._exceptions import (
    AlreadyRunningError,
    APIError,
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
    ServerError,
    TransportError,
)
from ._types import NOT_GIVEN, NotGiven, Timeout
from ._version import __version__

__all__ = [
    "NOT_GIVEN",
    "APIError",
    "AlreadyRunningError",
    "AsyncBoltClient",
    "AuthenticationError",
    "BoltClient",
    "BoltError",
    "ClientConfig",
    "ConfigurationError",
    "GraphQLErrorDetail",
    "GraphQLResponseError",
    "HTTPStatusError",
    "InvalidArgumentError",
    "InvalidResponseError",
    "NotGiven",
    "OperationFailedError",
    "RateLimitError",
    "RequestTimeoutError",
    "Secret",
    "ServerError",
    "Timeout",
    "TransportError",
    "__version__",
]
