"""`BoltResource`: the Bolt API credentials and client settings, as a Dagster resource."""

from __future__ import annotations

from typing import Any

from dagster import ConfigurableResource
from pydantic import Field

from paradime_bolt import DEFAULT_APP_URL, AsyncBoltClient, BoltClient, bolt_run_url

__all__ = ["BoltResource"]


# ConfigurableResource is generic in the value it provides; Dagster's own resources subclass it
# bare (a subscripted pydantic base would change the class), hence the ignore.
class BoltResource(ConfigurableResource):  # type: ignore[type-arg]
    """The Paradime Bolt API, for the assets, ops and sensors of this package.

    Every field may be an `EnvVar` (`EnvVar.int` for the integers); a field left unset falls back
    to the client's own environment variables (`PARADIME_API_ENDPOINT`, `PARADIME_API_KEY`,
    `PARADIME_API_SECRET`, `PARADIME_WORKSPACE_UID`) when the client is built, in the step, so
    the secret never enters Dagster's config at all. The secret is never in a repr or a log.
    An `EnvVar` whose variable is unset fails the run (Dagster's rule), so leave a field unset
    rather than name a variable that some deployments do not set.
    """

    endpoint: str | None = Field(
        default=None, description="The GraphQL endpoint; unset: PARADIME_API_ENDPOINT."
    )
    api_key: str | None = Field(
        default=None,
        description="The key of a legacy API secret; unset: PARADIME_API_KEY. "
        "Not needed (nor sent) with a token.",
    )
    api_secret: str | None = Field(
        default=None,
        description="An account API key (prdm_cmp_...), a workspace token (prdm_wsp_...) or a "
        "legacy API secret; unset: PARADIME_API_SECRET.",
    )
    workspace_uid: str | None = Field(
        default=None,
        description="The workspace every request names (needed with an account API key); "
        "unset: PARADIME_WORKSPACE_UID.",
    )
    timeout: int | None = Field(
        default=None,
        description="Seconds one request may take (whole seconds, so EnvVar.int works); "
        "unset: the client's 30.",
    )
    max_retries: int | None = Field(
        default=None, description="Retries of a failed request; unset: the client's 2."
    )
    app_url: str | None = Field(
        default=None,
        description="The Paradime app that run links point to; unset: https://app.paradime.io.",
    )

    def run_url(self, run_id: int) -> str:
        """The run's page in the Paradime app at `app_url` (`paradime_bolt.bolt_run_url`)."""
        return bolt_run_url(run_id, app_url=self.app_url or DEFAULT_APP_URL)

    def get_client(self) -> BoltClient:
        """A new `BoltClient` with these settings; use it as `with resource.get_client() as c`."""
        return BoltClient(**self._settings())

    def get_async_client(self) -> AsyncBoltClient:
        """A new `AsyncBoltClient` with these settings; use it as `async with`."""
        return AsyncBoltClient(**self._settings())

    def _settings(self) -> dict[str, Any]:
        settings: dict[str, Any] = {
            "endpoint": self.endpoint,
            "api_key": self.api_key,
            "api_secret": self.api_secret,
            "workspace_uid": self.workspace_uid,
            "max_retries": self.max_retries,
        }
        if self.timeout is not None:
            settings["timeout"] = self.timeout
        return settings

    def __repr__(self) -> str:
        secret = None if self.api_secret is None else "'**********'"
        return (
            f"BoltResource(endpoint={self.endpoint!r}, api_key={self.api_key!r}, "
            f"api_secret={secret}, workspace_uid={self.workspace_uid!r}, "
            f"timeout={self.timeout!r}, max_retries={self.max_retries!r}, "
            f"app_url={self.app_url!r})"
        )

    __str__ = __repr__
