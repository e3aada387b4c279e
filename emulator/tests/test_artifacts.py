"""Artifacts: which commands produce which files, their JSON, and signed, expiring downloads."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

from paradime_bolt_emulator.api.signing import signature
from paradime_bolt_emulator.timefmt import format_iso_seconds

from .support import Api, FakeClock, InProcessClient, command_ids

MANIFEST_KEYS = {
    "metadata",
    "nodes",
    "sources",
    "macros",
    "docs",
    "exposures",
    "metrics",
    "groups",
    "selectors",
    "disabled",
    "parent_map",
    "child_map",
}
RUN_RESULTS_KEYS = {"metadata", "results", "elapsed_time", "args"}
PROJECT = "demo_sales_project"


def resources(api: Api, command_id: int) -> dict[str, int]:
    """Path to resource id for a command."""
    return {item["path"]: item["id"] for item in api.command(command_id)["resources"]}


def download(api: Api, resource_id: int) -> Any:
    """Fetch a resource through its signed URL, without API headers."""
    url = api.resource_url(resource_id)["url"]
    response = api.client.get(url)
    assert response.status_code == 200, response.text
    return response


def finished(api: Api, clock: FakeClock, schedule: str, **arguments: Any) -> dict[str, int]:
    run_id = api.trigger(schedule, **arguments)
    clock.advance(60)
    return command_ids(api.status(run_id))


def test_dbt_commands_produce_the_documented_files(api: Api, clock: FakeClock) -> None:
    ids = finished(api, clock, "daily run")
    assert resources(api, ids["git clone ..."]) == {}
    assert resources(api, ids["dbt deps"]) == {}
    run_files = resources(api, ids["dbt run"])
    for path in (
        "target/manifest.json",
        "target/run_results.json",
        "target/semantic_manifest.json",
        "target/graph_summary.json",
        "logs/dbt.log",
        f"target/compiled/{PROJECT}/models/staging/stg_orders.sql",
        f"target/run/{PROJECT}/models/staging/stg_orders.sql",
    ):
        assert path in run_files
    assert list(run_files.values()) == sorted(run_files.values())
    test_files = resources(api, ids["dbt test"])
    assert (
        f"target/compiled/{PROJECT}/models/staging/schema.yml/not_null_stg_orders_order_id.sql"
        in (test_files)
    )


def test_commands_that_write_no_target_have_no_resources(api: Api, clock: FakeClock) -> None:
    ids = finished(api, clock, "daily run", commands=["dbt clean", "dbt debug", "python x.py"])
    assert all(resources(api, command_id) == {} for command_id in ids.values())


def test_json_artifacts_are_valid_and_shaped_like_dbt(api: Api, clock: FakeClock) -> None:
    files = resources(api, finished(api, clock, "daily run")["dbt run"])
    manifest = download(api, files["target/manifest.json"]).json()
    assert set(manifest) >= MANIFEST_KEYS
    assert manifest["metadata"]["project_name"] == PROJECT
    assert f"model.{PROJECT}.stg_orders" in manifest["nodes"]
    assert manifest["child_map"][f"model.{PROJECT}.stg_orders"]
    run_results = download(api, files["target/run_results.json"]).json()
    assert set(run_results) >= RUN_RESULTS_KEYS
    assert run_results["args"]["which"] == "run"
    statuses = {result["unique_id"]: result["status"] for result in run_results["results"]}
    assert statuses[f"model.{PROJECT}.fct_orders"] == "success"
    assert set(statuses) <= set(manifest["nodes"])
    for path in ("target/semantic_manifest.json", "target/graph_summary.json"):
        assert isinstance(download(api, files[path]).json(), dict)


def test_a_failing_test_run_reports_failures_in_run_results(api: Api, clock: FakeClock) -> None:
    files = resources(api, finished(api, clock, "broken tests")["dbt test"])
    run_results = download(api, files["target/run_results.json"]).json()
    failing = [result for result in run_results["results"] if result["status"] == "fail"]
    assert {result["unique_id"] for result in failing} == {
        f"test.{PROJECT}.not_null_stg_orders_order_id",
        f"test.{PROJECT}.relationships_fct_orders_customer_id__customer_id__ref_dim_customers_",
    }
    assert all(result["failures"] > 0 for result in failing)
    passing = [result for result in run_results["results"] if result["status"] == "pass"]
    assert passing
    assert all(result["failures"] == 0 for result in passing)


def test_downloads_have_a_content_type_and_length(api: Api, clock: FakeClock) -> None:
    files = resources(api, finished(api, clock, "daily run")["dbt run"])
    manifest = download(api, files["target/manifest.json"])
    assert manifest.headers["content-type"] == "application/json"
    assert int(manifest.headers["content-length"]) == len(manifest.content)
    json.loads(manifest.content)
    sql = download(api, files[f"target/compiled/{PROJECT}/models/staging/stg_orders.sql"])
    assert sql.headers["content-type"].startswith("text/plain")
    assert 'select * from "RAW"."JAFFLE"."ORDERS"' in sql.text  # compiled: no Jinja left
    assert "{{" not in sql.text
    log = download(api, files["logs/dbt.log"])
    assert "Running with dbt=" in log.text


def test_signed_urls_point_at_this_server(api: Api, clock: FakeClock) -> None:
    files = resources(api, finished(api, clock, "daily run")["dbt run"])
    resource_id = files["target/manifest.json"]
    url = urlsplit(api.resource_url(resource_id)["url"])
    assert f"{url.scheme}://{url.netloc}" == "http://emulator.test"
    assert url.path == f"/resources/{resource_id}/manifest.json"
    query = parse_qs(url.query)
    assert int(query["expires"][0]) == int(clock()) + 300
    assert len(query["signature"][0]) == 64


def test_tampered_or_expired_urls_are_forbidden(
    make_app: Callable[..., Any], clock: FakeClock
) -> None:
    app = make_app(url_ttl=5)
    client = InProcessClient(app)
    try:
        api = Api(client, "/graphql")
        files = resources(api, finished(api, clock, "daily run")["dbt run"])
        manifest, run_results = files["target/manifest.json"], files["target/run_results.json"]
        url = api.resource_url(manifest)["url"]
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        expires, given = query["expires"][0], query["signature"][0]
        forged = "0" * 64 if given != "0" * 64 else "1" * 64
        for bad in (
            f"/resources/{manifest}?expires={expires}&signature={forged}",
            f"/resources/{run_results}?expires={expires}&signature={given}",
            f"/resources/{manifest}?expires={int(expires) + 3600}&signature={given}",
            f"/resources/{manifest}",
        ):
            refused = client.get(bad)
            assert refused.status_code == 403, bad
            assert refused.headers["content-type"] == "application/xml", "as S3 answers"
            assert "<Code>SignatureDoesNotMatch</Code>" in refused.text
        assert client.get(url).status_code == 200
        clock.advance(6)
        response = client.get(url)
        assert response.status_code == 403
        assert response.headers["content-type"] == "application/xml"
        assert response.text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<Error>')
        assert "<Code>AccessDenied</Code><Message>Request has expired</Message>" in response.text
        assert f"<Expires>{format_iso_seconds(int(expires))}" in response.text
    finally:
        client.close()


def test_an_unknown_resource_is_not_found(api: Api, client: InProcessClient) -> None:
    key = client_key(client)
    expires = 4_000_000_000
    response = client.get(
        f"/resources/999?expires={expires}&signature={signature(key, 999, expires)}"
    )
    assert response.status_code == 404
    assert "<Code>NoSuchKey</Code>" in response.text
    assert api.resource_url(999) == {"ok": False, "url": None}


def client_key(client: InProcessClient) -> str:
    """The URL signing key of the app behind an in-process client (test-only access)."""
    with client.app.state.emulator.store.transaction() as repo:
        key: str | None = repo.get_meta("url_signing_key")
    assert key is not None
    return key
