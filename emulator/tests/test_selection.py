"""`--select` of node names or `fqn:` paths: a dbt command runs only those nodes and tests."""

from __future__ import annotations

import json
from typing import Any

from .support import Api, FakeClock, command_ids

PROJECT = "demo_sales_project"


def run_results(api: Api, clock: FakeClock, command: str) -> dict[str, Any]:
    """The run_results.json of a `daily run` whose only command is `command`."""
    run_id = api.trigger("daily run", commands=[command])
    clock.advance(60)
    command_id = command_ids(api.status(run_id))[command]
    resources = {item["path"]: item["id"] for item in api.command(command_id)["resources"]}
    url = api.resource_url(resources["target/run_results.json"])["url"]
    response = api.client.get(url)
    assert response.status_code == 200, response.text
    document: dict[str, Any] = json.loads(response.content)
    return document


def unique_ids(document: dict[str, Any]) -> list[str]:
    return [result["unique_id"] for result in document["results"]]


def test_a_selection_of_names_builds_those_nodes_and_their_tests(
    api: Api, clock: FakeClock
) -> None:
    document = run_results(api, clock, "dbt build --select stg_orders country_codes")
    assert unique_ids(document) == [
        f"seed.{PROJECT}.country_codes",
        f"model.{PROJECT}.stg_orders",
        f"test.{PROJECT}.unique_stg_orders_order_id",
        f"test.{PROJECT}.not_null_stg_orders_order_id",
        f"test.{PROJECT}.accepted_values_stg_orders_status__placed__shipped__completed__"
        "return_pending__returned",
    ]
    assert document["args"]["select"] == ["stg_orders", "country_codes"]


def test_fqn_selectors_and_empty_indirect_selection_run_exactly_the_nodes_named(
    api: Api, clock: FakeClock
) -> None:
    command = (
        f"dbt build --select fqn:{PROJECT}.marts.core.fct_orders "
        f"fqn:{PROJECT}.marts.core.not_null_fct_orders_order_id --indirect-selection empty"
    )
    document = run_results(api, clock, command)
    assert unique_ids(document) == [
        f"model.{PROJECT}.fct_orders",
        f"test.{PROJECT}.not_null_fct_orders_order_id",
    ]


def test_a_selection_within_run_keeps_to_the_subcommand_resource_types(
    api: Api, clock: FakeClock
) -> None:
    document = run_results(api, clock, "dbt run -s stg_payments order_payments")
    assert unique_ids(document) == [
        f"model.{PROJECT}.stg_payments",
        f"model.{PROJECT}.order_payments",
    ]


def test_a_selection_the_emulator_cannot_resolve_still_selects_every_node(
    api: Api, clock: FakeClock
) -> None:
    everything = unique_ids(run_results(api, clock, "dbt run"))
    assert unique_ids(run_results(api, clock, "dbt run --select tag:hourly")) == everything
    assert unique_ids(run_results(api, clock, "dbt run --select stg_orders+")) == everything
