"""YAML read as Paradime reads it (YAML 1.1, `yaml.safe_load`), keeping where each value is.

PyYAML's composer gives nodes with marks; values are built from them with the same safe
constructor `safe_load` uses, so a value here is exactly what Paradime sees, plus its line,
its column and the text it was written as (for the traps: an unquoted `OFF` is `False`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = ["Duplicate", "Located", "YamlProblem", "load_located"]

_BOOL_TAG = "tag:yaml.org,2002:bool"


@dataclass(frozen=True)
class Duplicate:
    """A key written twice in one mapping: YAML keeps the last, silently."""

    key: str
    line: int
    column: int
    first_line: int


@dataclass
class Located:
    """A YAML value with its 1-based position; mappings keep each key's node too."""

    value: Any
    line: int
    column: int
    node: Node = field(repr=False)
    keys: dict[Any, Located] = field(default_factory=dict, repr=False)
    entries: dict[Any, Located] = field(default_factory=dict, repr=False)
    items: list[Located] = field(default_factory=list, repr=False)

    @property
    def is_mapping(self) -> bool:
        return isinstance(self.node, MappingNode)

    @property
    def is_sequence(self) -> bool:
        return isinstance(self.node, SequenceNode)

    @property
    def plain_text(self) -> str | None:
        """The scalar as written when it was not quoted (the text a trap came from)."""
        node = self.node
        if isinstance(node, ScalarNode) and node.style is None:
            return str(node.value)
        return None

    @property
    def unquoted_bool(self) -> bool:
        """Whether YAML 1.1 read an unquoted word (yes, no, on, off, ...) as a boolean."""
        return isinstance(self.node, ScalarNode) and self.node.tag == _BOOL_TAG

    def where(self, key: Any) -> Located:
        """The key's node when present (to point at `key:`), else this mapping."""
        return self.keys.get(key, self)


class YamlProblem(Exception):
    """A file YAML cannot read: the message, and where (1-based)."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


def load_located(text: str) -> tuple[Located | None, list[Duplicate]]:
    """The document (None when empty) and the keys written twice."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        raise _problem(error) from None
    except yaml.YAMLError as error:
        raise YamlProblem(str(error), 1, 1) from None
    finally:
        loader.dispose()
    if node is None:
        return None, []
    duplicates: list[Duplicate] = []
    constructor = SafeConstructor()
    try:
        return _locate(node, constructor, duplicates), duplicates
    except yaml.MarkedYAMLError as error:
        raise _problem(error) from None


def _problem(error: yaml.MarkedYAMLError) -> YamlProblem:
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = error.problem or str(error)
    if "'\\t'" in problem:
        problem = "a tab character: YAML indents with spaces only (replace the tab with spaces)"
    elif error.context:
        problem = f"{error.context}: {problem}"
    return YamlProblem(f"not valid YAML: {problem}", line, column)


def _locate(node: Node, constructor: SafeConstructor, duplicates: list[Duplicate]) -> Located:
    line, column = node.start_mark.line + 1, node.start_mark.column + 1
    if isinstance(node, MappingNode):
        constructor.flatten_mapping(node)  # resolves `<<` merge keys as safe_load does
        located = Located({}, line, column, node)
        for key_node, value_node in node.value:
            key = constructor.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                key = repr(key)
            key_at = _locate(key_node, constructor, duplicates)
            if key in located.keys:
                first = located.keys[key]
                duplicates.append(Duplicate(str(key), key_at.line, key_at.column, first.line))
            located.keys[key] = key_at
            located.entries[key] = _locate(value_node, constructor, duplicates)
            located.value[key] = located.entries[key].value
        return located
    if isinstance(node, SequenceNode):
        items = [_locate(item, constructor, duplicates) for item in node.value]
        return Located([item.value for item in items], line, column, node, items=items)
    return Located(constructor.construct_object(node, deep=True), line, column, node)
