"""The tasks: trigger a run, wait for it, retry it from its failure, fetch a JSON artifact.

Each has an async twin (`_async_tasks.py`, written by hand) and a sync one (`_sync_tasks.py`,
written from it by scripts/unasync.py); one name calls the twin that fits where it is called (see
`_dispatch`)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

from prefect import Task, task
from prefect.cache_policies import NO_CACHE

from . import _async_tasks, _sync_tasks
from ._dispatch import BoltTask

__all__ = [
    "get_bolt_run_artifact",
    "retry_bolt_run",
    "trigger_bolt_run",
    "wait_for_bolt_run",
]

P = ParamSpec("P")
R = TypeVar("R")


def _paired(
    sync: Callable[P, R], aio: Callable[P, Coroutine[Any, Any, R]]
) -> BoltTask[Task[P, R], Task[P, Coroutine[Any, Any, R]]]:
    """Both twins as tasks named after their function, under one name. Never cached: a status
    read from a cache is how waits stop seeing a run end."""
    named = task(name=sync.__name__, cache_policy=NO_CACHE)
    return BoltTask(named(sync), named(aio))


trigger_bolt_run = _paired(_sync_tasks.trigger_bolt_run, _async_tasks.trigger_bolt_run)
wait_for_bolt_run = _paired(_sync_tasks.wait_for_bolt_run, _async_tasks.wait_for_bolt_run)
retry_bolt_run = _paired(_sync_tasks.retry_bolt_run, _async_tasks.retry_bolt_run)
get_bolt_run_artifact = _paired(
    _sync_tasks.get_bolt_run_artifact, _async_tasks.get_bolt_run_artifact
)
