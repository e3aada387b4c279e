"""`on_progress=` on both twins: the async client awaits what a callback returns when it is
awaitable (an `async def` works); the sync client refuses one it cannot await instead of
dropping it with a "never awaited" warning."""

from __future__ import annotations

import asyncio
import sys
import typing
import warnings
from collections.abc import Awaitable, Coroutine, Generator
from typing import Any

import pytest
from pytest_httpx import HTTPXMock

import paradime_bolt._waiting
from paradime_bolt import AsyncBoltClient, BoltClient, InvalidArgumentError
from paradime_bolt.models import RunProgress
from tests.support import payloads as p
from tests.support.fake_api import GraphQLScript
from tests.support.twins import Twin

FAST = {"poll_interval": 0.001, "max_poll_interval": 0.002}
STATES = ["STARTING", "RUNNING", "SUCCESS"]


def script_a_run(script: GraphQLScript) -> None:
    script.on("TriggerBoltRun", {"data": {"triggerBoltRun": {"runId": 7}}})
    script.on("BoltRunProgress", *(p.progress(s) for s in STATES))
    script.on("BoltRunStatus", p.status("SUCCESS"))


class Seen:
    """Records each polled state, from a plain or an async callback."""

    def __init__(self) -> None:
        self.states: list[str | None] = []

    def plain(self, p: RunProgress) -> None:
        self.states.append(p.state)

    async def coroutine(self, p: RunProgress) -> None:
        await asyncio.sleep(0)
        self.states.append(p.state)

    def future(self, p: RunProgress) -> Awaitable[None]:
        """A plain function that returns an awaitable that is not a coroutine."""
        return Later(lambda: self.states.append(p.state))


class Later:
    def __init__(self, action: Any) -> None:
        self.action = action

    def __await__(self) -> Generator[Any, None, None]:
        yield from asyncio.sleep(0).__await__()
        self.action()


@pytest.mark.parametrize("method", ["wait_for_run", "trigger_and_wait"])
@pytest.mark.parametrize("kind", ["plain", "coroutine", "future"])
def test_the_async_client_awaits_what_the_callback_returns(
    kind: str, method: str, script: GraphQLScript
) -> None:
    script_a_run(script)
    seen = Seen()
    first: Any = 7 if method == "wait_for_run" else "daily run"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a "never awaited" RuntimeWarning fails the test
        Twin("async").call(method, first, on_progress=getattr(seen, kind), **FAST)
    assert seen.states == STATES


@pytest.mark.parametrize("method", ["wait_for_run", "trigger_and_wait"])
def test_the_sync_client_refuses_an_async_callback_before_any_request(
    method: str, httpx_mock: HTTPXMock
) -> None:
    first: Any = 7 if method == "wait_for_run" else "daily run"
    with pytest.raises(InvalidArgumentError, match="BoltClient cannot await"):
        Twin("sync").call(method, first, on_progress=Seen().coroutine, **FAST)
    assert httpx_mock.get_requests() == [], "no run is started"


def test_the_sync_client_refuses_an_awaitable_it_is_handed(script: GraphQLScript) -> None:
    script_a_run(script)
    handed: list[Coroutine[Any, Any, None]] = []
    seen = Seen()

    def returns_a_coroutine(p: RunProgress) -> Coroutine[Any, Any, None]:
        handed.append(seen.coroutine(p))
        return handed[-1]

    with pytest.raises(InvalidArgumentError, match="on_progress returned an awaitable"):
        Twin("sync").call("wait_for_run", 7, on_progress=returns_a_coroutine, **FAST)
    assert handed[0].cr_frame is None, "closed, so no 'never awaited' warning"
    assert seen.states == []


def test_the_sync_client_still_calls_a_plain_callback(twin: Twin, script: GraphQLScript) -> None:
    script_a_run(script)
    seen = Seen()
    twin.call("wait_for_run", 7, on_progress=seen.plain, **FAST)
    assert seen.states == STATES


@pytest.mark.parametrize("method", ["wait_for_run", "trigger_and_wait"])
def test_a_callback_must_be_callable(method: str, twin: Twin, httpx_mock: HTTPXMock) -> None:
    first: Any = 7 if method == "wait_for_run" else "daily run"
    with pytest.raises(InvalidArgumentError, match="on_progress must be callable"):
        twin.call(method, first, on_progress="print", **FAST)
    assert httpx_mock.get_requests() == []


def on_progress_hint(cls: type[Any]) -> Any:
    """The resolved type of `wait_for_run`'s on_progress (that one alone: the per-request
    options' `Timeout` is a string alias that get_type_hints cannot combine with `| NotGiven`)."""

    def probe() -> None: ...

    probe.__annotations__ = {"on_progress": cls.wait_for_run.__annotations__["on_progress"]}
    namespace = {**vars(sys.modules[cls.__module__]), **vars(paradime_bolt._waiting)}
    return typing.get_type_hints(probe, namespace)["on_progress"]


def test_the_types_say_which_callbacks_each_twin_takes() -> None:
    hints = {cls: on_progress_hint(cls) for cls in (BoltClient, AsyncBoltClient)}
    sync_returns = typing.get_args(typing.get_args(hints[BoltClient])[0])[1]
    async_returns = typing.get_args(typing.get_args(hints[AsyncBoltClient])[0])[1]
    assert sync_returns is object
    assert Awaitable[object] in typing.get_args(async_returns)
