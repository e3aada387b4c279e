"""`paradime-bolt environments list`: the workspace's Bolt environments."""

from __future__ import annotations

import click

from ._options import json_option
from ._state import session

__all__ = ["environments"]


@click.group("environments")
def environments() -> None:
    """The workspace's Bolt environments (what a schedule's environment names).

    \b
    Example:
      paradime-bolt environments list --json
    """


@environments.command("list")
@json_option
@click.pass_context
def list_environments(ctx: click.Context, as_json: bool) -> None:
    """List the Bolt (SCHEDULER) environments: slug, display name, default."""
    with session(ctx, json_mode=as_json) as (out, bolt):
        found = bolt.list_bolt_environments().environments
    if as_json:
        out.document({"environments": [e.model_dump(mode="json") for e in found]})
        return
    out.table(
        ["slug", "name", "default"],
        [[e.slug, e.display_name, "yes" if e.is_default else ""] for e in found],
    )
