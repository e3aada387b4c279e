"""BoltArtifactOperator on a run of real dbt (the example project through the emulator's
`--dbt-project`): the failed run's own run_results.json, written by dbt (issue 23)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from paradime_bolt_airflow import BoltArtifactOperator

from .conftest import CONN_ENV, connection_json, task_context

pytestmark = pytest.mark.real_dbt

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "dbt_project"
FAILING = "test.bolt_example.assert_order_amount_at_least_min"


@pytest.fixture(scope="module")
def real(bolt_emulator_factory: Any) -> Any:
    return bolt_emulator_factory(dbt_project=EXAMPLE)


def test_the_artifact_operator_downloads_the_real_run_results_of_a_failed_run(
    real: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(
        CONN_ENV,
        connection_json(
            conn_type="paradime_bolt",
            host=real.endpoint,
            login=real.api_key,
            password=real.api_secret,
        ),
    )
    run = real.client.trigger_and_wait(
        "strict tests", timeout=600, poll_interval=0.2, max_poll_interval=1.0
    )
    assert run.run_state.value == "ERROR"
    op = BoltArtifactOperator(task_id="artifact", run_id=run.run_id, dest=tmp_path)
    results = json.loads(Path(op.execute(task_context())).read_text())
    assert results["metadata"]["dbt_version"].startswith("1.11.")
    assert results["args"]["which"] == "test"  # the failing `dbt test`, not the build before it
    statuses = {result["unique_id"]: result["status"] for result in results["results"]}
    assert statuses[FAILING] == "fail"
    others = {status for unique_id, status in statuses.items() if unique_id != FAILING}
    assert others == {"pass"}
