"""OpenLineage's own dbt artifact processor, told where the warehouse is, plus what 1.54 lacks.

`DbtCloudArtifactProcessor` (openlineage-integration-common) turns one dbt invocation's
manifest.json, run_results.json and catalog.json into events; this subclass only chooses the
dataset namespace (the user's URI, or the profile's as OpenLineage derives it) and adds seeds:
1.54 neither emits a seed's own events nor lists seeds among the inputs of the models that
read them, so both are added with the processor's own dataset and event builders.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from openlineage.client.event_v2 import InputDataset, Job, RunEvent
from openlineage.client.facet_v2 import JobFacet, job_type_job
from openlineage.client.uuid import generate_new_uuid
from openlineage.common.provider.dbt import DbtCloudArtifactProcessor
from openlineage.common.provider.dbt.facets import DbtNodeJobFacet
from openlineage.common.provider.dbt.processor import Adapter, DbtEvents, ModelNode

__all__ = ["BoltArtifactProcessor", "adapter_of_namespace", "event_list", "profile_namespace"]

# A namespace URI's scheme, for the adapters whose scheme is not their name.
_SCHEMES = {"mssql": "sqlserver", "awsathena": "athena", "fabric-warehouse": "fabric"}


def adapter_of_namespace(namespace: str) -> str | None:
    """The dbt adapter a dataset namespace names (`snowflake://...` -> snowflake), if known."""
    scheme = urlsplit(namespace).scheme or namespace.split(":", 1)[0]
    name = _SCHEMES.get(scheme, scheme)
    return name if name.upper() in Adapter.__members__ else None


class BoltArtifactProcessor(DbtCloudArtifactProcessor):  # type: ignore[misc]
    """The processor of one Bolt command's artifacts, with `dataset_namespace` as given."""

    def __init__(
        self,
        *,
        producer: str,
        job_namespace: str,
        manifest: dict[str, Any],
        run_result: dict[str, Any],
        catalog: dict[str, Any] | None,
        profile: dict[str, Any],
        namespace: str | None,
        logger: logging.Logger,
    ) -> None:
        super().__init__(
            manifest=manifest,
            run_result=run_result,
            profile=profile,
            catalog=catalog,
            project_name=(manifest.get("metadata") or {}).get("project_name"),
            producer=producer,
            job_namespace=job_namespace,
            logger=logger,
        )
        self._namespace = namespace

    def extract_adapter_type(self, profile: dict[str, Any]) -> None:
        if self._namespace is None:
            super().extract_adapter_type(profile)
            return
        adapter = adapter_of_namespace(self._namespace)
        self.adapter_type = Adapter[adapter.upper()] if adapter else None

    def extract_dataset_namespace(self, profile: dict[str, Any]) -> None:
        if self._namespace is None:
            super().extract_dataset_namespace(profile)
            return
        self.dataset_namespace = self._namespace
        self.dataset_symlink_namespace = None  # no cloud look-up for a namespace given as is

    def parse(self) -> DbtEvents:
        events: DbtEvents = super().parse()
        manifest: dict[str, Any] = self.manifest
        seeds = {key: node for key, node in manifest["nodes"].items() if key.startswith("seed.")}
        if not seeds:
            return events
        catalog_nodes = (self.catalog or {}).get("nodes") or {}
        self._add_seed_inputs(events, manifest, seeds, catalog_nodes)
        if self.command in ("seed", "build"):
            events += self._seed_events(seeds, catalog_nodes)
        return events

    def _add_seed_inputs(
        self,
        events: DbtEvents,
        manifest: dict[str, Any],
        seeds: dict[str, Any],
        catalog_nodes: dict[str, Any],
    ) -> None:
        """Each model and snapshot event gets the seeds it reads (its `parent_map`) as inputs."""
        parents = manifest.get("parent_map") or {}
        datasets: dict[str, InputDataset] = {}
        extended: set[int] = set()  # a START and its COMPLETE share one list of inputs
        for event in events.events():
            if id(event.inputs) in extended:
                continue
            extended.add(id(event.inputs))
            node = event.job.facets.get("dbt_node") if event.job.facets else None
            unique_id = getattr(node, "unique_id", None) or ""
            if not unique_id.startswith(("model.", "snapshot.")):
                continue
            for parent in parents.get(unique_id, []):
                if parent not in seeds:
                    continue
                if parent not in datasets:
                    model = ModelNode("seed", seeds[parent], catalog_nodes.get(parent))
                    dataset = self.node_to_dataset(model, has_facets=True)
                    datasets[parent] = InputDataset(
                        namespace=dataset.namespace, name=dataset.name, facets=dataset.facets
                    )
                event.inputs.append(datasets[parent])

    def _seed_events(self, seeds: dict[str, Any], catalog_nodes: dict[str, Any]) -> DbtEvents:
        """START and COMPLETE/FAIL of each seed loaded, as the processor makes a model's."""
        events = DbtEvents()
        for result in self.run_result["results"]:
            unique_id = result["unique_id"]
            if unique_id not in seeds or result["status"] not in ("success", "error"):
                continue
            node = seeds[unique_id]
            started_at, completed_at = self.get_timings(result["timing"])
            name = self._format_dataset_name(
                node["database"], node["schema"], self.removeprefix(unique_id, "seed.")
            ) + (".build.seed" if self.command == "build" else ".seed")
            job_facets: dict[str, JobFacet] = {
                "jobType": job_type_job.JobTypeJobFacet(
                    jobType="SEED",
                    integration="DBT",
                    processingType="BATCH",
                    producer=self.producer,
                ),
                "dbt_node": DbtNodeJobFacet(
                    original_file_path=node.get("original_file_path"),
                    database=node.get("database"),
                    schema=node.get("schema"),
                    alias=node.get("alias"),
                    unique_id=unique_id,
                ),
            }
            output = self.node_to_output_dataset(
                ModelNode("seed", node, catalog_nodes.get(unique_id)),
                has_facets=True,
                adapter_response=result.get("adapter_response"),
            )
            events.add(
                self.to_openlineage_events(
                    result["status"],
                    started_at,
                    completed_at,
                    self.get_run(run_id=str(generate_new_uuid())),
                    Job(namespace=self.job_namespace, name=name, facets=job_facets),
                    [],
                    output,
                )
            )
        return events


def profile_namespace(profile: dict[str, Any]) -> str:
    """The dataset namespace the processor derives from a profile (`DbtProfile.namespace`)."""
    processor = DbtCloudArtifactProcessor(
        manifest={}, run_result={}, profile=profile, catalog=None, producer="", job_namespace=""
    )
    processor.extract_adapter_type(profile)
    processor.extract_dataset_namespace(profile)
    return str(processor.dataset_namespace)


def event_list(events: DbtEvents) -> list[RunEvent]:
    """The processor's events: every START, then every COMPLETE, then every FAIL."""
    found: list[RunEvent] = events.events()
    return found
