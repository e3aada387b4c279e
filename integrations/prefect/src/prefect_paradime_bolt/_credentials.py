"""The credentials Block: where a flow finds the Bolt API and the secret that opens it."""

from __future__ import annotations

from typing import ClassVar

from prefect.blocks.core import Block
from pydantic import ConfigDict, Field, SecretStr

from paradime_bolt import DEFAULT_APP_URL, AsyncBoltClient, BoltClient, bolt_run_url

__all__ = ["BoltCredentials"]


class BoltCredentials(Block):
    """Paradime Bolt API credentials. Unset fields fall back to the client's environment
    variables (PARADIME_API_ENDPOINT, PARADIME_API_KEY, PARADIME_API_SECRET,
    PARADIME_WORKSPACE_UID), so a block may hold only some of them, or none.

    Example:
        ```python
        from prefect_paradime_bolt import BoltCredentials

        credentials = BoltCredentials.load("paradime")
        with credentials.get_client() as bolt:
            print(bolt.list_bolt_schedules())
        ```
    """

    # Unknown keys are refused: with every field optional, a deployment parameter that names a
    # saved block ({"$ref": ...}) would otherwise also validate as a block of its own.
    model_config = ConfigDict(extra="forbid")

    _block_type_name: ClassVar[str | None] = "Paradime Bolt Credentials"
    _block_type_slug: ClassVar[str | None] = "paradime-bolt-credentials"
    _description: ClassVar[str | None] = (
        "Credentials for the Paradime Bolt API: its endpoint, an API secret (a legacy secret "
        "with its key, a prdm_wsp_ workspace token or a prdm_cmp_ account API key) and the "
        "workspace uid an account API key needs."
    )

    endpoint: str | None = Field(
        default=None,
        description="The Bolt API endpoint; unset: PARADIME_API_ENDPOINT.",
    )
    api_key: str | None = Field(
        default=None,
        description="The API key of a legacy key pair; unset: PARADIME_API_KEY.",
    )
    api_secret: SecretStr | None = Field(
        default=None,
        description=(
            "The API secret, workspace token (prdm_wsp_...) or account API key (prdm_cmp_...); "
            "unset: PARADIME_API_SECRET."
        ),
    )
    workspace_uid: str | None = Field(
        default=None,
        description="The workspace of an account API key; unset: PARADIME_WORKSPACE_UID.",
    )
    app_url: str = Field(
        default=DEFAULT_APP_URL,
        description="The Paradime app that run links point to.",
    )

    def _secret(self) -> str | None:
        return None if self.api_secret is None else self.api_secret.get_secret_value()

    def get_client(self) -> BoltClient:
        """A `BoltClient` with these credentials; use it as `with` so it is closed."""
        return BoltClient(
            endpoint=self.endpoint,
            api_key=self.api_key,
            api_secret=self._secret(),
            workspace_uid=self.workspace_uid,
        )

    def get_async_client(self) -> AsyncBoltClient:
        """An `AsyncBoltClient` with these credentials; use it as `async with`."""
        return AsyncBoltClient(
            endpoint=self.endpoint,
            api_key=self.api_key,
            api_secret=self._secret(),
            workspace_uid=self.workspace_uid,
        )

    def run_url(self, run_id: int) -> str:
        """The run's page in the Paradime app."""
        return bolt_run_url(run_id, app_url=self.app_url)
