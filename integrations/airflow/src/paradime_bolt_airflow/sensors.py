"""`BoltRunSensor`: waits for a Bolt run started elsewhere (another task, a schedule, a CI job).

Poke, reschedule and deferrable modes. SUCCESS ends it; ERROR, FAILED and CANCELED fail it
after the log shows the failing command; SKIPPED skips it; STARTING, RUNNING and any state the
client does not know yet keep it waiting (Paradime's sensor fails on STARTING). It never
cancels the run: it did not start it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from airflow.sdk import BaseSensorOperator

from ._common import (
    CANCELED,
    DEFAULT_CONN_ID,
    ERROR,
    FAILED,
    SKIPPED,
    SUCCESS,
    TIMEOUT,
    failure_lines,
    run_id_argument,
)

try:
    from airflow.sdk import conf
except ImportError:  # pragma: no cover - Airflow 3.0
    from airflow.configuration import conf  # type: ignore[assignment,no-redef,unused-ignore]

if TYPE_CHECKING:
    from airflow.sdk import Context

    from paradime_bolt import RunFailedError

__all__ = ["BoltRunSensor"]


class BoltRunSensor(BaseSensorOperator):
    """Waits for Bolt run `run_id` (templated; a rendered XCom string is fine) to end.

    `mode="reschedule"` frees the worker between pokes; `deferrable=True` (default
    `[operators] default_deferrable`) waits in the triggerer, polling every `poke_interval`
    seconds until `timeout`. Returns the run id."""

    template_fields: Sequence[str] = ("run_id", "workspace_uid")

    def __init__(
        self,
        *,
        run_id: int | str,
        conn_id: str = DEFAULT_CONN_ID,
        workspace_uid: str | None = None,
        deferrable: bool | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.run_id = run_id
        self.conn_id = conn_id
        self.workspace_uid = workspace_uid
        self.deferrable = (
            conf.getboolean("operators", "default_deferrable", fallback=False)
            if deferrable is None
            else deferrable
        )

    def execute(self, context: Context) -> int:
        run_id = run_id_argument(self.run_id)
        if self.deferrable:
            self._defer(run_id)
        super().execute(context)
        return run_id

    def _defer(self, run_id: int) -> NoReturn:
        from .triggers import BoltRunTrigger

        self.defer(
            trigger=BoltRunTrigger(
                run_id,
                self.conn_id,
                workspace_uid=self.workspace_uid,
                poll_interval=self.poke_interval,
                end_time=time.time() + self.timeout,
                cancel_on_kill=False,
            ),
            method_name="execute_complete",
        )
        raise AssertionError("defer() raises")  # pragma: no cover

    def poke(self, context: Context) -> bool:
        from airflow.sdk.exceptions import AirflowSkipException

        from paradime_bolt import RunFailedError, RunState

        from .hooks import BoltHook

        run_id = run_id_argument(self.run_id)
        with BoltHook(self.conn_id, workspace_uid=self.workspace_uid).get_client() as bolt:
            state = bolt.bolt_run_progress(run_id).run_state
            self.log.info("Bolt run %s is %s", run_id, state.value)
            if state is RunState.SUCCESS:
                return True
            if state is RunState.SKIPPED:
                raise AirflowSkipException(f"Bolt run {run_id} was skipped")
            if not state.is_failure:
                return False  # STARTING, RUNNING, or a state this client does not know yet
            try:
                bolt.wait_for_run(run_id, raise_on_failure=True)  # ended: the failing command
            except RunFailedError as exc:
                self._log_failure(exc)
                raise
        return True  # pragma: no cover - it ended in failure, so wait_for_run raised

    def execute_complete(self, context: Context, event: dict[str, Any]) -> int:
        from airflow.sdk.exceptions import (
            AirflowException,
            AirflowSensorTimeout,
            AirflowSkipException,
        )

        from paradime_bolt import RunFailedError

        run_id = int(event["run_id"])
        status = event.get("status")
        if status == SUCCESS:
            return run_id
        if status == SKIPPED:
            raise AirflowSkipException(f"Bolt run {run_id} was skipped")
        if status in (FAILED, CANCELED):
            for line in failure_lines(event):
                self.log.error("%s", line)
            raise RunFailedError(
                run_id,
                state=event.get("state"),
                command=event.get("command"),
                command_id=event.get("command_id"),
                return_code=event.get("return_code"),
                stderr_tail=event.get("output_tail") or "",
            )
        if status == TIMEOUT:
            raise AirflowSensorTimeout(
                f"Bolt run {run_id} did not end in time: {event.get('message')}"
            )
        if status == ERROR:
            raise AirflowException(f"waiting for Bolt run {run_id} failed: {event.get('message')}")
        raise AirflowException(f"unexpected event from the Bolt trigger: {event!r}")

    def _log_failure(self, exc: RunFailedError) -> None:
        event = {
            "run_id": exc.run_id,
            "state": exc.state,
            "command": exc.command,
            "return_code": exc.return_code,
            "output_tail": exc.output_tail,
        }
        for line in failure_lines(event):
            self.log.error("%s", line)
