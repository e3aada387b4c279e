"""`BoltRunTrigger`: waits for a Bolt run in Airflow's triggerer, on `AsyncBoltClient`.

It yields exactly one event, a dict with `status` (success, failed, canceled, skipped, timeout,
execution_timeout or error), `run_id`, `state` and `message`; a failed or cancelled run adds
`failure`, the client's `RunFailedError.to_dict()` (the failing command, its return code and
output). The wait is the client's `wait_for_run`: an API that stops answering is waited through
for `outage_tolerance` seconds in a row before it becomes an error event.

`on_kill()` cancels the run: Airflow 3.3+ calls it only when a user kills the deferred task
(mark failed or success, clear), never when the triggerer restarts or hands the trigger to
another triggerer, so a rolling deploy does not cancel runs. `cleanup()` cancels nothing.

The triggers of one triggerer share one client (one connection pool) per connection and event
loop, closed when the last of them is done.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import KW_ONLY, dataclass, fields
from typing import TYPE_CHECKING, Any

from airflow.triggers.base import BaseTrigger, TriggerEvent

from ._common import DEFAULT_CONN_ID, FAILURE, Status, task_wait

if TYPE_CHECKING:
    from paradime_bolt import AsyncBoltClient

    from .hooks import BoltConnectionSettings, BoltHook

__all__ = ["BoltRunTrigger"]


@dataclass(eq=False, repr=False)  # a trigger is an object, not a value; Airflow writes the repr
class BoltRunTrigger(BaseTrigger):
    """Polls run `run_id` every `poll_interval` seconds until it ends.

    Two deadlines, Unix times so that they survive a triggerer restart: `end_time` (the task's
    own `timeout`: a `timeout` event, the run goes on) and `execution_deadline` (the task's
    `execution_timeout`: an `execution_timeout` event, on which the operator cancels the run).
    `outage_tolerance` (seconds; None: the client's default) is how long the API may fail in a
    row before the wait ends in an error event. `cancel_on_kill` cancels the run when a user
    kills the task.

    Its fields are what `serialize()` hands Airflow to build it again in the triggerer, so the
    two cannot drift apart."""

    run_id: int
    conn_id: str = DEFAULT_CONN_ID
    _: KW_ONLY
    workspace_uid: str | None = None
    poll_interval: float = 10.0
    end_time: float | None = None
    execution_deadline: float | None = None
    cancel_on_kill: bool = True
    outage_tolerance: float | None = None

    def __post_init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # Airflow's is untyped

    def serialize(self) -> tuple[str, dict[str, Any]]:
        path = f"{type(self).__module__}.{type(self).__qualname__}"
        return path, {field.name: getattr(self, field.name) for field in fields(self)}

    def _hook(self) -> BoltHook:
        from .hooks import BoltHook

        return BoltHook(self.conn_id, workspace_uid=self.workspace_uid)

    async def run(self) -> AsyncIterator[TriggerEvent]:
        yield TriggerEvent(await self._wait())  # type: ignore[no-untyped-call]

    async def _wait(self) -> dict[str, Any]:
        from paradime_bolt import BoltError, RunFailedError, RunState, RunTimeoutError

        base = {"run_id": self.run_id}
        settings: BoltConnectionSettings | None = None
        try:
            hook = self._hook()
            settings = await hook.asettings()
            async with shared_client(hook, settings) as bolt:
                return await self._poll(bolt, base)
        except RunFailedError as exc:
            canceled = RunState.parse(exc.state) is RunState.CANCELED
            status = Status.CANCELED if canceled else Status.FAILED
            message = str(exc)
            return {
                **base,
                "status": status,
                "state": exc.state,
                "message": message,
                FAILURE: exc.to_dict(),
            }
        except RunTimeoutError as exc:
            if self._execution_deadline_first():
                message = (
                    f"the task's execution_timeout passed while run {self.run_id} was {exc.state}"
                )
                return {
                    **base,
                    "status": Status.EXECUTION_TIMEOUT,
                    "state": exc.state,
                    "message": message,
                }
            return {**base, "status": Status.TIMEOUT, "state": exc.state, "message": str(exc)}
        except BoltError as exc:
            return {**base, "status": Status.ERROR, "state": None, "message": str(exc)}
        except Exception as exc:  # noqa: BLE001 - one event, always: it fails the task
            message = f"{type(exc).__name__}: {exc}"
            if settings is not None:
                message = settings.redact(message)
            return {**base, "status": Status.ERROR, "state": None, "message": message}

    def _deadline(self) -> float | None:
        deadlines = [d for d in (self.end_time, self.execution_deadline) if d is not None]
        return min(deadlines) if deadlines else None

    def _execution_deadline_first(self) -> bool:
        return self.execution_deadline is not None and self.execution_deadline == self._deadline()

    async def _poll(self, bolt: AsyncBoltClient, base: dict[str, Any]) -> dict[str, Any]:
        from paradime_bolt import RunState, RunTimeoutError

        deadline = self._deadline()
        remaining = None if deadline is None else deadline - time.time()
        if remaining is not None and remaining <= 0:
            # Past the deadline already (a triggerer that restarted late): one look, no wait.
            progress = await bolt.bolt_run_progress(self.run_id)
            if not progress.run_state.is_terminal:
                raise RunTimeoutError(self.run_id, 0.0, state=progress.state)
            remaining = None
        status = await bolt.wait_for_run(
            self.run_id,
            **task_wait(
                self.log,
                self.run_id,
                timeout=remaining,
                poll_interval=self.poll_interval,
                outage_tolerance=self.outage_tolerance,
            ),
        )
        state = status.run_state
        outcome = Status.SKIPPED if state is RunState.SKIPPED else Status.SUCCESS
        return {**base, "status": outcome, "state": status.state, "message": f"run {state.value}"}

    async def on_kill(self) -> None:
        """The user killed the task: cancel the run (unless it has ended)."""
        if not self.cancel_on_kill:
            return
        from paradime_bolt import OperationFailedError

        hook = self._hook()
        async with shared_client(hook, await hook.asettings()) as bolt:
            try:
                await bolt.cancel_bolt_run(self.run_id)
            except OperationFailedError:  # it ended meanwhile: nothing to cancel
                self.log.info("Bolt run %s had already ended", self.run_id)
                return
        self.log.info("Cancelled Bolt run %s: the task was killed", self.run_id)


class _Shared:
    def __init__(self, client: AsyncBoltClient) -> None:
        self.client = client
        self.users = 0


# Per event loop (a client's pool belongs to the loop it first ran on), per connection.
_CLIENTS: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, dict[tuple[BoltConnectionSettings, int | None], _Shared]
] = weakref.WeakKeyDictionary()


@asynccontextmanager
async def shared_client(
    hook: BoltHook, settings: BoltConnectionSettings
) -> AsyncIterator[AsyncBoltClient]:
    """The event loop's client for these connection settings, made on first use and closed when
    its last user is done. A connection edited meanwhile has other settings, so a new client."""
    clients = _CLIENTS.setdefault(asyncio.get_running_loop(), {})
    key = (settings, hook.max_retries)
    shared = clients.get(key)
    if shared is None:  # no await between the look and the insert: no two clients for one key
        shared = clients[key] = _Shared(hook.get_async_client(settings))
    shared.users += 1
    try:
        yield shared.client
    finally:
        shared.users -= 1
        if shared.users == 0:
            if clients.get(key) is shared:
                del clients[key]
            # A triggerer stopping cancels the trigger: the pool is closed all the same.
            await asyncio.shield(shared.client.aclose())
