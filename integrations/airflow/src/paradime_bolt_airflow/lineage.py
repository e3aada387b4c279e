"""OpenLineage for the Bolt runs of `BoltRunOperator` and `BoltRunSensor`: the hooks the
OpenLineage provider calls when the task ends, and the parent ids written into a run's reason.

The warehouse the datasets live in comes from the Bolt connection's extras: `openlineage_namespace`
(a URI, `snowflake://xy12345.eu-west-1`) or `openlineage_profiles_dir` (with, optionally,
`openlineage_target` and `openlineage_profile`): the namespace of that dbt profile target, as
OpenLineage's dbt integration derives it. Nothing here fails a task: what goes wrong is logged.
Needs `pip install 'airflow-provider-paradime-bolt[openlineage]'`.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from paradime_bolt.lineage import ParentJob

__all__ = ["REASON_LIMIT", "emit_run_lineage", "reason_with_parent", "task_parent"]

log = logging.getLogger(__name__)

REASON_LIMIT = 1000  # characters the Bolt API keeps of a run's reason
REASON_PREFIX = "OpenLineage parent: "
_INSTALL = "pip install 'airflow-provider-paradime-bolt[openlineage]'"


def task_parent(task_instance: Any) -> ParentJob:
    """The Airflow task (and its DAG run as the root) as the OpenLineage provider names them."""
    from airflow.providers.openlineage.plugins import macros

    from paradime_bolt.lineage import ParentJob

    return ParentJob(
        namespace=macros.lineage_job_namespace(),  # type: ignore[no-untyped-call]
        name=macros.lineage_job_name(task_instance),
        run_id=macros.lineage_run_id(task_instance),
        root_namespace=macros.lineage_root_job_namespace(task_instance),
        root_name=macros.lineage_root_job_name(task_instance),
        root_run_id=macros.lineage_root_run_id(task_instance),
    )


def reason_with_parent(reason: str | None, task_instance: Any) -> str | None:
    """`reason` followed by the task's parent ids, as one line of JSON after `OpenLineage
    parent: `, kept within the API's 1,000 characters: the user's text is shortened first,
    then the root ids dropped; ids that cannot fit are left out (with a warning)."""
    try:
        parent = task_parent(task_instance)
    except Exception as exc:  # noqa: BLE001 - OpenLineage absent or unconfigured: no ids
        log.warning("Not writing OpenLineage parent ids into the run's reason: %s", exc)
        return reason
    ids = {
        "parent_job_namespace": parent.namespace,
        "parent_job_name": parent.name,
        "parent_run_id": parent.run_id,
        "root_parent_job_namespace": parent.root_namespace,
        "root_parent_job_name": parent.root_name,
        "root_parent_run_id": parent.root_run_id,
    }
    for keep in (ids, {key: value for key, value in ids.items() if not key.startswith("root")}):
        tail = REASON_PREFIX + json.dumps(keep, separators=(",", ":"))
        if len(tail) > REASON_LIMIT:
            continue
        if not reason:
            log.info("OpenLineage parent ids written into the run's reason: %s", tail)
            return tail
        room = REASON_LIMIT - len(tail) - 1
        if room <= 0:
            return tail
        text = reason if len(reason) <= room else reason[: max(room - 1, 0)] + "…"
        log.info("OpenLineage parent ids written into the run's reason: %s", tail)
        return f"{text} {tail}"
    log.warning("The task's OpenLineage ids are longer than a Bolt reason: not written")
    return reason


def _warehouse(conn_id: str) -> dict[str, Any]:
    """`namespace=` or `profile=` for the lineage, from the connection's extras."""
    from airflow.sdk import BaseHook

    from paradime_bolt.lineage import load_profile

    extra = BaseHook.get_connection(conn_id).extra_dejson
    if extra.get("openlineage_namespace"):
        return {"namespace": str(extra["openlineage_namespace"])}
    if extra.get("openlineage_profiles_dir"):
        return {
            "profile": load_profile(
                extra["openlineage_profiles_dir"],
                target=extra.get("openlineage_target"),
                profile=extra.get("openlineage_profile"),
            )
        }
    raise ValueError(
        f"Airflow connection {conn_id!r} names no warehouse for lineage: set its extra "
        "openlineage_namespace (a URI such as snowflake://ACCOUNT) or openlineage_profiles_dir"
    )


def emit_run_lineage(operator: Any, task_instance: Any, run_id: int | None) -> Any:
    """Emits run `run_id`'s events through the OpenLineage provider, the task as their parent;
    returns the empty `OperatorLineage` the provider expects of the hook. Never raises."""
    try:
        from airflow.providers.openlineage.extractors import OperatorLineage
        from airflow.providers.openlineage.plugins.listener import get_openlineage_listener
    except ImportError:
        operator.log.warning("No lineage for the Bolt run: %s", _INSTALL)
        return None
    if run_id is None:
        operator.log.info("No Bolt run to give lineage of")
        return OperatorLineage()
    try:
        from paradime_bolt.lineage import build_run_lineage

        parent = task_parent(task_instance)
        from .hooks import BoltHook

        hook = BoltHook(operator.conn_id, workspace_uid=operator.workspace_uid)
        with hook.get_client() as bolt:
            lineage = build_run_lineage(
                bolt,
                run_id,
                job_namespace=parent.namespace,
                job_name=f"{parent.name}.bolt_run",
                parent=parent,
                **_warehouse(operator.conn_id),
            )
        for warning in lineage.warnings:
            operator.log.warning("Lineage of Bolt run %s: %s", run_id, warning)
        adapter = get_openlineage_listener().adapter
        for event in lineage.events:
            adapter.emit(event)  # the adapter logs a backend that fails; it never raises
        operator.log.info(
            "Emitted %s OpenLineage events of Bolt run %s", len(lineage.events), run_id
        )
    except Exception as exc:  # noqa: BLE001 - lineage never fails the task
        operator.log.warning("No lineage for Bolt run %s: %s", run_id, exc)
    return OperatorLineage()
