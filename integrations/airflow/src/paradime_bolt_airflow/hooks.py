"""`BoltHook`: an Airflow connection turned into a paradime-bolt client.

Two connection layouts are read, so a team moving from Paradime's own provider keeps its
connections:

- `paradime_bolt` (this provider's): Host is the GraphQL endpoint, Login the legacy API key,
  Password the secret (an account API key `prdm_cmp_...`, a workspace token `prdm_wsp_...` or
  a legacy API secret); extras `workspace_uid`, `proxy`, `app_url`.
- `paradime` (airflow-provider-paradime-dbt's): everything in the extras, `api_endpoint`,
  `api_key`, `api_secret`, `workspace_uid`, `proxy`.

A field of the connection itself wins over the extra of the same meaning. Nothing is read from
the worker's `PARADIME_*` environment: the connection is the only source.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._common import CONN_TYPE, DEFAULT_CONN_ID

try:
    from airflow.sdk import BaseHook
except ImportError:  # pragma: no cover - Airflow 3.0 kept it in core
    from airflow.hooks.base import BaseHook  # type: ignore[attr-defined,no-redef,unused-ignore]

if TYPE_CHECKING:
    from airflow.sdk import Connection

    from paradime_bolt import AsyncBoltClient, BoltClient

__all__ = ["BoltConnectionSettings", "BoltHook"]

_MASK = "**********"


@dataclass(frozen=True, repr=False)
class BoltConnectionSettings:
    """What a connection says, checked: the client's keyword arguments and the app's URL."""

    conn_id: str
    endpoint: str
    api_secret: str
    api_key: str | None
    workspace_uid: str | None
    proxy: str | None
    app_url: str

    def __repr__(self) -> str:
        return (
            f"BoltConnectionSettings(conn_id={self.conn_id!r}, endpoint={self.endpoint!r}, "
            f"api_key={self.api_key!r}, api_secret={_MASK!r}, "
            f"workspace_uid={self.workspace_uid!r}, proxy={'set' if self.proxy else None!r})"
        )

    def client_kwargs(self) -> dict[str, Any]:
        # Empty strings, not None: the client reads PARADIME_* from the environment for None.
        return {
            "endpoint": self.endpoint,
            "api_secret": self.api_secret,
            "api_key": self.api_key or "",
            "workspace_uid": self.workspace_uid or "",
            "proxy": self.proxy,
        }

    def redact(self, text: str) -> str:
        """`text` with the secret (and a proxy URL, which may hold a password) masked."""
        for value in (self.api_secret, self.proxy):
            if value:
                text = text.replace(value, _MASK)
        return text


class BoltHook(BaseHook):
    """Clients for the Bolt API from an Airflow connection (type `paradime_bolt`, or Paradime's
    own `paradime` layout). `workspace_uid=` overrides the connection's workspace.

        with BoltHook("paradime_bolt_default").get_client() as bolt:
            bolt.trigger_and_wait("daily run", raise_on_failure=True)
    """

    conn_name_attr = "conn_id"
    default_conn_name = DEFAULT_CONN_ID
    conn_type = CONN_TYPE
    hook_name = "Paradime Bolt"

    def __init__(
        self,
        conn_id: str = DEFAULT_CONN_ID,
        *,
        workspace_uid: str | None = None,
        max_retries: int | None = None,
    ) -> None:
        super().__init__()
        self.conn_id = conn_id
        self.workspace_uid = workspace_uid
        self.max_retries = max_retries

    def __repr__(self) -> str:
        return f"BoltHook(conn_id={self.conn_id!r}, workspace_uid={self.workspace_uid!r})"

    # -- settings ------------------------------------------------------------------------------

    def settings(self) -> BoltConnectionSettings:
        """The connection's settings, checked before any request (`ConfigurationError`)."""
        return self.settings_from(self.get_connection(self.conn_id))

    async def asettings(self) -> BoltConnectionSettings:
        """`settings()` for the triggerer's event loop (the connection is read asynchronously)."""
        return self.settings_from(await self.aget_connection(self.conn_id))

    def settings_from(self, conn: Connection) -> BoltConnectionSettings:
        from paradime_bolt import DEFAULT_APP_URL, ConfigurationError, CredentialKind

        extra = _extras(conn)
        where = f"Airflow connection {self.conn_id!r}"
        endpoint = _endpoint(conn) or _text(extra, "api_endpoint") or _text(extra, "endpoint")
        if not endpoint:
            raise ConfigurationError(
                f"{where} has no API endpoint: set its Host to the GraphQL URL "
                "(https://api.<region>.paradime.io/api/v1/<workspace>/graphql), or the extra "
                "api_endpoint in Paradime's layout"
            )
        secret = _text_value(conn.password) or _text(extra, "api_secret")
        if not secret:
            raise ConfigurationError(
                f"{where} has no secret: set its Password to an account API key (prdm_cmp_...), "
                "a workspace token (prdm_wsp_...) or a legacy API secret, or the extra api_secret"
            )
        key = _text_value(conn.login) or _text(extra, "api_key")
        workspace = (self.workspace_uid or "").strip() or _text(extra, "workspace_uid")
        kind = CredentialKind.of(secret)
        is_token = kind is not CredentialKind.API_KEY_PAIR
        if not is_token and not key:
            raise ConfigurationError(
                f"{where}: a legacy API secret needs its API key (Login, or the extra api_key); "
                "an account API key or a workspace token as the secret needs none"
            )
        if kind is CredentialKind.ACCOUNT_API_KEY and not workspace:
            raise ConfigurationError(
                f"{where}: an account API key (prdm_cmp_...) names the workspace of every "
                "request: set the extra workspace_uid, or workspace_uid= on the task"
            )
        return BoltConnectionSettings(
            conn_id=self.conn_id,
            endpoint=endpoint,
            api_secret=secret,
            api_key=key if not is_token else None,
            workspace_uid=workspace,
            proxy=_text(extra, "proxy"),
            app_url=_text(extra, "app_url") or DEFAULT_APP_URL,
        )

    # -- clients ---------------------------------------------------------------------------------

    def get_conn(self) -> BoltClient:
        """Airflow's generic accessor: `get_client()`."""
        return self.get_client()

    def get_client(self, settings: BoltConnectionSettings | None = None) -> BoltClient:
        """A `BoltClient` for the connection; use it as `with` (it owns its HTTP pool)."""
        from paradime_bolt import BoltClient

        settings = settings or self.settings()
        return BoltClient(**settings.client_kwargs(), max_retries=self.max_retries)

    def get_async_client(self, settings: BoltConnectionSettings | None = None) -> AsyncBoltClient:
        """An `AsyncBoltClient` for the connection; use it as `async with`. From a running event
        loop (a trigger), read the connection with `await aget_async_client()` instead."""
        from paradime_bolt import AsyncBoltClient

        settings = settings or self.settings()
        return AsyncBoltClient(**settings.client_kwargs(), max_retries=self.max_retries)

    async def aget_async_client(self) -> AsyncBoltClient:
        """`get_async_client()`, reading the connection without blocking the event loop."""
        return self.get_async_client(await self.asettings())

    def run_url(self, run_id: int, settings: BoltConnectionSettings | None = None) -> str:
        """The run's page in the Paradime app (the connection's `app_url`)."""
        from paradime_bolt import bolt_run_url

        return bolt_run_url(run_id, app_url=(settings or self.settings()).app_url)

    def test_connection(self) -> tuple[bool, str]:
        """Airflow's "Test" button: one one-schedule page, as `paradime-bolt whoami` checks."""
        from paradime_bolt import BoltError

        try:
            settings = self.settings()
            with self.get_client(settings) as bolt:
                page = bolt.list_bolt_schedules(limit=1)
        except BoltError as exc:
            return False, str(exc)
        return True, f"Connected to {settings.endpoint}: {page.total_count} schedule(s)"


def _text_value(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _text(extra: Mapping[str, Any], name: str) -> str | None:
    """An extra by its plain name, or with the `extra__<type>__` prefix older forms wrote."""
    for key in (name, f"extra__{CONN_TYPE}__{name}", f"extra__paradime__{name}"):
        value = _text_value(extra.get(key))
        if value:
            return value
    return None


def _extras(conn: Connection) -> Mapping[str, Any]:
    from paradime_bolt import ConfigurationError

    try:
        extra = conn.extra_dejson
    except Exception as exc:  # a malformed extra: Airflow's own error names no field
        raise ConfigurationError(
            f"Airflow connection {conn.conn_id!r} has an extra that is not a JSON object"
        ) from exc
    return extra if isinstance(extra, Mapping) else {}


def _endpoint(conn: Connection) -> str | None:
    """The endpoint from Host: a whole URL as it is, or host[:port][/schema] as https."""
    host = _text_value(conn.host)
    if not host:
        return None
    if "://" in host:
        return host
    port = f":{conn.port}" if conn.port else ""
    path = (_text_value(conn.schema) or "").lstrip("/")
    return f"https://{host}{port}/{path}" if path else f"https://{host}{port}"
