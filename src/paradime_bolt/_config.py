"""Client configuration: keyword arguments first, then the environment, then defaults.

The environment variables are the ones Paradime documents for Bolt schedules and its own CLI:
PARADIME_API_ENDPOINT, PARADIME_API_KEY, PARADIME_API_SECRET and PARADIME_WORKSPACE_UID.

The secret says which credential it is by its prefix, as Paradime's own clients tell them apart:
`prdm_cmp_` an account API key (needs a workspace uid), `prdm_wsp_` a workspace token, anything
else a legacy API secret (needs its key). Every credential is checked here, before any request:
whitespace around it (a pasted newline or non-breaking space) is stripped, and any other
character an HTTP header cannot carry is a `ConfigurationError` that never shows the value.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, Final
from urllib.parse import urlsplit

import httpx

from ._exceptions import BoltError, ConfigurationError, InvalidArgumentError
from ._types import NOT_GIVEN, NotGiven, Timeout

__all__ = [
    "ACCOUNT_API_KEY_PREFIX",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "ENV_API_KEY",
    "ENV_API_SECRET",
    "ENV_ENDPOINT",
    "ENV_WORKSPACE_UID",
    "WORKSPACE_TOKEN_PREFIX",
    "ClientConfig",
    "CredentialKind",
    "RequestOptions",
    "RequestSettings",
    "Secret",
    "check_max_retries",
    "credential_headers",
    "credential_kind",
    "resolve_config",
]

ENV_ENDPOINT: Final = "PARADIME_API_ENDPOINT"
ENV_API_KEY: Final = "PARADIME_API_KEY"
ENV_API_SECRET: Final = "PARADIME_API_SECRET"
ENV_WORKSPACE_UID: Final = "PARADIME_WORKSPACE_UID"

WORKSPACE_TOKEN_PREFIX: Final = "prdm_wsp_"
ACCOUNT_API_KEY_PREFIX: Final = "prdm_cmp_"

MASK: Final = "**********"
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


class CredentialKind(str, Enum):
    """Which credential the secret is, told by its prefix."""

    API_KEY_PAIR = "api_key_pair"
    """A legacy API key and secret, sent as `X-API-KEY` and `X-API-SECRET`."""
    WORKSPACE_TOKEN = "workspace_token"
    """A `prdm_wsp_` token bound to one workspace, sent as `Authorization: Bearer`."""
    ACCOUNT_API_KEY = "account_api_key"
    """A `prdm_cmp_` key valid for several workspaces: bearer, plus `X-Paradime-Workspace`."""

    @classmethod
    def of(cls, secret: str) -> CredentialKind:
        """The kind of a secret, told by its prefix as Paradime's clients do (surrounding
        whitespace ignored); for integrations that check a connection before building a client."""
        return credential_kind(secret.strip())

    @property
    def label(self) -> str:
        """What messages call it: "API key and secret", "workspace token", "account API key"."""
        return _LABELS[self]

    @property
    def is_bearer(self) -> bool:
        """Whether it is sent as `Authorization: Bearer <token>`."""
        return self is not CredentialKind.API_KEY_PAIR


_LABELS = {
    CredentialKind.API_KEY_PAIR: "API key and secret",
    CredentialKind.WORKSPACE_TOKEN: "workspace token",
    CredentialKind.ACCOUNT_API_KEY: "account API key",
}


def credential_kind(secret: str) -> CredentialKind:
    """The kind of a (stripped) secret, by its prefix."""
    if secret.startswith(ACCOUNT_API_KEY_PREFIX):
        return CredentialKind.ACCOUNT_API_KEY
    if secret.startswith(WORKSPACE_TOKEN_PREFIX):
        return CredentialKind.WORKSPACE_TOKEN
    return CredentialKind.API_KEY_PAIR


@dataclass(frozen=True, repr=False)
class ClientConfig:
    """Everything a client needs to reach the API. The secret (or token) is held as a `Secret`;
    `api_key` is None with a token, which needs none."""

    endpoint: str
    api_key: str | None
    api_secret: Secret
    timeout: Timeout
    max_retries: int
    workspace_uid: str | None = None

    @property
    def credential(self) -> CredentialKind:
        """The kind of credential in use."""
        return credential_kind(self.api_secret.get_secret_value())

    @property
    def masked_secret(self) -> str:
        """The secret as it may be shown: a token's prefix (which only says its kind), then
        `**********`."""
        kind = self.credential
        prefix = {
            CredentialKind.WORKSPACE_TOKEN: WORKSPACE_TOKEN_PREFIX,
            CredentialKind.ACCOUNT_API_KEY: ACCOUNT_API_KEY_PREFIX,
        }.get(kind, "")
        return f"{prefix}{MASK}"

    def describe_credential(self) -> str:
        """The kind of credential and the workspace it names, never a value: for messages."""
        text = f"the {self.credential.label}"
        if self.workspace_uid is not None:
            text += f" for workspace {self.workspace_uid!r}"
        return text

    def masked_headers(self) -> dict[str, str]:
        """The credential's headers, as every request sends them, with the key and the secret
        masked: what may be shown (`paradime-bolt whoami` does)."""
        return credential_headers(self, secret=self.masked_secret, key=MASK)

    def with_workspace(self, workspace_uid: str) -> ClientConfig:
        """The same settings naming another workspace (checked like PARADIME_WORKSPACE_UID)."""
        uid = workspace_uid.strip() if isinstance(workspace_uid, str) else ""
        if not uid:
            raise ConfigurationError(
                f"the workspace uid must be a non-empty string, not {workspace_uid!r}"
            )
        check_header_value("workspace uid", uid)
        return dataclasses.replace(self, workspace_uid=uid)

    def with_options(self, options: RequestOptions) -> ClientConfig:
        """The same settings with the timeout and retries that `options` gives."""
        changes: dict[str, Any] = {}
        if not isinstance(options.timeout, NotGiven):
            changes["timeout"] = options.timeout
        if not isinstance(options.max_retries, NotGiven):
            changes["max_retries"] = options.max_retries
        return dataclasses.replace(self, **changes)

    def __repr__(self) -> str:
        return (
            f"ClientConfig(endpoint={self.endpoint!r}, credential={self.credential.value!r}, "
            f"api_key={self.api_key!r}, api_secret={self.api_secret!r}, "
            f"workspace_uid={self.workspace_uid!r}, timeout={self.timeout!r}, "
            f"max_retries={self.max_retries!r})"
        )


def credential_headers(
    config: ClientConfig, *, secret: str | None = None, key: str | None = None
) -> dict[str, str]:
    """The credential's headers: the legacy pair as `X-API-KEY`/`X-API-SECRET`, a token as
    `Authorization: Bearer`; `X-Paradime-Workspace` whenever a workspace uid is set (as
    Paradime's SDK sends it). `secret` and `key` replace the values (to mask them)."""
    if config.credential.is_bearer:
        token = config.api_secret.get_secret_value() if secret is None else secret
        headers = {"Authorization": f"Bearer {token}"}
    else:
        headers = {
            "X-API-KEY": (config.api_key or "") if key is None else key,
            "X-API-SECRET": config.api_secret.get_secret_value() if secret is None else secret,
        }
    if config.workspace_uid is not None:
        headers["X-Paradime-Workspace"] = config.workspace_uid
    return headers


def resolve_config(
    *,
    endpoint: str | None = None,
    api_key: str | None = None,
    api_secret: str | None = None,
    workspace_uid: str | None = None,
    timeout: Timeout | NotGiven = NOT_GIVEN,
    max_retries: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> ClientConfig:
    """Builds a `ClientConfig`, raising `ConfigurationError` that names what is missing.

    Each setting is the keyword argument when given (not None), else its environment variable.
    """
    env = os.environ if environ is None else environ
    endpoint_value = _pick(endpoint, env, ENV_ENDPOINT, "endpoint")
    _check_endpoint(endpoint_value)
    secret_value = _pick(api_secret, env, ENV_API_SECRET, "api_secret")
    kind = credential_kind(secret_value)
    check_header_value(_SECRET_LABELS[kind], secret_value)
    if kind.is_bearer and secret_value in (WORKSPACE_TOKEN_PREFIX, ACCOUNT_API_KEY_PREFIX):
        raise ConfigurationError(f"the {kind.label} is only its prefix, {secret_value!r}")
    key_value: str | None = None
    if kind is CredentialKind.API_KEY_PAIR:
        key_value = _pick(
            api_key,
            env,
            ENV_API_KEY,
            "api_key",
            also=f"a legacy API secret needs its key (a {WORKSPACE_TOKEN_PREFIX}... workspace "
            f"token or a {ACCOUNT_API_KEY_PREFIX}... account API key as the secret needs none)",
        )
        check_header_value("API key", key_value)
    workspace_value = _optional(workspace_uid, env, ENV_WORKSPACE_UID, "workspace_uid")
    if workspace_value is not None:
        check_header_value("workspace uid", workspace_value)
    elif kind is CredentialKind.ACCOUNT_API_KEY:
        raise ConfigurationError(
            f"{ENV_WORKSPACE_UID} is not set: an account API key ({ACCOUNT_API_KEY_PREFIX}...) "
            f"names the workspace of every request; set the environment variable or pass "
            f"workspace_uid= to the client"
        )
    retries = DEFAULT_MAX_RETRIES if max_retries is None else max_retries
    check_max_retries(retries)
    resolved_timeout = DEFAULT_TIMEOUT if isinstance(timeout, NotGiven) else timeout
    check_timeout(resolved_timeout)
    return ClientConfig(
        endpoint=endpoint_value,
        api_key=key_value,
        api_secret=Secret(secret_value),
        timeout=resolved_timeout,
        max_retries=retries,
        workspace_uid=workspace_value,
    )


_SECRET_LABELS = {
    CredentialKind.API_KEY_PAIR: "API secret",
    CredentialKind.WORKSPACE_TOKEN: "workspace token",
    CredentialKind.ACCOUNT_API_KEY: "account API key",
}


def check_header_value(label: str, value: str) -> None:
    """Refuses a credential an HTTP header cannot carry (httpx would raise UnicodeEncodeError
    with the value in it). Names the character and its position, never the value."""
    for position, char in enumerate(value, start=1):
        if " " <= char <= "~":
            continue
        what = "a control character" if ord(char) < 0x80 else "a non-ASCII character"
        raise ConfigurationError(
            f"the {label} contains {what} (U+{ord(char):04X}) at character {position}: HTTP "
            "headers carry printable ASCII only; copy it again (a pasted non-breaking space or "
            "line break is the usual cause)"
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


def check_max_retries(value: object, error: type[BoltError] = ConfigurationError) -> None:
    """Rejects a retry count that is not a non-negative integer with `error`, as
    `check_timeout` does."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise error(f"max_retries must be a non-negative integer, not {value!r}")


@dataclass(frozen=True)
class RequestOptions:
    """What a call, or `with_options`, sets for each of its requests; a setting left NOT_GIVEN
    is the client's. A bad value is an `InvalidArgumentError`, before any request."""

    timeout: Timeout | NotGiven = NOT_GIVEN
    max_retries: int | NotGiven = NOT_GIVEN

    def __post_init__(self) -> None:
        if not isinstance(self.timeout, NotGiven):
            check_timeout(self.timeout, InvalidArgumentError)
        if not isinstance(self.max_retries, NotGiven):
            check_max_retries(self.max_retries, InvalidArgumentError)

    @property
    def given(self) -> bool:
        return not (isinstance(self.timeout, NotGiven) and isinstance(self.max_retries, NotGiven))


@dataclass(frozen=True)
class RequestSettings:
    """What a request is sent with: its timeout (httpx's `USE_CLIENT_DEFAULT` leaves it to the
    httpx client) and how often it may be retried."""

    timeout: Any
    max_retries: int

    def override(self, options: RequestOptions) -> RequestSettings:
        """These settings with what `options` gives instead."""
        return RequestSettings(
            self.timeout if isinstance(options.timeout, NotGiven) else options.timeout,
            self.max_retries if isinstance(options.max_retries, NotGiven) else options.max_retries,
        )


def _positive_finite(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value > 0
    )


def _optional(explicit: str | None, env: Mapping[str, str], var: str, argument: str) -> str | None:
    """The argument, else the variable, stripped; None when neither has a value."""
    value = explicit if explicit is not None else env.get(var, "")
    if not isinstance(value, str):
        raise ConfigurationError(f"{argument}= must be a string, not {type(value).__name__}")
    return value.strip() or None


def _pick(
    explicit: str | None, env: Mapping[str, str], var: str, argument: str, *, also: str = ""
) -> str:
    value = _optional(explicit, env, var, argument)
    if value is None:
        why = f"{also}; set" if also else "set"
        raise ConfigurationError(
            f"{var} is not set: {why} the environment variable or pass {argument}= to the client"
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
