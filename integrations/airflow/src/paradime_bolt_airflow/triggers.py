"""`BoltRunTrigger`: waits for a Bolt run in Airflow's triggerer, on `AsyncBoltClient`.

It yields exactly one event, a dict with `status` (success, failed, canceled, skipped, timeout
or error), `run_id`, `state` and `message`; a failed or cancelled run adds the failing
`command`, its `return_code` and `output_tail`. Transient API errors are retried by the client
(queries on connection failures, timeouts, 429, 502, 503 and 504) and never become an event.

`on_kill()` cancels the run: Airflow 3.3+ calls it only when a user kills the deferred task
(mark failed or success, clear), never when the triggerer restarts or hands the trigger to
another triggerer, so a rolling deploy does not cancel runs. `cleanup()` cancels nothing.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from airflow.triggers.base import BaseTrigger, TriggerEvent

from ._common import CANCELED, DEFAULT_CONN_ID, ERROR, FAILED, SKIPPED, SUCCESS, TIMEOUT

if TYPE_CHECKING:
    from paradime_bolt import AsyncBoltClient, RunFailedError

    from .hooks import BoltConnectionSettings

__all__ = ["BoltRunTrigger"]


class BoltRunTrigger(BaseTrigger):
    """Polls run `run_id` every `poll_interval` seconds until it ends or `end_time` (a Unix
    time: the deadline survives a triggerer restart) passes. `cancel_on_kill` cancels the run
    when a user kills the task."""

    def __init__(
        self,
        run_id: int,
        conn_id: str = DEFAULT_CONN_ID,
        *,
        workspace_uid: str | None = None,
        poll_interval: float = 10.0,
        end_time: float | None = None,
        cancel_on_kill: bool = True,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # Airflow's is untyped
        self.run_id = run_id
        self.conn_id = conn_id
        self.workspace_uid = workspace_uid
        self.poll_interval = poll_interval
        self.end_time = end_time
        self.cancel_on_kill = cancel_on_kill

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (
            f"{type(self).__module__}.{type(self).__qualname__}",
            {
                "run_id": self.run_id,
                "conn_id": self.conn_id,
                "workspace_uid": self.workspace_uid,
                "poll_interval": self.poll_interval,
                "end_time": self.end_time,
                "cancel_on_kill": self.cancel_on_kill,
            },
        )

    async def run(self) -> AsyncIterator[TriggerEvent]:
        yield TriggerEvent(await self._wait())  # type: ignore[no-untyped-call]

    async def _wait(self) -> dict[str, Any]:
        from paradime_bolt import BoltError, RunFailedError, RunTimeoutError

        from .hooks import BoltHook

        base = {"run_id": self.run_id}
        settings: BoltConnectionSettings | None = None
        try:
            hook = BoltHook(self.conn_id, workspace_uid=self.workspace_uid)
            settings = await hook.asettings()
            async with hook.get_async_client(settings) as bolt:
                return await self._poll(bolt, base)
        except RunFailedError as exc:
            return _failed(base, exc)
        except RunTimeoutError as exc:
            return {**base, "status": TIMEOUT, "state": exc.state, "message": str(exc)}
        except BoltError as exc:
            return {**base, "status": ERROR, "state": None, "message": str(exc)}
        except Exception as exc:  # noqa: BLE001 - one event, always: it fails the task
            message = f"{type(exc).__name__}: {exc}"
            if settings is not None:
                message = settings.redact(message)
            return {**base, "status": ERROR, "state": None, "message": message}

    async def _poll(self, bolt: AsyncBoltClient, base: dict[str, Any]) -> dict[str, Any]:
        from paradime_bolt import RunState, RunTimeoutError

        remaining = None if self.end_time is None else self.end_time - time.time()
        if remaining is not None and remaining <= 0:
            # Past the deadline already (a triggerer that restarted late): one look, no wait.
            progress = await bolt.bolt_run_progress(self.run_id)
            if not progress.run_state.is_terminal:
                raise RunTimeoutError(self.run_id, 0.0, state=progress.state)
            remaining = None
        status = await bolt.wait_for_run(
            self.run_id,
            timeout=remaining,
            poll_interval=self.poll_interval,
            max_poll_interval=self.poll_interval,
            raise_on_failure=True,
        )
        state = status.run_state
        outcome = SKIPPED if state is RunState.SKIPPED else SUCCESS
        return {**base, "status": outcome, "state": status.state, "message": f"run {state.value}"}

    async def on_kill(self) -> None:
        """The user killed the task: cancel the run (unless it has ended)."""
        if not self.cancel_on_kill:
            return
        from paradime_bolt import OperationFailedError

        from .hooks import BoltHook

        hook = BoltHook(self.conn_id, workspace_uid=self.workspace_uid)
        async with await hook.aget_async_client() as bolt:
            try:
                await bolt.cancel_bolt_run(self.run_id)
            except OperationFailedError:  # it ended meanwhile: nothing to cancel
                self.log.info("Bolt run %s had already ended", self.run_id)
                return
        self.log.info("Cancelled Bolt run %s: the task was killed", self.run_id)


def _failed(base: dict[str, Any], exc: RunFailedError) -> dict[str, Any]:
    from paradime_bolt import RunState

    canceled = RunState.parse(exc.state) is RunState.CANCELED
    return {
        **base,
        "status": CANCELED if canceled else FAILED,
        "state": exc.state,
        "message": str(exc),
        "command": exc.command,
        "command_id": exc.command_id,
        "return_code": exc.return_code,
        "output_tail": exc.output_tail,
    }
