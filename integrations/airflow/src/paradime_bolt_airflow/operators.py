"""`BoltRunOperator` starts a Bolt run and waits for it; `BoltArtifactOperator` downloads one of
its artifacts.

Importing this module (what a DAG file does, every time Airflow parses it) loads Airflow's task
SDK and this package's `_common` only: the client, httpx, pydantic and the generated models
load when a task runs.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from airflow.sdk import BaseOperator

from ._common import (
    DEFAULT_CONN_ID,
    STATE_RUN_ID,
    XCOM_RUN_ID,
    XCOM_RUN_URL,
    Status,
    default_deferrable,
    event_failure,
    execution_deadline,
    log_failure,
    optional_seconds,
    run_id_argument,
    seconds,
    task_wait,
    waiting,
)
from .links import BoltRunLink

if TYPE_CHECKING:
    from airflow.sdk import Context

    from paradime_bolt import BoltClient, RunFailedError, RunState

    from .hooks import BoltConnectionSettings, BoltHook

__all__ = ["BoltArtifactOperator", "BoltRunOperator"]

DEFAULT_TIMEOUT = 7 * 24 * 3600.0  # as dbt Cloud's provider: a week
# How long a new try waits for its previous try's run to end (a clear cancels it, from the
# triggerer, maybe a little after the new try starts) before it triggers its own.
PREVIOUS_RUN_WAIT = 120.0
# A deferral's own timeout, past the execution deadline the trigger checks: Airflow ends the
# deferral even when no triggerer runs the trigger, and resume_execution cancels the run.
DEFERRAL_GRACE = 120.0


class BoltRunOperator(BaseOperator):
    """Triggers a run of a Bolt schedule (`schedule_name` or `slug`) and, by default, waits for
    it; returns the run id and pushes the XComs `run_id` and `run_url`.

    - `commands`, `branch`: replace the schedule's for this run only; `reason` is recorded by
      Bolt. All templated, with `schedule_name`, `slug` and `workspace_uid`.
    - `deferrable` (default `[operators] default_deferrable`): wait in the triggerer, not on a
      worker. Without it the worker polls with the client's `wait_for_run`.
    - `poll_interval`: seconds between polls. `timeout`: stop waiting (the run goes on) and
      fail. The task's `execution_timeout` (deferred too), or killing the task, cancels the
      run it started (`cancel_on_kill=True`) and fails the task.
    - `outage_tolerance`: seconds the Bolt API may fail in a row (no connection, 429, 5xx)
      before the wait gives up; default the client's (600). The run is unaffected.
    - `raise_on_failure`: a run that ends ERROR, FAILED or CANCELED fails the task, after the
      log shows the failing command, its return code and the tail of its output. A SKIPPED
      run skips the task.
    - `reuse_existing_run`: when the schedule already has a run going, wait for that one (it is
      not the task's: never cancelled, never retried).
    - A new try (a retry, or a clear) first waits, up to two minutes, for the run of its previous
      try to end (a clear cancels it), then starts its own.
    - `retry_from_failure`: on the task's own retry, re-run from its failed command the run this
      task started in its previous try (never another run of the schedule). Needs Airflow 3.3's
      task state store; without it a retry starts a new run, with a warning.
    - Lineage (`pip install 'airflow-provider-paradime-bolt[openlineage]'`): the OpenLineage
      provider emits the run's events, this task as their parent; the connection's extra
      `openlineage_namespace` (or `openlineage_profiles_dir`) names the warehouse.
      `openlineage_inject_parent_job_info=True` appends the task's parent ids to `reason`.
    """

    template_fields: Sequence[str] = (
        "schedule_name",
        "slug",
        "commands",
        "branch",
        "reason",
        "workspace_uid",
    )
    template_fields_renderers = {"commands": "json"}
    operator_extra_links = (BoltRunLink(),)
    ui_color = "#e8e4fb"

    def __init__(
        self,
        *,
        schedule_name: str | None = None,
        slug: str | None = None,
        commands: Sequence[str] | None = None,
        branch: str | None = None,
        reason: str | None = None,
        workspace_uid: str | None = None,
        conn_id: str = DEFAULT_CONN_ID,
        wait_for_completion: bool = True,
        deferrable: bool | None = None,
        poll_interval: float | timedelta = 10.0,
        timeout: float | timedelta | None = DEFAULT_TIMEOUT,
        raise_on_failure: bool = True,
        reuse_existing_run: bool = False,
        retry_from_failure: bool = False,
        cancel_on_kill: bool = True,
        outage_tolerance: float | timedelta | None = None,
        openlineage_inject_parent_job_info: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if (schedule_name is None) == (slug is None):
            raise ValueError("give exactly one of schedule_name= and slug=")
        if isinstance(commands, str):
            raise ValueError("commands= must be a list of commands, not one string")
        self.schedule_name = schedule_name
        self.slug = slug
        self.commands = None if commands is None else list(commands)
        self.branch = branch
        self.reason = reason
        self.workspace_uid = workspace_uid
        self.conn_id = conn_id
        self.wait_for_completion = wait_for_completion
        self.deferrable = default_deferrable() if deferrable is None else deferrable
        self.poll_interval = seconds("poll_interval", poll_interval)
        self.timeout = None if timeout is None else seconds("timeout", timeout)
        self.raise_on_failure = raise_on_failure
        self.reuse_existing_run = reuse_existing_run
        self.retry_from_failure = retry_from_failure
        self.cancel_on_kill = cancel_on_kill
        self.outage_tolerance = optional_seconds("outage_tolerance", outage_tolerance)
        self.openlineage_inject_parent_job_info = openlineage_inject_parent_job_info
        self.bolt_run_id: int | None = None
        self.owns_run = False  # the run is this task's (not one it attached to)

    def _hook(self) -> BoltHook:
        from .hooks import BoltHook

        return BoltHook(self.conn_id, workspace_uid=self.workspace_uid)

    # -- running ----------------------------------------------------------------------------------

    def execute(self, context: Context) -> int:
        from paradime_bolt import RunFailedError

        hook = self._hook()
        settings = hook.settings()
        if self.openlineage_inject_parent_job_info:
            from .lineage import reason_with_parent

            self.reason = reason_with_parent(self.reason, context["ti"])
        with hook.get_client(settings) as bolt:
            run_id, self.owns_run = self._start(bolt, context)
            self._record(run_id, hook, settings, context)
            if not self.wait_for_completion:
                return run_id
            if self.deferrable:
                self._defer(run_id, context)
            try:
                status = bolt.wait_for_run(
                    run_id,
                    **task_wait(
                        self.log,
                        run_id,
                        timeout=self.timeout,
                        poll_interval=self.poll_interval,
                        outage_tolerance=self.outage_tolerance,
                    ),
                )
            except RunFailedError as exc:
                return self._failed(exc)
        return self._ended(run_id, status.state)

    def _defer(self, run_id: int, context: Context) -> NoReturn:
        from .triggers import BoltRunTrigger

        end_time = None if self.timeout is None else time.time() + self.timeout
        deadline = execution_deadline(self.execution_timeout, context["ti"])
        # Airflow's task runner leaves execution_timeout unapplied while a task is deferred:
        # the trigger checks the deadline itself; the deferral's timeout is a backstop.
        backstop = (
            None
            if deadline is None
            else timedelta(seconds=max(deadline - time.time(), 0) + DEFERRAL_GRACE)
        )
        self.defer(
            trigger=BoltRunTrigger(
                run_id,
                self.conn_id,
                workspace_uid=self.workspace_uid,
                poll_interval=self.poll_interval,
                end_time=end_time,
                execution_deadline=deadline,
                cancel_on_kill=self.cancel_on_kill and self.owns_run,
                outage_tolerance=self.outage_tolerance,
            ),
            method_name="execute_complete",
            timeout=backstop,
        )
        raise AssertionError("defer() raises")  # pragma: no cover

    def execute_complete(self, context: Context, event: dict[str, Any]) -> int:
        """Where a deferred task resumes: the trigger's one event decides."""
        from paradime_bolt import RunTimeoutError

        run_id = int(event["run_id"])
        self.bolt_run_id = run_id
        status = event.get("status")
        if status in (Status.SUCCESS, Status.SKIPPED):
            return self._ended(run_id, event.get("state"))
        if status in (Status.FAILED, Status.CANCELED):
            return self._failed(event_failure(event))
        if status == Status.EXECUTION_TIMEOUT:
            self._timed_out(run_id, context, event.get("state"))
        if status == Status.TIMEOUT:
            raise RunTimeoutError(run_id, self.timeout or 0.0, state=event.get("state"))
        if status == Status.ERROR:
            raise _task_error(f"waiting for Bolt run {run_id} failed: {event.get('message')}")
        raise _task_error(f"unexpected event from the Bolt trigger: {event!r}")

    def _timed_out(self, run_id: int, context: Context, state: str | None) -> NoReturn:
        """The execution_timeout passed while deferred: cancel the run (if it is the task's),
        then fail the task as Airflow fails one that timed out."""
        from airflow.sdk.exceptions import AirflowTaskTimeout

        if self.cancel_on_kill and self._owned(run_id, context):
            self._cancel(run_id, "the task's execution_timeout passed while it was deferred")
        raise AirflowTaskTimeout(
            f"execution_timeout ({self.execution_timeout}) passed while waiting for Bolt run "
            f"{run_id} ({state})"
        )

    def _owned(self, run_id: int, context: Context) -> bool:
        """Whether `run_id` is the run this task started (kept in the task state store), not
        one it attached to. Without a store (Airflow < 3.3), the run in its XCom counts."""
        store = context.get("task_state_store")
        return store is None or store.get(STATE_RUN_ID) == run_id

    def _start(self, bolt: BoltClient, context: Context) -> tuple[int, bool]:
        """The run to wait for, and whether it is the task's own: the previous try's retried
        (retry_from_failure), a new one, or the one already going (reuse_existing_run)."""
        previous = self._previous_run(context)
        if previous is not None:
            state = self._await_previous(bolt, previous)
            if self.retry_from_failure:
                return self._retry_previous(bolt, previous, state), True
        elif self.retry_from_failure and context["ti"].try_number > 1:
            why = (
                "this Airflow has no task state store (3.3+)"
                if context.get("task_state_store") is None
                else "the previous try started no run"
            )
            self.log.warning("retry_from_failure: %s, so this try starts a new run", why)
        return self._trigger(bolt)

    def _previous_run(self, context: Context) -> int | None:
        """The run an earlier try of this task instance started (retries and clears keep the
        task state store; a first try has none)."""
        if context["ti"].try_number <= 1:
            return None
        store = context.get("task_state_store")
        previous = store.get(STATE_RUN_ID) if store is not None else None
        return previous if isinstance(previous, int) else None

    def _await_previous(self, bolt: BoltClient, previous: int) -> RunState | None:
        """Waits (bounded) for the previous try's run to end: a clear cancels it from the
        triggerer, maybe after this try has started. Its state, or None if unreadable."""
        from paradime_bolt import BoltError, RunState, RunTimeoutError

        try:
            state = bolt.bolt_run_progress(previous).run_state
            if state.is_terminal:
                return state
            self.log.info(
                "Bolt run %s of the previous try is %s: waiting up to %.0f s for it to end",
                previous,
                state.value,
                PREVIOUS_RUN_WAIT,
            )
            return bolt.wait_for_run(
                previous,
                timeout=PREVIOUS_RUN_WAIT,
                poll_interval=1.0,
                max_poll_interval=5.0,
                **waiting(self.outage_tolerance),
            ).run_state
        except RunTimeoutError as exc:
            self.log.warning(
                "Bolt run %s of the previous try is still %s after %.0f s",
                previous,
                exc.state,
                PREVIOUS_RUN_WAIT,
            )
            return RunState.parse(exc.state)
        except BoltError as exc:
            self.log.warning("Could not read Bolt run %s of the previous try: %s", previous, exc)
            return None

    def _retry_previous(self, bolt: BoltClient, previous: int, state: RunState | None) -> int:
        if state is None or not state.is_terminal:
            self.log.info("Waiting for Bolt run %s of the previous try, still going", previous)
            return previous
        if not state.is_failure:
            self.log.info(
                "Bolt run %s of the previous try ended %s: nothing to retry", previous, state.value
            )
            return previous
        run_id = bolt.retry_bolt_run(previous).run_id
        self.log.info(
            "Retrying Bolt run %s (the previous try's) from its failure: run %s", previous, run_id
        )
        return run_id

    def _trigger(self, bolt: BoltClient) -> tuple[int, bool]:
        from paradime_bolt import AlreadyRunningError

        for attempt in (1, 2):
            try:
                run = bolt.trigger_bolt_run(
                    self.schedule_name,
                    self.commands,
                    self.branch,
                    slug=self.slug,
                    reason=self.reason,
                )
            except AlreadyRunningError:
                if not self.reuse_existing_run:
                    self.log.error(
                        "Schedule %s already has a run going; reuse_existing_run=True waits for it "
                        "instead",
                        self._schedule,
                    )
                    raise
                running = self._running_run(bolt)
                if running is not None:
                    self.log.info(
                        "Schedule %s is already running: attaching to run %s (not this task's: "
                        "it is never cancelled by it)",
                        self._schedule,
                        running,
                    )
                    return running, False
                if attempt == 2:
                    raise
                continue  # it ended in between: trigger again, once
            self.log.info("Triggered Bolt run %s of schedule %s", run.run_id, self._schedule)
            return run.run_id, True
        raise AssertionError("unreachable")  # pragma: no cover

    def _running_run(self, bolt: BoltClient) -> int | None:
        from paradime_bolt import RunState

        page = bolt.list_bolt_runs(self.schedule_name, slug=self.slug, limit=10)
        for run in page.runs or []:  # newest first
            if not RunState.parse(run.state).is_terminal:
                return run.id
        return None

    @property
    def _schedule(self) -> str:
        return repr(self.schedule_name if self.schedule_name is not None else self.slug)

    def _record(
        self, run_id: int, hook: BoltHook, settings: BoltConnectionSettings, context: Context
    ) -> None:
        """Remembers the run: for on_kill, the XComs, the extra link and (the task's own run
        only) a later try."""
        self.bolt_run_id = run_id
        url = hook.run_url(run_id, settings)
        ti = context["ti"]
        ti.xcom_push(key=XCOM_RUN_ID, value=run_id)
        ti.xcom_push(key=XCOM_RUN_URL, value=url)
        store = context.get("task_state_store")
        if store is not None and self.owns_run:
            store.set(STATE_RUN_ID, run_id)
        self.log.info("Bolt run %s: %s", run_id, url)

    def _ended(self, run_id: int, state: str | None) -> int:
        from airflow.sdk.exceptions import AirflowSkipException

        from paradime_bolt import RunState

        if RunState.parse(state) is RunState.SKIPPED:
            raise AirflowSkipException(f"Bolt run {run_id} was skipped")
        self.log.info("Bolt run %s ended %s", run_id, state)
        return run_id

    def _failed(self, error: RunFailedError) -> int:
        log_failure(self.log, error)
        if not self.raise_on_failure:
            self.log.warning("raise_on_failure=False: the task succeeds all the same")
            return error.run_id
        raise error

    # -- stopping ----------------------------------------------------------------------------------

    # -- lineage: the OpenLineage provider calls these when the task ends --------------------

    def get_openlineage_facets_on_complete(self, task_instance: Any) -> Any:
        """Emits the Bolt run's OpenLineage events (its dbt nodes, the run itself), this task as
        their parent; the warehouse is the connection's (see `paradime_bolt_airflow.lineage`)."""
        from .lineage import emit_run_lineage

        return emit_run_lineage(self, task_instance, self.bolt_run_id)

    def get_openlineage_facets_on_failure(self, task_instance: Any) -> Any:
        """As on complete: the failed run's events (FAIL for what failed)."""
        from .lineage import emit_run_lineage

        return emit_run_lineage(self, task_instance, self.bolt_run_id)

    def on_kill(self) -> None:
        """The task was killed or hit its execution_timeout: cancel its run (cancel_on_kill)."""
        if self.cancel_on_kill and self.owns_run and self.bolt_run_id is not None:
            self._cancel(self.bolt_run_id, "the task was killed")

    def resume_execution(
        self, next_method: str, next_kwargs: dict[str, Any] | None, context: Context
    ) -> Any:
        """A deferred task whose execution_timeout passed comes back here to fail: cancel the run
        first. (This operator's own `timeout` is the trigger's, and only stops waiting.)"""
        from airflow.sdk.bases.operator import TRIGGER_FAIL_REPR, TriggerFailureReason

        error = (next_kwargs or {}).get("error")
        if (
            next_method == TRIGGER_FAIL_REPR
            and error == TriggerFailureReason.TRIGGER_TIMEOUT
            and self.cancel_on_kill
        ):
            run_id = context["ti"].xcom_pull(task_ids=self.task_id, key=XCOM_RUN_ID)
            if isinstance(run_id, int) and self._owned(run_id, context):
                self._cancel(run_id, "the task's execution_timeout passed while it was deferred")
        return super().resume_execution(next_method, next_kwargs, context)

    def _cancel(self, run_id: int, why: str) -> None:
        from paradime_bolt import BoltError, OperationFailedError

        try:
            with self._hook().get_client() as bolt:
                bolt.cancel_bolt_run(run_id)
        except OperationFailedError:
            self.log.info("Bolt run %s had already ended", run_id)
        except BoltError as exc:
            self.log.warning("Could not cancel Bolt run %s: %s", run_id, exc)
        else:
            self.log.info("Cancelled Bolt run %s: %s", run_id, why)


class BoltArtifactOperator(BaseOperator):
    """Downloads a run's artifact (`path`, default `target/run_results.json`) into the folder
    `dest` and returns the file's path. For a failed run it is the failing command's copy (the
    state the run failed in); otherwise the latest dbt command's that wrote it. `dest` must be
    absolute: a relative one would land in the worker's working directory."""

    template_fields: Sequence[str] = ("run_id", "path", "dest", "workspace_uid")

    def __init__(
        self,
        *,
        run_id: int | str,
        dest: str | Path,
        path: str = "target/run_results.json",
        conn_id: str = DEFAULT_CONN_ID,
        workspace_uid: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.run_id = run_id
        self.path = path
        self.dest = str(dest)
        self.conn_id = conn_id
        self.workspace_uid = workspace_uid

    def execute(self, context: Context) -> str:
        from paradime_bolt import ArtifactNotFoundError, RunFailedError

        from .hooks import BoltHook

        run_id = run_id_argument(self.run_id)
        folder = Path(self.dest).expanduser()
        if not folder.is_absolute():
            raise ValueError(
                f"dest must be an absolute folder, not {self.dest!r}: a relative one would "
                "land in the worker's working directory"
            )
        with BoltHook(self.conn_id, workspace_uid=self.workspace_uid).get_client() as bolt:
            command_id = None
            if bolt.bolt_run_progress(run_id).run_state.is_failure:
                try:
                    bolt.wait_for_run(run_id, raise_on_failure=True)
                except RunFailedError as exc:
                    command_id = exc.command_id
            try:
                artifact = bolt.find_artifact(run_id, self.path, command_id=command_id)
            except ArtifactNotFoundError:
                if command_id is None:
                    raise
                self.log.info("The failing command wrote no %s: taking the latest", self.path)
                artifact = bolt.find_artifact(run_id, self.path)
            target = folder / Path(self.path).name
            written = bolt.download_resource(artifact.resource_id, target)
        self.log.info(
            "Downloaded %s of run %s (command `%s`, return code %s) to %s",
            self.path,
            run_id,
            artifact.command,
            artifact.return_code,
            written,
        )
        return str(written)


def _task_error(message: str) -> Exception:
    from airflow.sdk.exceptions import AirflowException

    return AirflowException(message)
