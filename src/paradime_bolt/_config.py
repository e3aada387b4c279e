"""Client configuration: keyword arguments first, then the environment, then defaults.

The environment variables are the ones Paradime documents for Bolt schedules and its own CLI:
PARADIME_API_ENDPOINT, PARADIME_API_KEY and PARADIME_API_SECRET.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

import httpx

from ._exceptions import BoltError, ConfigurationError
from ._types import NOT_GIVEN, NotGiven, Timeout

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "ENV_API_KEY",
    "ENV_API_SECRET",
    "ENV_ENDPOINT",
    "ClientConfig",
    "Secret",
    "resolve_config",
]

ENV_ENDPOINT: Final = "PARADIME_API_ENDPOINT"
ENV_API_KEY: Final = "PARADIME_API_KEY"
ENV_API_SECRET: Final = "PARADIME_API_SECRET"

DEFAULT_TIMEOUT: Final = 30.0
DEFAULT_MAX_RETRIES: Final = 2


class Secret:
    """A string that never shows itself in repr(), str(), f-strings or logs."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        """The secret itself, for the one place that must send it: the request headers."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> str | tuple[object, ...]:
        raise TypeError("a Secret cannot be pickled")


@dataclass(frozen=True, repr=False)
class ClientConfig:
    """Everything a client needs to reach the API. The secret is held as a `Secret`."""

    endpoint: str
    api_key: str
    api_secret: Secret
    timeout: Timeout
    max_retries: int

    def __repr__(self) -> str:
        return (
            f"ClientConfig(endpoint={self.endpoint!r}, api_key={self.api_key!r}, "
            f"api_secret={self.api_secret!r}, timeout={self.timeout!r}, "
            f"max_retries={self.max_retries!r})"
        )


def resolve_config(
    *,
    endpoint: str | None = None,
    api_key: str | None = None,
    api_secret: str | None = None,
    timeout: Timeout | NotGiven = NOT_GIVEN,
    max_retries: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> ClientConfig:
    """Builds a `ClientConfig`, raising `ConfigurationError` that names what is missing."""
    env = os.environ if environ is None else environ
    endpoint_value = _pick(endpoint, env, ENV_ENDPOINT, "endpoint")
    key_value = _pick(api_key, env, ENV_API_KEY, "api_key")
    secret_value = _pick(api_secret, env, ENV_API_SECRET, "api_secret")
    _check_endpoint(endpoint_value)
    for name, value in (("api key", key_value), ("api secret", secret_value)):
        if any(c in value for c in "\r\n\0"):
            raise ConfigurationError(f"the {name} contains a control character")
    retries = DEFAULT_MAX_RETRIES if max_retries is None else max_retries
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise ConfigurationError(f"max_retries must be a non-negative integer, not {retries!r}")
    resolved_timeout = DEFAULT_TIMEOUT if isinstance(timeout, NotGiven) else timeout
    check_timeout(resolved_timeout)
    return ClientConfig(
        endpoint=endpoint_value,
        api_key=key_value,
        api_secret=Secret(secret_value),
        timeout=resolved_timeout,
        max_retries=retries,
    )


def check_timeout(timeout: object, error: type[BoltError] = ConfigurationError) -> None:
    """Rejects a timeout that httpx would misread (not positive, not finite, not a number) with
    `error`: a `ConfigurationError` for the client's, an `InvalidArgumentError` for a call's."""
    if timeout is None:
        return
    if isinstance(timeout, httpx.Timeout):
        parts = [timeout.connect, timeout.read, timeout.write, timeout.pool]
        if all(p is None or _positive_finite(p) for p in parts):
            return
    elif _positive_finite(timeout):
        return
    raise error(
        f"timeout must be a positive, finite number of seconds, an httpx.Timeout or None, "
        f"not {timeout!r}"
    )


def _positive_finite(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value > 0
    )


def _pick(explicit: str | None, env: Mapping[str, str], var: str, argument: str) -> str:
    value = explicit if explicit is not None else env.get(var, "")
    value = value.strip()
    if not value:
        raise ConfigurationError(
            f"{var} is not set: set the environment variable or pass {argument}= to the client"
        )
    return value


def _check_endpoint(endpoint: str) -> None:
    problem = _endpoint_problem(endpoint)
    if problem is not None:
        raise ConfigurationError(
            f"the endpoint must be an http(s) URL such as "
            f"https://api.<region>.paradime.io/api/v1/<workspace>/graphql, not {endpoint!r}"
            f"{f' ({problem})' if problem else ''}"
        )


def _endpoint_problem(endpoint: str) -> str | None:
    """What makes `endpoint` unusable ("" when only the scheme is wrong), or None."""
    if any(c.isspace() or not c.isprintable() for c in endpoint):
        return "it contains whitespace or a control character"
    try:
        parts = urlsplit(endpoint)
        _ = parts.port  # validates the port
        httpx.URL(endpoint)
    except (ValueError, httpx.InvalidURL) as exc:
        return str(exc)
    if parts.scheme not in ("http", "https"):
        return ""
    if not parts.hostname:
        return "it has no host"
    return None
