"""`paradime-bolt whoami`: the endpoint, credential and workspace in use, and whether the API
accepts them."""

from __future__ import annotations

from typing import Any

import click

from ._options import json_option
from ._state import get_state, session

__all__ = ["whoami"]


@click.command("whoami")
@json_option
@click.pass_context
def whoami(ctx: click.Context, as_json: bool) -> None:
    """Show the endpoint, the kind of credential and the workspace in use, and check with one
    cheap call (a one-schedule page) that the API accepts them. The secret is never shown.

    Exits 0 when the API accepts the credentials, 4 when it refuses them (or they are missing or
    malformed), 5 when it cannot be reached.

    \b
    Examples:
      paradime-bolt whoami
      paradime-bolt --workspace-uid ws-analytics whoami --json
    """
    import paradime_bolt as bolt_api

    with session(ctx, json_mode=as_json) as (out, bolt):
        config = bolt.config
        record: dict[str, Any] = {
            "endpoint": config.endpoint,
            "credential": config.credential.value,
            "credential_label": config.credential.label,
            "secret": config.masked_secret,
            "workspace_uid": config.workspace_uid,
            "sources": get_state(ctx).sources(),
        }
        sent = [f"{name}: {value}" for name, value in config.masked_headers().items()]
        failure: bolt_api.BoltError | None = None
        try:
            bolt.list_bolt_schedules(0, 1, True)
        except bolt_api.AuthenticationError as exc:
            failure = exc
            record.update(accepted=False, status_code=exc.status_code)
        except bolt_api.BoltError as exc:
            failure = exc
            record.update(accepted=None)
        else:
            record.update(accepted=True)
    if as_json:
        out.document(record)
    else:
        sources = record["sources"]
        accepted = {True: "yes", False: f"no (HTTP {record.get('status_code')})", None: "unknown"}
        out.fields(
            [
                ("endpoint", f"{config.endpoint} ({sources['endpoint']})"),
                ("credential", config.credential.label),
                ("secret", config.masked_secret),
                (
                    "workspace",
                    f"{config.workspace_uid} ({sources['workspace_uid']})"
                    if config.workspace_uid is not None
                    else "(the credential's own)",
                ),
                ("sends", sent[0]),
                *(("", header) for header in sent[1:]),
                ("accepted", accepted[record["accepted"]]),
            ]
        )
    if failure is not None:
        raise failure
