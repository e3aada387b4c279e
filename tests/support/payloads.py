"""GraphQL answers, as the Bolt API sends them, for the scripted fake server (`GraphQLScript`).

The one set of builders every test uses: `data(...)` wraps payloads, the rest build one
operation's answer or the objects inside it."""

from __future__ import annotations

from typing import Any

STARTED = "2024-08-27 22:58:57.738046"
ENDED = "2024-08-27 22:59:03.135456"


def data(**fields: Any) -> dict[str, Any]:
    return {"data": fields}


def schedule(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "slug": name.replace(" ", "-"),
        "schedule": "0 2 * * *",
        "owner": "data-team@acme.io",
        "lastRunAt": "2024-08-27 22:59:01.476387",
        "lastRunState": "SUCCESS",
        "nextRunAt": "2024-08-28 02:00:00.000000",
        "id": 1000,
        "uuid": "f094869e-183f-5d85-b886-3b2d9d517050",
        "source": "yaml",
        "suspended": False,
        "commands": ["dbt run", "dbt test"],
        "gitBranch": "main",
        **extra,
    }


def schedules(*items: dict[str, Any], total: int | None = None) -> dict[str, Any]:
    """A page of schedules; `total` is the count across pages (default: these)."""
    count = len(items) if total is None else total
    return data(listBoltSchedules={"schedules": list(items), "totalCount": count})


def schedule_details(**extra: Any) -> dict[str, Any]:
    return data(
        boltScheduleName={
            "ok": True,
            "latestRunId": 15509,
            "commands": ["dbt run", "dbt test"],
            "owner": "data-team@acme.io",
            "schedule": "0 2 * * *",
            "uuid": "f094869e-183f-5d85-b886-3b2d9d517050",
            "source": "yaml",
            "suspended": False,
            **extra,
        }
    )


def not_ok(field: str) -> dict[str, Any]:
    return data(**{field: {"ok": False}})


def triggered(run_id: int, field: str = "triggerBoltRun") -> dict[str, Any]:
    return data(**{field: {"runId": run_id}})


def command(cid: int, text: str, rc: int | None, **extra: Any) -> dict[str, Any]:
    return {
        "id": cid,
        "command": text,
        "startDttm": STARTED,
        "endDttm": None if rc is None else ENDED,
        "returnCode": rc,
        **extra,
    }


def progress(state: str, *commands: dict[str, Any]) -> dict[str, Any]:
    bare = [{k: v for k, v in c.items() if k not in ("stdout", "stderr")} for c in commands]
    return data(boltRunStatus={"ok": True, "state": state, "commands": bare})


def status(state: str, *commands: dict[str, Any]) -> dict[str, Any]:
    full = [{"stdout": "", "stderr": "", **c} for c in commands]
    return data(boltRunStatus={"ok": True, "state": state, "commands": full})


def log_page(
    *lines: str | tuple[str, str], cursor: str = "c1", finished: bool = True
) -> dict[str, Any]:
    entries = [
        {"stream": "stdout", "line": line}
        if isinstance(line, str)
        else {"stream": line[0], "line": line[1]}
        for line in lines
    ]
    return data(
        boltCommandLogs={"ok": True, "lines": entries, "cursor": cursor, "finished": finished}
    )


def command_details(run_id: int, *resources: tuple[int, str]) -> dict[str, Any]:
    return data(
        boltCommand={
            "ok": True,
            "command": "dbt",
            "stdout": "",
            "stderr": "",
            "scheduleRunId": run_id,
            "resources": [{"id": i, "path": p} for i, p in resources],
        }
    )


def resource_url(url: str) -> dict[str, Any]:
    return data(boltResourceUrl={"ok": True, "url": url})


def graphql_error(message: str, code: str = "INTERNAL") -> dict[str, Any]:
    return {"data": None, "errors": [{"message": message, "extensions": {"code": code}}]}


def field_error(field: str, message: str, **extensions: Any) -> dict[str, Any]:
    """A GraphQL error at `field`, whose payload is then null, as resolvers raise them."""
    error: dict[str, Any] = {"message": message, "path": [field]}
    if extensions:
        error["extensions"] = extensions
    return {"data": {field: None}, "errors": [error]}


# A run that fails in `dbt test`, as its final status reports it.
FAILING_COMMANDS = (
    command(1, "git clone ...", 0, stdout="Cloning into 'repo'..."),
    command(2, "dbt deps", 0, stdout="Up to date!"),
    command(
        3,
        "dbt test",
        1,
        stdout="1 of 2 FAIL not_null_orders_order_id\nDone. PASS=1 ERROR=1",
        stderr="Failure in test not_null_orders_order_id (models/schema.yml)\n"
        "  Got 3 results, configured to fail if != 0",
    ),
)
