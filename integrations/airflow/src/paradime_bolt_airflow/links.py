"""`BoltRunLink`: the operator's extra link, the run's page in the Paradime app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from airflow.sdk import BaseOperatorLink

from ._common import XCOM_RUN_URL

if TYPE_CHECKING:
    from airflow.sdk import BaseOperator
    from airflow.sdk.types import TaskInstanceKey

__all__ = ["BoltRunLink"]


class BoltRunLink(BaseOperatorLink):
    """Opens the Bolt run the task started. The link is the task's `run_url` XCom, pushed as
    soon as the run is triggered, so the button works while the task is still waiting."""

    name = "Paradime Bolt run"

    @property
    def xcom_key(self) -> str:
        return XCOM_RUN_URL

    def get_link(self, operator: BaseOperator, *, ti_key: TaskInstanceKey) -> str:
        from airflow.sdk.execution_time.xcom import XCom

        value = XCom.get_value(ti_key=ti_key, key=XCOM_RUN_URL)
        return value if isinstance(value, str) else ""
