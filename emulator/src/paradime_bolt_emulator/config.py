"""The emulator's settings, and its fixed development defaults (credentials, host, port)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_API_KEY = "bolt-emulator-key"
DEFAULT_API_SECRET = "bolt-emulator-secret"
# The workspace served when none is named; the legacy key and a workspace token belong to the
# default (first) workspace, an account key to all of them.
DEFAULT_WORKSPACE = "bolt-emulator-workspace"
# As Paradime's clients tell a bearer token from a legacy secret.
WORKSPACE_TOKEN_PREFIX = "prdm_wsp_"
ACCOUNT_KEY_PREFIX = "prdm_cmp_"
API_KEY_ENV = "PARADIME_API_KEY"
API_SECRET_ENV = "PARADIME_API_SECRET"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
DEFAULT_URL_TTL = 300.0
GRAPHQL_PATH = "/graphql"
LOG_LEVELS = ("critical", "error", "warning", "info", "debug")
DEFAULT_WEBHOOK_TIMEOUT = 5.0
DEFAULT_WEBHOOK_ATTEMPTS = 3
DEFAULT_WEBHOOK_BACKOFF = 0.2
DEFAULT_WEBHOOK_DRAIN_TIMEOUT = 2.0
# The Bolt (SCHEDULER) environment every workspace has unless told otherwise.
DEFAULT_ENVIRONMENT = "production"
DEFAULT_DBT_CANCEL_GRACE = 5.0


def webhook_url_problem(url: str) -> str | None:
    """Why ``url`` cannot receive webhooks (not an absolute http(s) URL with a host), or None."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return "is not a valid URL"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "is not an absolute http:// or https:// URL"
    return None


def url_origin(url: str) -> str:
    """``scheme://host:port`` of a URL: what logs and banners show of a webhook URL.

    The path and query are left out because they may carry a shared secret (a receiver's
    ``/hooks/<token>`` path), and so is any ``user:password@``.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "(an invalid URL)"
    host = parts.hostname or "?"
    shown = f"[{host}]" if ":" in host else host
    return f"{parts.scheme}://{shown}" + ("" if port is None else f":{port}")


@dataclass(frozen=True)
class EmulatorConfig:
    """Everything that shapes one emulator instance; its repr omits the secret and webhook URLs."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    db: Path | None = None
    schedules: Path | None = None
    api_key: str = DEFAULT_API_KEY
    api_secret: str = field(default=DEFAULT_API_SECRET, repr=False)
    url_ttl: float = DEFAULT_URL_TTL
    log_level: str = "info"
    tick_interval: float = 0.05
    # Where run events are POSTed (see ``webhooks``); left out of the repr, since a receiver's
    # URL may carry its shared secret in the path.
    webhook_urls: tuple[str, ...] = field(default=(), repr=False)
    webhook_timeout: float = DEFAULT_WEBHOOK_TIMEOUT
    webhook_attempts: int = DEFAULT_WEBHOOK_ATTEMPTS
    webhook_backoff: float = DEFAULT_WEBHOOK_BACKOFF
    webhook_drain_timeout: float = DEFAULT_WEBHOOK_DRAIN_TIMEOUT
    # Milliseconds every GraphQL request waits before it is handled, to model a remote API.
    latency_ms: float = 0.0
    # Bearer tokens accepted besides the key pair: a ``prdm_wsp_`` token for the default
    # workspace and a ``prdm_cmp_`` account key for every workspace (chosen per request by the
    # X-Paradime-Workspace header). None: not accepted.
    workspace_token: str | None = field(default=None, repr=False)
    account_key: str | None = field(default=None, repr=False)
    # The workspaces that exist, the default one first (none given: DEFAULT_WORKSPACE alone).
    workspaces: tuple[str, ...] = ()
    # (uid, schedules file) of workspaces that do not serve ``schedules``.
    workspace_schedules: tuple[tuple[str, Path], ...] = ()
    # Bolt environment slugs of every workspace, the default one first (none: production), and
    # (uid, slug) pairs giving a workspace environments of its own instead.
    environments: tuple[str, ...] = ()
    workspace_environments: tuple[tuple[str, str], ...] = ()
    # A dbt project whose runs execute real dbt (see ``realdbt``); its profiles folder (None: a
    # DuckDB profile written into the emulator's state) and target (None: the profile's).
    dbt_project: Path | None = None
    dbt_profiles_dir: Path | None = None
    dbt_target: str | None = None
    # Seconds a cancelled dbt command has after SIGINT before it is killed.
    dbt_cancel_grace: float = DEFAULT_DBT_CANCEL_GRACE

    def __post_init__(self) -> None:
        # A list passed by a caller is frozen into a tuple, so the config stays hashable.
        object.__setattr__(self, "webhook_urls", tuple(self.webhook_urls))
        object.__setattr__(self, "workspaces", tuple(self.workspaces))
        object.__setattr__(
            self,
            "workspace_schedules",
            tuple((uid, Path(path)) for uid, path in self.workspace_schedules),
        )
        object.__setattr__(self, "environments", tuple(self.environments))
        object.__setattr__(
            self,
            "workspace_environments",
            tuple((uid, slug) for uid, slug in self.workspace_environments),
        )
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port must be between 0 and 65535, got {self.port}")
        if not (self.url_ttl > 0 and math.isfinite(self.url_ttl)):
            raise ValueError(f"url_ttl must be positive, got {self.url_ttl}")
        if not self.api_key or not self.api_secret:
            raise ValueError("the API key and secret must not be empty")
        if self.log_level not in LOG_LEVELS:
            raise ValueError(f"log_level must be one of {', '.join(LOG_LEVELS)}")
        for number, url in enumerate(self.webhook_urls, start=1):
            problem = webhook_url_problem(url) if isinstance(url, str) else "is not a string"
            if problem is not None:
                # The URL is not echoed: its path may hold a shared secret.
                raise ValueError(f"webhook URL #{number} {problem}")
        if not (self.webhook_timeout > 0 and math.isfinite(self.webhook_timeout)):
            raise ValueError(f"webhook_timeout must be positive, got {self.webhook_timeout}")
        if isinstance(self.webhook_attempts, bool) or self.webhook_attempts < 1:
            raise ValueError(f"webhook_attempts must be at least 1, got {self.webhook_attempts}")
        if self.dbt_project is None and (
            self.dbt_profiles_dir is not None or self.dbt_target is not None
        ):
            raise ValueError("dbt_profiles_dir and dbt_target need dbt_project")
        for name in ("webhook_backoff", "webhook_drain_timeout", "latency_ms", "dbt_cancel_grace"):
            value = getattr(self, name)
            if not (value >= 0 and math.isfinite(value)):
                raise ValueError(f"{name} must be zero or more, got {value}")
        self._check_credentials()

    def _check_credentials(self) -> None:
        """Every credential and workspace uid must fit in an HTTP header; the tokens must carry
        the prefix that makes a client send them as bearer tokens, and the secret must not."""
        for name, value in (
            ("api_key", self.api_key),
            ("api_secret", self.api_secret),
            ("workspace_token", self.workspace_token),
            ("account_key", self.account_key),
        ):
            if value is not None and not _header_safe(value):
                # The value is not echoed: it is a secret.
                raise ValueError(f"{name} must be printable ASCII with no surrounding spaces")
        for prefix, option in (
            (WORKSPACE_TOKEN_PREFIX, "workspace_token"),
            (ACCOUNT_KEY_PREFIX, "account_key"),
        ):
            if self.api_secret.startswith(prefix):
                raise ValueError(
                    f"an api_secret starting with {prefix} is sent as a bearer token by "
                    f"clients; configure it as {option} instead"
                )
        for value, prefix, name in (
            (self.workspace_token, WORKSPACE_TOKEN_PREFIX, "workspace_token"),
            (self.account_key, ACCOUNT_KEY_PREFIX, "account_key"),
        ):
            if value is not None and (not value.startswith(prefix) or value == prefix):
                raise ValueError(f"{name} must be {prefix} followed by the token")
        for uid in self.workspaces:
            if (
                not isinstance(uid, str)
                or not uid
                or "=" in uid
                or not all(" " < char <= "~" for char in uid)
            ):
                raise ValueError(
                    f"workspace uid {uid!r} must be printable ASCII, without spaces or '='"
                )
        if len(set(self.workspaces)) != len(self.workspaces):
            raise ValueError("each workspace uid may be given once")
        for uid, _ in self.workspace_schedules:
            if uid not in self.workspace_uids:
                raise ValueError(f"schedules are given for workspace {uid!r}, which is not served")
        for uid, slug in (
            *(("", slug) for slug in self.environments),
            *self.workspace_environments,
        ):
            if uid and uid not in self.workspace_uids:
                raise ValueError(
                    f"environments are given for workspace {uid!r}, which is not served"
                )
            if not isinstance(slug, str) or not _ENVIRONMENT_SLUG.fullmatch(slug):
                raise ValueError(
                    f"environment slug {slug!r} must be lowercase letters, digits, - and _"
                )

    @property
    def workspace_uids(self) -> tuple[str, ...]:
        """The workspaces served, the default one first."""
        return self.workspaces or (DEFAULT_WORKSPACE,)

    @property
    def default_workspace(self) -> str:
        """The workspace of the key pair and of the workspace token."""
        return self.workspace_uids[0]

    def schedules_of(self, workspace: str) -> Path | None:
        """The schedules file a workspace serves (None: the built-in set)."""
        return dict(self.workspace_schedules).get(workspace, self.schedules)

    def environments_of(self, workspace: str) -> tuple[str, ...]:
        """A workspace's Bolt environment slugs, its default one first."""
        own = tuple(slug for uid, slug in self.workspace_environments if uid == workspace)
        return tuple(dict.fromkeys(own or self.environments or (DEFAULT_ENVIRONMENT,)))

    @property
    def uses_default_secret(self) -> bool:
        """Whether the secret is the published development default, which is safe to print."""
        return self.api_secret == DEFAULT_API_SECRET


_ENVIRONMENT_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*")


def _header_safe(value: str) -> bool:
    """Non-empty printable ASCII that does not start or end with a space."""
    return bool(value) and value == value.strip() and all(" " <= char <= "~" for char in value)


def resolve_credentials(
    api_key: str | None, api_secret: str | None, environ: Mapping[str, str]
) -> tuple[str, str]:
    """Key and secret from the arguments, else the environment, else the development defaults."""
    key = api_key or environ.get(API_KEY_ENV) or DEFAULT_API_KEY
    secret = api_secret or environ.get(API_SECRET_ENV) or DEFAULT_API_SECRET
    return key, secret


def http_base_url(host: str, port: int) -> str:
    """``http://host:port``, with brackets around an IPv6 address."""
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}:{port}"
