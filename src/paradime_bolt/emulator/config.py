"""The emulator's settings, and its fixed development defaults (credentials, host, port)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_API_KEY = "bolt-emulator-key"
DEFAULT_API_SECRET = "bolt-emulator-secret"
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

    def __post_init__(self) -> None:
        # A list passed by a caller is frozen into a tuple, so the config stays hashable.
        object.__setattr__(self, "webhook_urls", tuple(self.webhook_urls))
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
        for name in ("webhook_backoff", "webhook_drain_timeout", "latency_ms"):
            value = getattr(self, name)
            if not (value >= 0 and math.isfinite(value)):
                raise ValueError(f"{name} must be zero or more, got {value}")

    @property
    def uses_default_secret(self) -> bool:
        """Whether the secret is the published development default, which is safe to print."""
        return self.api_secret == DEFAULT_API_SECRET


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
