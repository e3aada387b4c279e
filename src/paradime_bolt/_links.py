"""Links into the Paradime app: where a person looks at a run (CLI output, orchestrator UIs)."""

from __future__ import annotations

from typing import Final
from urllib.parse import urlsplit

from ._exceptions import InvalidArgumentError

__all__ = ["DEFAULT_APP_URL", "bolt_run_url"]

DEFAULT_APP_URL: Final = "https://app.paradime.io"
_MAX_INT = 2**31 - 1  # GraphQL's Int: no run id is larger


def bolt_run_url(run_id: int, *, app_url: str = DEFAULT_APP_URL) -> str:
    """The run's page in the Paradime app: `https://app.paradime.io/bolt/run_id/<run_id>`.

    Pure string work, no request; `app_url` is for another deployment of the app."""
    if isinstance(run_id, bool) or not isinstance(run_id, int) or not 0 < run_id <= _MAX_INT:
        raise InvalidArgumentError(f"run_id must be a positive 32-bit integer, not {run_id!r}")
    parts = urlsplit(app_url) if isinstance(app_url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidArgumentError(
            f"app_url must be an http(s) URL such as {DEFAULT_APP_URL}, not {app_url!r}"
        )
    return f"{app_url.rstrip('/')}/bolt/run_id/{run_id}"
