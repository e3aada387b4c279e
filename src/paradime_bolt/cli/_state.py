"""What the global options decide, shared by every command through the click context."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import click

from ._output import Output, Redactor, is_interactive

if TYPE_CHECKING:
    from paradime_bolt import BoltClient, ClientConfig

__all__ = ["CliState", "get_state", "session"]


@dataclass
class CliState:
    """The global options, and the output of the command being run."""

    endpoint: str | None = None
    workspace_uid: str | None = None
    max_retries: int | None = None
    request_timeout: float | None = None
    verbose: bool = False
    redactor: Redactor = field(default_factory=Redactor.from_environ)
    output: Output | None = None
    # The settings of the client the command built, for error hints that name the credential.
    config: ClientConfig | None = None

    def open_output(self, *, json_mode: bool = False) -> Output:
        """The command's output; call once, first thing in a command."""
        self.output = Output(
            interactive=is_interactive(), json_mode=json_mode, redact=self.redactor
        )
        return self.output

    def current_output(self) -> Output:
        """The command's output, or a plain one when it failed before opening it."""
        return self.output or self.open_output()

    def client(self) -> BoltClient:
        """A client configured from the environment and --endpoint, --workspace-uid,
        --max-retries and --request-timeout."""
        import logging  # loaded already by the client; --help never gets here

        from paradime_bolt import BoltClient

        options: dict[str, Any] = {}
        if self.request_timeout is not None:
            options["timeout"] = self.request_timeout
        client = BoltClient(
            endpoint=self.endpoint,
            workspace_uid=self.workspace_uid,
            max_retries=self.max_retries,
            **options,
        )
        self.config = config = client.config
        sources = self.sources()
        logging.getLogger("paradime_bolt.cli").debug(
            "endpoint %s (%s); %s from PARADIME_API_SECRET; workspace %s",
            config.endpoint,
            sources["endpoint"],
            config.credential.label,
            "not named"
            if config.workspace_uid is None
            else f"{config.workspace_uid} ({sources['workspace_uid']})",
        )
        return client

    def sources(self) -> dict[str, str | None]:
        """Where the endpoint and the workspace uid come from: an option or its variable."""
        workspace = self.config.workspace_uid if self.config is not None else None
        return {
            "endpoint": "--endpoint" if self.endpoint is not None else "PARADIME_API_ENDPOINT",
            "workspace_uid": None
            if workspace is None
            else (
                "--workspace-uid" if self.workspace_uid is not None else "PARADIME_WORKSPACE_UID"
            ),
        }


def get_state(ctx: click.Context) -> CliState:
    return ctx.ensure_object(CliState)


@contextmanager
def session(ctx: click.Context, *, json_mode: bool = False) -> Iterator[tuple[Output, BoltClient]]:
    """How a command that talks to the API starts: its output, and a client configured by the
    global options, closed when the block ends (the output stays usable after)."""
    state = get_state(ctx)
    out = state.open_output(json_mode=json_mode)
    with state.client() as bolt:
        yield out, bolt
