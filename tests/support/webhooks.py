"""The documented `bolt.run.completed` webhook body, rebuilt from the docs facts: the one copy,
which every test that needs it imports (tests/webhooks, tests/test_webhook_followups.py,
tests/test_workflows.py); tests/webhooks/conftest.py holds fixtures only."""

from __future__ import annotations

import copy
from typing import Any

API_URL = "https://api.demo.paradime.io/api/v1/uany7edagtovarzx/graphql"


def api_query(command_id: int) -> str:
    """The `api_query` string as the docs format it: `\\n` and 4-space indents, no `ok`."""
    return (
        "query BoltCommand {\n"
        f"    boltCommand(commandId: {command_id}) {{\n"
        "        command startDttm endDttm stdout stderr returnCode scheduleRunId"
        " resources { id path }\n"
        "    }}"
    )


def resource_query(resource_id: int) -> str:
    """The `resource_query` string as the docs format it; it selects `ok` and `url`."""
    return (
        "query BoltResourceUrl {\n"
        f"    boltResourceUrl(resourceId: {resource_id}) {{\n"
        "        ok url\n"
        "    }}"
    )


def resource(resource_id: int, path: str) -> dict[str, Any]:
    return {"id": resource_id, "path": path, "resource_query": resource_query(resource_id)}


def command(
    command_id: int,
    name: str,
    start: str | None,
    end: str | None,
    resources: list[dict[str, Any]],
    *,
    return_code: int | None = 0,
    status: str = "succeeded",
) -> dict[str, Any]:
    return {
        "api_query": api_query(command_id),
        "command": name,
        "end_dttm": end,
        "id": command_id,
        "json_resources": resources,
        "return_code": return_code,
        "start_dttm": start,
        "status": status,
    }


_DOCS_EXAMPLE: dict[str, Any] = {
    "api_url": API_URL,
    "commands": [
        command(
            193439, "git clone ...", "2023-10-15 16:44:14.576471", "2023-10-15 16:44:16.986049", []
        ),
        command(193440, "dbt deps", "2023-10-15 16:44:17.109897", "2023-10-15 16:44:19.831942", []),
        command(
            193441,
            "dbt seed",
            "2023-10-15 16:44:19.886774",
            "2023-10-15 16:44:29.552605",
            [
                resource(1205731, "target/manifest.json"),
                resource(1205739, "target/run_results.json"),
            ],
        ),
        # The docs show this command's id (193442) and end_dttm only. Its start_dttm,
        # resources (ids 1205740 and 1205748), return_code and status are NOT documented:
        # they are filled in plausibly here so that the entry is complete.
        command(
            193442,
            "dbt run",
            "2023-10-15 16:44:29.601113",  # filled in, not documented
            "2023-10-15 16:44:37.422950",
            [
                resource(1205740, "target/manifest.json"),  # filled in, not documented
                resource(1205748, "target/run_results.json"),  # filled in, not documented
            ],
        ),
    ],
}


def docs_example() -> dict[str, Any]:
    """A fresh deep copy of the documented `bolt.run.completed` body, safe to mutate."""
    return copy.deepcopy(_DOCS_EXAMPLE)
