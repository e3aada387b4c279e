"""The tasks: trigger a run, wait for it, retry it from its failure, fetch a JSON artifact.

Each has an async twin (`_async_tasks.py`, written by hand) and a sync one (`_sync_tasks.py`,
written from it by scripts/unasync.py); one name calls the twin that fits where it is called (see
`_dispatch`)."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from . import _async_tasks, _sync_tasks
from ._dispatch import BoltTask

__all__ = [
    "get_bolt_run_artifact",
    "retry_bolt_run",
    "trigger_bolt_run",
    "wait_for_bolt_run",
]

# Never cached: a status read from a cache is how waits stop seeing a run end.
trigger_bolt_run = BoltTask(
    task(name="trigger_bolt_run", cache_policy=NO_CACHE)(_sync_tasks.trigger_bolt_run),
    task(name="trigger_bolt_run", cache_policy=NO_CACHE)(_async_tasks.trigger_bolt_run),
)
wait_for_bolt_run = BoltTask(
    task(name="wait_for_bolt_run", cache_policy=NO_CACHE)(_sync_tasks.wait_for_bolt_run),
    task(name="wait_for_bolt_run", cache_policy=NO_CACHE)(_async_tasks.wait_for_bolt_run),
)
retry_bolt_run = BoltTask(
    task(name="retry_bolt_run", cache_policy=NO_CACHE)(_sync_tasks.retry_bolt_run),
    task(name="retry_bolt_run", cache_policy=NO_CACHE)(_async_tasks.retry_bolt_run),
)
get_bolt_run_artifact = BoltTask(
    task(name="get_bolt_run_artifact", cache_policy=NO_CACHE)(_sync_tasks.get_bolt_run_artifact),
    task(name="get_bolt_run_artifact", cache_policy=NO_CACHE)(_async_tasks.get_bolt_run_artifact),
)
