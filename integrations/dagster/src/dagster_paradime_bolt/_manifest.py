"""A dbt project as Dagster sees it: one asset per model, seed and snapshot, one check per test.

Read from a `manifest.json` the user keeps in their repository (never fetched while definitions
load). Asset keys follow dagster-dbt's defaults, so switching between the two keeps the asset
graph: a node's name (`<name>_v<version>` for a versioned model), a source's `[source, table]`,
and `meta: {dagster: {asset_key: [...]}}` overriding either.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

from dagster import (
    AssetCheckKey,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetDep,
    AssetKey,
    AssetSpec,
)

from ._errors import ManifestError

__all__ = [
    "ASSET_TYPES",
    "BoltProject",
    "DbtNode",
    "DbtTest",
    "caller_folder",
    "load_project",
    "manifest_path",
]

ASSET_TYPES = frozenset({"model", "seed", "snapshot"})
"""The dbt resource types that become assets."""


@dataclass(frozen=True, kw_only=True)
class _Entry:
    """What a node and a test of the manifest both have; dbt selects either by its fully
    qualified name. Fields are keyword-only: a base's fields come first, so positions would
    not say which field is which."""

    unique_id: str
    name: str
    fqn: tuple[str, ...]
    description: str

    @property
    def selector(self) -> str:
        """The dbt selector naming exactly this node or test."""
        return "fqn:" + ".".join(self.fqn)


@dataclass(frozen=True, kw_only=True)
class DbtNode(_Entry):
    """A model, seed or snapshot: one asset."""

    resource_type: str
    asset_key: AssetKey
    parents: tuple[str, ...]
    materialized: str | None
    relation_name: str | None
    group_name: str | None


@dataclass(frozen=True, kw_only=True)
class DbtTest(_Entry):
    """A data test: one check, on the asset it is attached to."""

    attached_to: str
    other_parents: tuple[str, ...]
    severity: AssetCheckSeverity


@dataclass(frozen=True)
class BoltProject:
    """The assets, checks and sources of one dbt project, and the key of every node."""

    nodes: Mapping[str, DbtNode]
    tests: Mapping[str, DbtTest]
    source_keys: Mapping[str, AssetKey]
    adapter_type: str | None

    def asset_key(self, unique_id: str) -> AssetKey | None:
        """The asset key of a node or a source, None for anything else."""
        node = self.nodes.get(unique_id)
        return node.asset_key if node is not None else self.source_keys.get(unique_id)

    def check_key(self, test: DbtTest) -> AssetCheckKey:
        return AssetCheckKey(self.nodes[test.attached_to].asset_key, test.name)

    def asset_specs(self) -> list[AssetSpec]:
        kinds = {"dbt", self.adapter_type} if self.adapter_type else {"dbt"}
        return [
            AssetSpec(
                node.asset_key,
                deps=[AssetDep(key) for key in self._keys(node.parents)],
                description=node.description or None,
                metadata=_spec_metadata(node),
                skippable=True,
                group_name=node.group_name,
                kinds=kinds,
            )
            for node in self.nodes.values()
        ]

    def check_specs(self) -> list[AssetCheckSpec]:
        return [
            AssetCheckSpec(
                test.name,
                asset=self.nodes[test.attached_to].asset_key,
                description=test.description or None,
                additional_deps=[AssetDep(key) for key in self._keys(test.other_parents)],
                metadata={"dbt/unique_id": test.unique_id},
            )
            for test in self.tests.values()
        ]

    def subset_selectors(
        self, asset_keys: Collection[AssetKey], check_keys: Collection[AssetCheckKey]
    ) -> list[str] | None:
        """The dbt selectors of exactly these assets and checks; None when they are all."""
        if len(asset_keys) == len(self.nodes) and len(check_keys) == len(self.tests):
            return None
        selected = [node.selector for node in self.nodes.values() if node.asset_key in asset_keys]
        selected += [
            test.selector for test in self.tests.values() if self.check_key(test) in check_keys
        ]
        return selected

    def _keys(self, unique_ids: Iterable[str]) -> list[AssetKey]:
        keys = (self.asset_key(unique_id) for unique_id in unique_ids)
        return list(dict.fromkeys(key for key in keys if key is not None))


def _spec_metadata(node: DbtNode) -> dict[str, Any]:
    metadata: dict[str, Any] = {"dbt/unique_id": node.unique_id}
    if node.materialized:
        metadata["dbt/materialization"] = node.materialized
    if node.relation_name:
        metadata["dagster/relation_identifier"] = node.relation_name.replace('"', "")
    return metadata


def load_project(
    manifest: Mapping[str, Any] | str | os.PathLike[str],
    *,
    relative_to: str | os.PathLike[str] | None = None,
) -> BoltProject:
    """Reads a manifest (parsed, or the path of its file) into a `BoltProject`.

    A relative path is read from the folder `relative_to`, else from the working directory."""
    if isinstance(manifest, str | os.PathLike):
        path = manifest_path(manifest, relative_to)
        document, origin = _read(path), str(path)
    else:
        document, origin = manifest, "the manifest"
    if not isinstance(document, Mapping):
        raise ManifestError(f"{origin} is not a JSON object: not a dbt manifest.json")
    raw_nodes = _mapping(document, "nodes", origin)
    raw_sources = _mapping(document, "sources", origin, required=False)
    metadata = document.get("metadata")
    adapter = metadata.get("adapter_type") if isinstance(metadata, Mapping) else None

    source_keys: dict[str, AssetKey] = {}
    for unique_id, entry in raw_sources.items():
        props = _entry(entry, unique_id, origin)
        source_keys[unique_id] = _key_override(props, unique_id, origin) or AssetKey(
            [
                _text(props, "source_name", unique_id, origin),
                _text(props, "name", unique_id, origin),
            ]
        )

    nodes: dict[str, DbtNode] = {}
    test_entries: list[tuple[str, Mapping[str, Any]]] = []
    for unique_id, entry in raw_nodes.items():
        props = _entry(entry, unique_id, origin)
        if not _enabled(props):
            continue
        resource_type = props.get("resource_type")
        if resource_type == "test":
            test_entries.append((unique_id, props))
        elif resource_type in ASSET_TYPES:
            nodes[unique_id] = _node(unique_id, props, origin)

    tests: dict[str, DbtTest] = {}
    for unique_id, props in test_entries:
        test = _test(unique_id, props, nodes, origin)
        if test is not None:
            tests[unique_id] = test
    project = BoltProject(nodes, tests, source_keys, adapter if isinstance(adapter, str) else None)
    _check_unique(project, origin)
    return project


def caller_folder(depth: int = 1) -> Path | None:
    """The folder of the Python file whose code called the function that calls this one
    (`depth` more frames up); None when that code has no file (a REPL, a notebook, `exec`)."""
    filename = sys._getframe(depth + 1).f_code.co_filename
    path = Path(filename)
    return path.parent.absolute() if path.is_file() else None


def manifest_path(
    path: str | os.PathLike[str], relative_to: str | os.PathLike[str] | None
) -> ManifestPath:
    """The absolute path of a manifest file: `path` itself, else under `relative_to`, else
    under the working directory."""
    given = Path(path)
    if given.is_absolute():
        return ManifestPath(given, given, None)
    base = Path.cwd() if relative_to is None else Path(relative_to).absolute()
    return ManifestPath(base / given, given, None if relative_to is None else base)


@dataclass(frozen=True)
class ManifestPath:
    """A manifest's absolute path, with what it was given as, for errors that say both."""

    absolute: Path
    given: Path
    base: Path | None  # the folder a relative path was read from; None: the working directory

    def __str__(self) -> str:
        return str(self.absolute)

    def explain(self) -> str:
        """How a relative path became this one; empty for an absolute path."""
        if self.given.is_absolute():
            return ""
        where = "the working directory" if self.base is None else f"the folder {str(self.base)!r}"
        text = f" ({str(self.given)!r} read from {where}"
        if self.base is not None and (Path.cwd() / self.given).is_file():
            text += f"; {str(Path.cwd() / self.given)!r} exists, pass that path if it is the one"
        return text + ")"


def _read(path: ManifestPath) -> Any:
    try:
        text = path.absolute.read_text(encoding="utf-8")
    except OSError as exc:
        raise ManifestError(
            f"cannot read the manifest {str(path)!r}{path.explain()}: {exc.strerror or exc}; "
            "download it with `dagster-paradime-bolt fetch-manifest --schedule-name NAME "
            "--out PATH`"
        ) from None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ManifestError(f"{str(path)!r} is not valid JSON: {exc}") from None


def _mapping(
    document: Mapping[str, Any], key: str, origin: str, *, required: bool = True
) -> Mapping[str, Any]:
    value = document.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, Mapping):
        raise ManifestError(f"{origin} has no {key!r} object: not a dbt manifest.json")
    return value


def _entry(entry: object, unique_id: str, origin: str) -> Mapping[str, Any]:
    if not isinstance(entry, Mapping):
        raise ManifestError(f"{origin}: {unique_id!r} is not a JSON object")
    return entry


def _text(props: Mapping[str, Any], key: str, unique_id: str, origin: str) -> str:
    value = props.get(key)
    if not isinstance(value, str) or not value:
        raise ManifestError(f"{origin}: {unique_id!r} has no {key!r}")
    return value


def _enabled(props: Mapping[str, Any]) -> bool:
    config = props.get("config")
    return not (isinstance(config, Mapping) and config.get("enabled") is False)


def _dagster_meta(props: Mapping[str, Any]) -> Mapping[str, Any]:
    for holder in (props.get("meta"), _config(props).get("meta")):
        if isinstance(holder, Mapping) and isinstance(holder.get("dagster"), Mapping):
            meta: Mapping[str, Any] = holder["dagster"]
            return meta
    return {}


def _config(props: Mapping[str, Any]) -> Mapping[str, Any]:
    config = props.get("config")
    return config if isinstance(config, Mapping) else {}


def _key_override(props: Mapping[str, Any], unique_id: str, origin: str) -> AssetKey | None:
    value = _dagster_meta(props).get("asset_key")
    if value is None:
        return None
    if isinstance(value, str):
        value = [value]
    if not (isinstance(value, Sequence) and value and all(isinstance(p, str) and p for p in value)):
        raise ManifestError(
            f"{origin}: {unique_id!r}: meta.dagster.asset_key must be a list of strings"
        )
    return AssetKey(list(value))


def _parents(props: Mapping[str, Any]) -> tuple[str, ...]:
    depends_on = props.get("depends_on")
    nodes = depends_on.get("nodes") if isinstance(depends_on, Mapping) else None
    if not isinstance(nodes, list):
        return ()
    return tuple(dict.fromkeys(p for p in nodes if isinstance(p, str)))


def _fqn(props: Mapping[str, Any], unique_id: str, origin: str) -> tuple[str, ...]:
    fqn = props.get("fqn")
    if not (isinstance(fqn, list) and fqn and all(isinstance(part, str) for part in fqn)):
        raise ManifestError(f"{origin}: {unique_id!r} has no 'fqn'")
    return tuple(fqn)


class _EntryFields(TypedDict):
    unique_id: str
    name: str
    fqn: tuple[str, ...]
    description: str


def _entry_fields(unique_id: str, props: Mapping[str, Any], origin: str) -> _EntryFields:
    """The `_Entry` fields of a node's or a test's manifest entry."""
    description = props.get("description")
    return {
        "unique_id": unique_id,
        "name": _text(props, "name", unique_id, origin),
        "fqn": _fqn(props, unique_id, origin),
        "description": description if isinstance(description, str) else "",
    }


def _node(unique_id: str, props: Mapping[str, Any], origin: str) -> DbtNode:
    fields = _entry_fields(unique_id, props, origin)
    version = props.get("version")
    key_name = f"{fields['name']}_v{version}" if version not in (None, "") else fields["name"]
    group = _dagster_meta(props).get("group") or _config(props).get("group")
    materialized = _config(props).get("materialized")
    relation = props.get("relation_name")
    return DbtNode(
        **fields,
        resource_type=str(props["resource_type"]),
        asset_key=_key_override(props, unique_id, origin) or AssetKey([key_name]),
        parents=_parents(props),
        materialized=materialized if isinstance(materialized, str) else None,
        relation_name=relation if isinstance(relation, str) else None,
        group_name=group if isinstance(group, str) else None,
    )


def _test(
    unique_id: str, props: Mapping[str, Any], nodes: Mapping[str, DbtNode], origin: str
) -> DbtTest | None:
    """The test's check, attached to dbt's `attached_node`, else to its first parent asset;
    None for a test of sources only, which no asset of this project owns."""
    parents = _parents(props)
    attached = props.get("attached_node")
    if not (isinstance(attached, str) and attached in nodes):
        attached = next((parent for parent in parents if parent in nodes), None)
    if attached is None:
        return None
    severity = str(_config(props).get("severity") or "ERROR").upper()
    return DbtTest(
        **_entry_fields(unique_id, props, origin),
        attached_to=attached,
        other_parents=tuple(parent for parent in parents if parent != attached),
        severity=AssetCheckSeverity.WARN if severity == "WARN" else AssetCheckSeverity.ERROR,
    )


def _check_unique(project: BoltProject, origin: str) -> None:
    seen: dict[AssetKey, str] = {}
    for node in project.nodes.values():
        other = seen.setdefault(node.asset_key, node.unique_id)
        if other != node.unique_id:
            raise ManifestError(
                f"{origin}: {other!r} and {node.unique_id!r} have the same asset key "
                f"{node.asset_key.to_user_string()!r}; give one meta.dagster.asset_key"
            )
    checks: dict[AssetCheckKey, str] = {}
    for test in project.tests.values():
        key = project.check_key(test)
        other = checks.setdefault(key, test.unique_id)
        if other != test.unique_id:
            raise ManifestError(
                f"{origin}: tests {other!r} and {test.unique_id!r} both attach a check named "
                f"{test.name!r} to {key.asset_key.to_user_string()!r}"
            )
