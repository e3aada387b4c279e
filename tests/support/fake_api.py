"""The scripted fake Bolt server (pytest-httpx), its test credentials, and the documented
examples of the Bolt API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ENDPOINT = "https://api.test.paradime.io/api/v1/abcdefghijklmnop/graphql"
API_KEY = "test-api-key"
API_SECRET = "sk-test-0123456789-NEVER-PRINT-ME"


def docs_examples() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(
        (FIXTURES / "docs_examples.json").read_text(encoding="utf-8")
    )
    return data


class GraphQLScript:
    """A fake Bolt server for pytest-httpx: answers each operation from its own queue of `data`
    payloads (the last one repeats), and records the operations and variables it was sent.
    A payload may be a function of the request's variables (to answer per id)."""

    def __init__(self, httpx_mock: Any) -> None:
        self.queues: dict[str, list[Any]] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []
        httpx_mock.add_callback(self._answer, url=ENDPOINT, is_reusable=True, is_optional=True)

    def on(self, operation: str, *payloads: Any) -> GraphQLScript:
        self.queues.setdefault(operation, []).extend(payloads)
        return self

    def count(self, operation: str) -> int:
        return sum(1 for name, _ in self.calls if name == operation)

    def _answer(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        name = body["operationName"]
        self.calls.append((name, body["variables"]))
        queue = self.queues.get(name)
        if not queue:
            return httpx.Response(500, json={"errors": [{"message": f"unscripted {name}"}]})
        payload = queue.pop(0) if len(queue) > 1 else queue[0]
        if callable(payload):
            payload = payload(body["variables"])
        if isinstance(payload, httpx.Response):
            return payload
        return httpx.Response(200, json=payload)
