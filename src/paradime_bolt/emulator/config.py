"""The emulator's settings, and its fixed development defaults (credentials, host, port)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_API_KEY = "bolt-emulator-key"
DEFAULT_API_SECRET = "bolt-emulator-secret"
API_KEY_ENV = "PARADIME_API_KEY"
API_SECRET_ENV = "PARADIME_API_SECRET"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
DEFAULT_URL_TTL = 300.0
GRAPHQL_PATH = "/graphql"
LOG_LEVELS = ("critical", "error", "warning", "info", "debug")


@dataclass(frozen=True)
class EmulatorConfig:
    """Everything that shapes one emulator instance; the secret is left out of its repr."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    db: Path | None = None
    schedules: Path | None = None
    api_key: str = DEFAULT_API_KEY
    api_secret: str = field(default=DEFAULT_API_SECRET, repr=False)
    url_ttl: float = DEFAULT_URL_TTL
    log_level: str = "info"
    tick_interval: float = 0.05

    def __post_init__(self) -> None:
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port must be between 0 and 65535, got {self.port}")
        if not (self.url_ttl > 0 and math.isfinite(self.url_ttl)):
            raise ValueError(f"url_ttl must be positive, got {self.url_ttl}")
        if not self.api_key or not self.api_secret:
            raise ValueError("the API key and secret must not be empty")
        if self.log_level not in LOG_LEVELS:
            raise ValueError(f"log_level must be one of {', '.join(LOG_LEVELS)}")

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
