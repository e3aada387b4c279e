"""`BoltRunSensor`: waits for a Bolt run started elsewhere (another task, a schedule, a CI job).

Poke, reschedule and deferrable modes. SUCCESS ends it; ERROR, FAILED and CANCELED fail it
after the log shows the failing command; SKIPPED skips it; STARTING, RUNNING and any state the
client does not know yet keep it waiting (Paradime's sensor fails on STARTING). An API that does
not answer (no connection, 429, 5xx) is a poke that waits on, for up to `outage_tolerance`
seconds in a row. It never cancels the run, not even at its execution_timeout: it did not
start it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any, NoReturn

from airflow.sdk import BaseSensorOperator

from ._common import (
    DEFAULT_CONN_ID,
    Status,
    default_deferrable,
    event_failure,
    execution_deadline,
    log_failure,
    optional_seconds,
    run_id_argument,
    waiting,
)

if TYPE_CHECKING:
    from airflow.sdk import Context

    from paradime_bolt import BoltClient, RunProgress

__all__ = ["BoltRunSensor"]


class BoltRunSensor(BaseSensorOperator):
    """Waits for Bolt run `run_id` (templated; a rendered XCom string is fine) to end.

    `mode="reschedule"` frees the worker between pokes; `deferrable=True` (default
    `[operators] default_deferrable`) waits in the triggerer, polling every `poke_interval`
    seconds until `timeout` (or the task's execution_timeout), logging the run's progress.
    `outage_tolerance`: seconds the API may fail in a row before the sensor fails (default the
    client's, 600). Returns the run id."""

    template_fields: Sequence[str] = ("run_id", "workspace_uid")

    def __init__(
        self,
        *,
        run_id: int | str,
        conn_id: str = DEFAULT_CONN_ID,
        workspace_uid: str | None = None,
        deferrable: bool | None = None,
        outage_tolerance: float | timedelta | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.run_id = run_id
        self.conn_id = conn_id
        self.workspace_uid = workspace_uid
        self.outage_tolerance = optional_seconds("outage_tolerance", outage_tolerance)
        self._outage_since: float | None = None
        self.deferrable = default_deferrable() if deferrable is None else deferrable

    def execute(self, context: Context) -> int:
        run_id = run_id_argument(self.run_id)
        if self.deferrable:
            self._defer(run_id, context)
        super().execute(context)
        return run_id

    def get_openlineage_facets_on_complete(self, task_instance: Any) -> Any:
        """Emits the watched run's OpenLineage events, this task as their parent (the
        connection names the warehouse: see `paradime_bolt_airflow.lineage`)."""
        from .lineage import emit_run_lineage

        return emit_run_lineage(self, task_instance, run_id_argument(self.run_id))

    def get_openlineage_facets_on_failure(self, task_instance: Any) -> Any:
        """As on complete: the failed run's events."""
        from .lineage import emit_run_lineage

        return emit_run_lineage(self, task_instance, run_id_argument(self.run_id))

    def _defer(self, run_id: int, context: Context) -> NoReturn:
        from .triggers import BoltRunTrigger

        self.defer(
            trigger=BoltRunTrigger(
                run_id,
                self.conn_id,
                workspace_uid=self.workspace_uid,
                poll_interval=self.poke_interval,
                end_time=time.time() + self.timeout,
                execution_deadline=execution_deadline(self.execution_timeout, context["ti"]),
                cancel_on_kill=False,
                outage_tolerance=self.outage_tolerance,
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
            progress = self._progress(bolt, run_id)
            if progress is None:
                return False  # the API did not answer: poke again
            state = progress.run_state
            self.log.info("Bolt run %s is %s", run_id, state.value)
            if state is RunState.SUCCESS:
                return True
            if state is RunState.SKIPPED:
                raise AirflowSkipException(f"Bolt run {run_id} was skipped")
            if not state.is_failure:
                return False  # STARTING, RUNNING, or a state this client does not know yet
            try:  # ended: the failing command
                bolt.wait_for_run(run_id, raise_on_failure=True, **waiting(self.outage_tolerance))
            except RunFailedError as exc:
                log_failure(self.log, exc)
                raise
        return True  # pragma: no cover - it ended in failure, so wait_for_run raised

    def _progress(self, bolt: BoltClient, run_id: int) -> RunProgress | None:
        """The run's progress, or None while the API does not answer (no connection, 429, 5xx)
        for less than `outage_tolerance` seconds in a row (counted across pokes in poke mode)."""
        from paradime_bolt import (
            DEFAULT_OUTAGE_TOLERANCE,
            RateLimitError,
            ServerError,
            TransportError,
        )

        try:
            progress = bolt.bolt_run_progress(run_id)
        except (TransportError, RateLimitError, ServerError) as exc:
            now = time.monotonic()
            since = self._outage_since = self._outage_since or now
            tolerance = (
                DEFAULT_OUTAGE_TOLERANCE if self.outage_tolerance is None else self.outage_tolerance
            )
            if now - since >= tolerance:
                raise
            self.log.warning("The Bolt API did not answer (%s): poking again", exc)
            return None
        if self._outage_since is not None:
            self.log.info("The Bolt API answers again")
            self._outage_since = None
        return progress

    def execute_complete(self, context: Context, event: dict[str, Any]) -> int:
        from airflow.sdk.exceptions import (
            AirflowException,
            AirflowSensorTimeout,
            AirflowSkipException,
            AirflowTaskTimeout,
        )

        run_id = int(event["run_id"])
        status = event.get("status")
        if status == Status.SUCCESS:
            return run_id
        if status == Status.SKIPPED:
            raise AirflowSkipException(f"Bolt run {run_id} was skipped")
        if status in (Status.FAILED, Status.CANCELED):
            error = event_failure(event)
            log_failure(self.log, error)
            raise error
        if status == Status.EXECUTION_TIMEOUT:
            raise AirflowTaskTimeout(
                f"execution_timeout ({self.execution_timeout}) passed while waiting for Bolt "
                f"run {run_id} ({event.get('state')}); the run goes on (this sensor did not "
                "start it)"
            )
        if status == Status.TIMEOUT:
            raise AirflowSensorTimeout(
                f"Bolt run {run_id} did not end in time: {event.get('message')}"
            )
        if status == Status.ERROR:
            raise AirflowException(f"waiting for Bolt run {run_id} failed: {event.get('message')}")
        raise AirflowException(f"unexpected event from the Bolt trigger: {event!r}")
