"""One name for the sync and the async twin of a task or flow: called in an async flow (or
task, or coroutine) it is the async one, to be awaited; elsewhere the sync one, which returns
the result. As Prefect's own async-dispatching functions decide."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from prefect import Flow, Task
from prefect.context import get_run_context
from prefect.exceptions import MissingContextError

__all__ = ["BoltFlow", "BoltTask", "bolt_flow", "in_async_context"]

S = TypeVar("S", bound="Task[..., Any]")
A = TypeVar("A", bound="Task[..., Any]")


def in_async_context() -> bool:
    """True in an async flow or task, or in a coroutine outside any run."""
    try:
        context = get_run_context()
    except MissingContextError:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return False
        return True
    owner = getattr(context, "task", None) or getattr(context, "flow", None)
    return bool(getattr(owner, "isasync", True))


class BoltTask(Generic[S, A]):
    """A task with a sync twin (`.sync`) and an async one (`.aio`); calling it picks one."""

    def __init__(self, sync: S, aio: A) -> None:
        self.sync = sync
        self.aio = aio
        self.name = sync.name
        self.__doc__ = sync.fn.__doc__

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if in_async_context():
            return self.aio(*args, **kwargs)
        return self.sync(*args, **kwargs)

    def __repr__(self) -> str:
        return f"BoltTask({self.name!r})"


class BoltFlow(Flow[..., Any]):
    """The async flow (what deployments run) with its sync twin, `.sync`, which a call from
    sync code runs instead."""

    sync: Flow[..., Any]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not in_async_context():
            return self.sync(*args, **kwargs)
        return super().__call__(*args, **kwargs)

    def with_options(self, **options: Any) -> BoltFlow:
        """Both twins with the same new options."""
        new = super().with_options(**options)
        new.__class__ = BoltFlow
        assert isinstance(new, BoltFlow)
        new.sync = self.sync.with_options(**options)
        return new


PAIRED_IN = "prefect_paradime_bolt._flows"


def bolt_flow(name: str) -> Callable[[Callable[..., Any]], BoltFlow]:
    """Makes the async function a `BoltFlow`, as `@flow(name=name)` makes a `Flow`; its sync
    twin is set (`.sync`) where the two are paired, `PAIRED_IN`. That module is the flow's home:
    a deployment made from the flow names it as its entrypoint, so loading the entrypoint (even
    as a file) pairs the twins again."""

    def decorate(fn: Callable[..., Any]) -> BoltFlow:
        fn.__module__ = PAIRED_IN
        return BoltFlow(fn, name=name)

    return decorate
