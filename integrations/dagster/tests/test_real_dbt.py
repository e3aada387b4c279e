"""The assets of a real dbt project (the example project, run by real dbt through the
emulator's `--dbt-project`): built from its real manifest, materialized with real check results,
a failing test failing its check (issue 23)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from dagster import AssetKey, DagsterInstance, materialize

from dagster_paradime_bolt import BoltResource, build_bolt_assets
from paradime_bolt_emulator.pytest_plugin import BoltEmulatorFactory

from .conftest import BoltEmulator, Polls

pytestmark = pytest.mark.real_dbt

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "dbt_project"
POLLS: Polls = {"poll_interval": 0.2, "max_poll_interval": 1.0}
FAILING = "assert_order_amount_at_least_min"


@pytest.fixture(scope="module")
def real(bolt_emulator_factory: BoltEmulatorFactory) -> BoltEmulator:
    return bolt_emulator_factory(dbt_project=EXAMPLE)


def test_assets_of_the_real_manifest_materialize_with_real_check_results(
    real: BoltEmulator,
) -> None:
    run = real.client.trigger_and_wait("daily build", raise_on_failure=True, timeout=600, **POLLS)
    manifest: dict[str, Any] = real.client.download_json_artifact(run.run_id)
    # "strict tests": a build without the singular test, then the tests with a var that fails it.
    assets = build_bolt_assets(schedule_name="strict tests", manifest=manifest, **POLLS)
    assert {key.path[-1] for key in assets.keys} >= {"fct_orders", "customers", "raw_orders"}
    bolt = BoltResource(endpoint=real.endpoint, api_key=real.api_key, api_secret=real.api_secret)
    result = materialize(
        [assets],
        resources={"bolt": bolt},
        instance=DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    checks = {check.check_name: check for check in result.get_asset_check_evaluations()}
    failed = checks[FAILING]
    assert not failed.passed
    assert failed.asset_key == AssetKey("fct_orders")
    assert failed.metadata["status"].value == "fail"
    assert failed.metadata["failures"].value == 5  # every order is below 100
    assert checks["unique_fct_orders_order_id"].passed
    materialized = {m.asset_key for m in result.asset_materializations_for_node(assets.op.name)}
    assert AssetKey("fct_orders") in materialized
    assert not result.success  # the run ended ERROR
