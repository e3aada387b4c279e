"""Shared fixtures: test credentials, the documented examples, and sync/async twin calls."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from paradime_bolt import AsyncBoltClient, BoltClient, SimulatedClock

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parent.parent
SCHEMA_PATH = ROOT / "schema.graphql"
QUERIES_DIR = ROOT / "queries"
ENDPOINT = "https://api.test.paradime.io/api/v1/abcdefghijklmnop/graphql"
API_KEY = "test-api-key"
API_SECRET = "sk-test-0123456789-NEVER-PRINT-ME"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's own Paradime credentials or settings."""
    for var in (
        "PARADIME_API_ENDPOINT",
        "PARADIME_API_KEY",
        "PARADIME_API_SECRET",
        "PARADIME_BOLT_REQUEST_TIMEOUT",
        "PARADIME_WORKSPACE_UID",
    ):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def bolt_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARADIME_API_ENDPOINT", ENDPOINT)
    monkeypatch.setenv("PARADIME_API_KEY", API_KEY)
    monkeypatch.setenv("PARADIME_API_SECRET", API_SECRET)


def docs_examples() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(
        (FIXTURES / "docs_examples.json").read_text(encoding="utf-8")
    )
    return data


class Twin:
    """Calls a client method on the sync or the async client, with the same arguments.

    With `simulated_time` (the default, for tests against a scripted server) the clients wait on
    a `SimulatedClock`: every wait is recorded in `sleeps` and advances the clock at once, so
    retries, polling and timeouts are instant and deterministic. Against a real server (the
    emulator) pass `simulated_time=False`.
    """

    def __init__(self, kind: str, *, simulated_time: bool = True, **client_kwargs: Any) -> None:
        self.kind = kind
        self.simulated_time = simulated_time
        self.clock = SimulatedClock()
        self.client_kwargs: dict[str, Any] = {
            "endpoint": ENDPOINT,
            "api_key": API_KEY,
            "api_secret": API_SECRET,
            "max_retries": 0,
            **({"clock": self.clock} if simulated_time else {}),
            **client_kwargs,
        }

    def __repr__(self) -> str:
        return f"Twin({self.kind})"

    @property
    def sleeps(self) -> list[float]:
        return self.clock.sleeps

    def _sync(self) -> BoltClient:
        return BoltClient(**self.client_kwargs)

    def _async(self) -> AsyncBoltClient:
        return AsyncBoltClient(**self.client_kwargs)

    def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.call_on(lambda client: client, method, *args, **kwargs)

    def call_on(self, derive: Callable[[Any], Any], method: str, *args: Any, **kwargs: Any) -> Any:
        """Calls `method` on `derive(client)`, such as `lambda c: c.with_options(timeout=5)`."""
        if self.kind == "sync":
            with self._sync() as client:
                return getattr(derive(client), method)(*args, **kwargs)

        async def run() -> Any:
            async with self._async() as client:
                return await getattr(derive(client), method)(*args, **kwargs)

        return asyncio.run(run())

    def collect(self, method: str, *args: Any, **kwargs: Any) -> list[Any]:
        """Runs an iterator method to the end, inside the client's lifetime."""
        if self.kind == "sync":
            with self._sync() as client:
                return list(getattr(client, method)(*args, **kwargs))

        async def run() -> list[Any]:
            async with self._async() as client:
                return [item async for item in getattr(client, method)(*args, **kwargs)]

        return asyncio.run(run())

    def with_options(self, **client_kwargs: Any) -> Twin:
        kwargs = {k: v for k, v in self.client_kwargs.items() if k != "clock"}
        return Twin(self.kind, simulated_time=self.simulated_time, **{**kwargs, **client_kwargs})


@pytest.fixture(params=["sync", "async"])
def twin(request: pytest.FixtureRequest) -> Iterator[Twin]:
    return Twin(request.param)


def graphql_body(data: Any) -> dict[str, Any]:
    return {"data": data}


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


@pytest.fixture
def script(httpx_mock: Any) -> GraphQLScript:
    return GraphQLScript(httpx_mock)
