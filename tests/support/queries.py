"""The operation files of `queries/` and the fragments they share (`queries/fragments/`)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    SelectionSetNode,
    parse,
    print_ast,
)

ROOT = Path(__file__).resolve().parents[2]
QUERIES_DIR = ROOT / "queries"
SCHEMA_PATH = ROOT / "schema.graphql"


@cache
def shared_fragments() -> dict[str, FragmentDefinitionNode]:
    """Every fragment defined under `queries/`, by name."""
    found: dict[str, FragmentDefinitionNode] = {}
    for path in sorted(QUERIES_DIR.glob("**/*.graphql")):
        for definition in parse(path.read_text(encoding="utf-8")).definitions:
            if isinstance(definition, FragmentDefinitionNode):
                found[definition.name.value] = definition
    return found


def with_fragments(source: str) -> str:
    """`source` followed by the shared fragments it spreads (transitively) but does not
    define: an operation file as ariadne-codegen sees it among the others."""
    document = parse(source)
    defined = {d.name.value for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    wanted = _spreads(document) - defined
    added: list[str] = []
    while wanted:
        name = wanted.pop()
        fragment = shared_fragments()[name]
        defined.add(name)
        added.append(print_ast(fragment))
        wanted |= _spreads(fragment) - defined
    return "\n\n".join([source, *sorted(added)])


def field_paths(
    selection: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    prefix: str = "",
) -> set[str]:
    """Every field a selection selects, as dotted paths, fragment spreads expanded."""
    if selection is None:
        return set()
    paths: set[str] = set()
    for node in selection.selections:
        if isinstance(node, FragmentSpreadNode):
            paths |= field_paths(fragments[node.name.value].selection_set, fragments, prefix)
            continue
        assert isinstance(node, FieldNode)
        path = f"{prefix}{node.name.value}"
        paths.add(path)
        paths |= field_paths(node.selection_set, fragments, path + ".")
    return paths


def _spreads(node: DocumentNode | FragmentDefinitionNode) -> set[str]:
    names: set[str] = set()
    selections = (
        [d.selection_set for d in node.definitions if hasattr(d, "selection_set")]
        if isinstance(node, DocumentNode)
        else [node.selection_set]
    )
    while selections:
        selection = selections.pop()
        for item in selection.selections:
            if isinstance(item, FragmentSpreadNode):
                names.add(item.name.value)
            elif getattr(item, "selection_set", None) is not None:
                selections.append(item.selection_set)
    return names
