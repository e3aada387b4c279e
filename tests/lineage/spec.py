"""Checks an OpenLineage event against the specification the installed client implements: the
event against OpenLineage.json, and each facet against its own schema (its `_schemaURL`)."""

from __future__ import annotations

import json
import re
import uuid
from functools import cache
from pathlib import Path
from typing import Any

import openlineage.common
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

SPEC = Path(__file__).parent / "openlineage_spec"
# openlineage-integration-common ships its dbt facets' schemas; their `_schemaURL` names the
# file (under another address than the file's `$id`).
DBT_SCHEMAS = Path(openlineage.common.__file__).parent / "schema"
CORE = "https://openlineage.io/spec/2-0-2/OpenLineage.json"
# dbt facets of openlineage-integration-common 1.54 whose schema it names but publishes nowhere.
UNPUBLISHED = {"dbt-model-dataset-facet.json"}


@cache
def _registry() -> tuple[Registry, dict[str, str]]:
    resources = []
    by_file: dict[str, str] = {}
    for path in [SPEC / "OpenLineage.json", *(SPEC / "facets").glob("*.json")]:
        document = json.loads(path.read_text())
        resources.append((document["$id"], DRAFT202012.create_resource(document)))
    for path in DBT_SCHEMAS.glob("dbt-*.json"):
        # They refer to older cores (1-0-x) for BaseFacet/RunFacet/JobFacet: read as the one
        # vendored, whose base facets ask the same (_producer and _schemaURL).
        text = re.sub(
            r"https://openlineage.io/spec/1-0-\d+/OpenLineage.json", CORE, path.read_text()
        )
        document = json.loads(text)
        resources.append((document["$id"], DRAFT202012.create_resource(document)))
        by_file[path.name] = document["$id"]
    return Registry().with_resources(resources), by_file


def _check(instance: Any, ref: str) -> None:
    registry, _ = _registry()
    Draft202012Validator({"$ref": ref}, registry=registry).validate(instance)


def _facet_ref(url: str) -> str:
    base, _, fragment = url.partition("#")
    _, by_file = _registry()
    name = base.rsplit("/", 1)[-1]
    if base.startswith("https://openlineage.io/spec/"):
        return url
    if name in by_file:  # a dbt facet: the schema's only definition
        return by_file[name] + (f"#{fragment}" if fragment else "")
    if name in UNPUBLISHED:  # no schema file anywhere: checked as the spec's base facet
        return f"{CORE}#/$defs/BaseFacet"
    raise AssertionError(f"a facet with a schema the tests do not know: {url}")


def _facets(event: dict[str, Any]) -> list[dict[str, Any]]:
    found = [*event["run"].get("facets", {}).values(), *event["job"].get("facets", {}).values()]
    for dataset in [*event.get("inputs", []), *event.get("outputs", [])]:
        found += dataset.get("facets", {}).values()
        found += dataset.get("inputFacets", {}).values()
        found += dataset.get("outputFacets", {}).values()
    return found


def validate_event(event: dict[str, Any]) -> None:
    """Raises when `event` (as sent: parsed JSON) breaks the spec or one of its facets does."""
    _check(event, f"{CORE}#/$defs/RunEvent")
    uuid.UUID(event["run"]["runId"])
    for facet in _facets(event):
        url = facet["_schemaURL"]
        ref = _facet_ref(url)
        if "#" not in ref:  # a dbt facet schema: validate against its one definition
            registry, _ = _registry()
            document = registry.contents(ref)
            (definition,) = document["$defs"]
            ref = f"{ref}#/$defs/{definition}"
        _check(facet, ref)
