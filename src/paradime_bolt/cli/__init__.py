"""The `paradime-bolt` command line: trigger, follow and inspect Bolt runs from CI and terminals.

    paradime-bolt run "daily run" --branch my-feature --wait --logs

This module stays tiny so that `paradime-bolt --help` starts fast: the command tree (click only)
is in `_app`, each command group in its own module, loaded when it is used, and the client, httpx,
pydantic and rich are imported only by the commands that talk to the API or draw on a terminal.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> None:
    """Runs the command line with `argv` (default: `sys.argv[1:]`) and exits with its code.

    As the `paradime-bolt` process (no `argv`), it loads no pydantic plugin unless
    PYDANTIC_DISABLE_PLUGINS says otherwise (finding them reads the metadata of every installed
    distribution, a cost each CI step would pay for the client's models, with no plugin of the
    user's there to observe them), and httpx's own command line loads only if used (see
    `cli/_httpx_cli.py`). Called with `argv`, inside someone's process, it changes nothing."""
    if argv is None:
        import os

        from ._httpx_cli import defer_httpx_cli

        os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
        defer_httpx_cli()
    from ._app import cli

    cli.main(args=None if argv is None else list(argv), prog_name="paradime-bolt")
