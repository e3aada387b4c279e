"""The limits a real GraphQL API sets, so that one request can neither stall nor exhaust the
emulator, and what each request is measured by.

Paradime documents no limits, so the values are the emulator's own, after what GraphQL servers
ship (Apollo Router: a 2 MB body, 15,000 parser tokens, 30 aliases): generous for every query
the client sends, and far below what made the emulator slow.

- The request's header fields (``MAX_HEADER_BYTES`` in all): HTTP 431, answered by
  ``HeaderLimit`` before anything else, on every route, as real servers refuse them.
- The HTTP body (``MAX_BODY_BYTES``) and its JSON nesting (``MAX_JSON_DEPTH``): HTTP 413 and 400,
  answered by ``http_handler`` before any GraphQL work.
- The document: its length, tokens and comments, the depth of its selections, its aliases,
  its fields and its repeated fields (one response name twice at one level, which validation
  compares pairwise), counted with every fragment spread expanded. Each is a GraphQL error
  naming the limit, with ``extensions.code`` ``QUERY_LIMIT_EXCEEDED``; like every validation
  error it is answered with HTTP 400 and no ``data``. ``document_cache`` measures a document
  once, when it is first seen.
- A run: how many commands it takes, and how long a command, the branch and the reason may be:
  an ``InvalidArgumentsException`` (``BAD_USER_INPUT``), as for other bad trigger arguments.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import astuple, dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

from paradime_bolt_emulator.errors import InvalidArgumentsError

# Requests
MAX_BODY_BYTES = 1_048_576
# Names and values of every header field together; nginx and h11 refuse far less per line.
MAX_HEADER_BYTES = 65_536
MAX_JSON_DEPTH = 32
# Documents
MAX_QUERY_CHARS = 100_000
MAX_QUERY_TOKENS = 15_000
MAX_QUERY_COMMENTS = 1_000
MAX_DEPTH = 20
MAX_ALIASES = 30
MAX_FIELDS = 1_000
MAX_REPEATED_FIELDS = 50
# Runs
MAX_COMMANDS_PER_RUN = 100
MAX_COMMAND_CHARS = 10_000
MAX_BRANCH_CHARS = 255
MAX_REASON_CHARS = 1_000

LIMIT_CODE = "QUERY_LIMIT_EXCEEDED"


def limit_error(
    limit: str, what: str, actual: int | None, maximum: int | None, unit: str = ""
) -> GraphQLError:
    """A GraphQL error naming the limit exceeded (``extensions.limit``) and by how much."""
    if maximum is None:
        message = f"Query limit exceeded: {what}"
    elif actual is None:
        message = f"Query limit exceeded: {what} is more than the limit of {maximum:,}{unit}"
    else:
        message = (
            f"Query limit exceeded: {what} is {actual:,}{unit}, "
            f"more than the limit of {maximum:,}{unit}"
        )
    extensions: dict[str, Any] = {"code": LIMIT_CODE, "limit": limit}
    if maximum is not None:
        extensions["maximum"] = maximum
    return GraphQLError(message, extensions=extensions)


# -- documents ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """How big a selection is once every fragment spread is expanded. ``repeats`` counts fields
    that share their response name with another at the same level, which graphql-core's
    validation compares pairwise (quadratic: 500 of them took it a second)."""

    depth: int = 0
    aliases: int = 0
    fields: int = 0
    repeats: int = 0

    def __or__(self, other: Shape) -> Shape:
        """Two selections side by side: the deeper depth, the counts added."""
        return Shape(
            max(self.depth, other.depth),
            self.aliases + other.aliases,
            self.fields + other.fields,
            self.repeats + other.repeats,
        )

    def widest(self, other: Shape) -> Shape:
        """The larger of two operations, limit by limit."""
        return Shape(*(max(a, b) for a, b in zip(astuple(self), astuple(other), strict=True)))


@dataclass(frozen=True)
class _Measured:
    """A selection set's shape, and how often each response name occurs at its top level."""

    shape: Shape
    names: Counter[str]


_EMPTY = _Measured(Shape(), Counter())


def _spreads(selection_set: SelectionSetNode | None) -> set[str]:
    """Names of the fragments a selection set spreads, at any depth (but not through them)."""
    names: set[str] = set()
    pending = [selection_set]
    while pending:
        current = pending.pop()
        if current is None:
            continue
        for selection in current.selections:
            if isinstance(selection, FragmentSpreadNode):
                names.add(selection.name.value)
            elif isinstance(selection, FieldNode | InlineFragmentNode):
                pending.append(selection.selection_set)
    return names


def _measure(
    selection_set: SelectionSetNode | None, fragments: Mapping[str, _Measured], top: bool = True
) -> _Measured:
    """The shape of one selection set; spreads of fragments not in ``fragments`` count nothing
    (unknown or cyclic ones, which validation reports). ``top``: repeats are counted here, not
    by an enclosing fragment's level."""
    shape = Shape()
    names: Counter[str] = Counter()
    for selection in () if selection_set is None else selection_set.selections:
        if isinstance(selection, FieldNode):
            inner = _measure(selection.selection_set, fragments).shape
            names[(selection.alias or selection.name).value] += 1
            shape |= Shape(
                1 + inner.depth,
                inner.aliases + bool(selection.alias),
                1 + inner.fields,
                inner.repeats,
            )
        else:
            if isinstance(selection, InlineFragmentNode):
                part = _measure(selection.selection_set, fragments, top=False)
            else:
                assert isinstance(selection, FragmentSpreadNode)
                part = fragments.get(selection.name.value, _EMPTY)
            shape |= part.shape
            names.update(part.names)
    if top:
        shape |= Shape(repeats=sum(count - 1 for count in names.values()))
    return _Measured(shape, names)


def _fragment_shapes(definitions: Iterable[FragmentDefinitionNode]) -> dict[str, _Measured]:
    """Every fragment's expanded shape, each measured once, dependencies first (iteratively, so
    a long chain of spreads cannot exhaust the stack). A fragment's top-level repeats are
    counted where it is spread."""
    by_name = {definition.name.value: definition for definition in definitions}
    needs = {name: _spreads(definition.selection_set) for name, definition in by_name.items()}
    measured: dict[str, _Measured] = {}
    state: dict[str, int] = {}  # 1: being expanded, 2: done
    for root in by_name:
        stack = [root]
        while stack:
            name = stack[-1]
            if state.get(name) == 2:
                stack.pop()
                continue
            state[name] = 1
            waiting = [dep for dep in needs[name] if dep in by_name and dep not in state]
            if waiting:
                stack.extend(waiting)
                continue
            measured[name] = _measure(by_name[name].selection_set, measured, top=False)
            state[name] = 2
            stack.pop()
    return measured


def document_shape(document: DocumentNode) -> Shape:
    """The shape of the document's largest operation, limit by limit."""
    fragments = _fragment_shapes(
        d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    )
    shape = Shape()
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            shape = shape.widest(_measure(definition.selection_set, fragments).shape)
    return shape


def document_limit_errors(document: DocumentNode) -> list[GraphQLError]:
    """The limits the document's largest operation exceeds (none: an empty list)."""
    shape = document_shape(document)
    checks = [
        ("depth", "the selection depth", shape.depth, MAX_DEPTH),
        ("aliases", "the number of aliases", shape.aliases, MAX_ALIASES),
        ("fields", "the number of fields (fragments expanded)", shape.fields, MAX_FIELDS),
        (
            "repeatedFields",
            "the number of repeated fields (one response name twice at one level)",
            shape.repeats,
            MAX_REPEATED_FIELDS,
        ),
    ]
    return [
        limit_error(key, what, actual, maximum)
        for key, what, actual, maximum in checks
        if actual > maximum
    ]


# -- JSON bodies ----------------------------------------------------------------------------------


def json_depth_exceeds(value: Any, maximum: int = MAX_JSON_DEPTH) -> bool:
    """Whether a decoded JSON value nests arrays and objects more than ``maximum`` deep."""
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        current, depth = pending.pop()
        if isinstance(current, dict):
            children: Iterable[Any] = current.values()
        elif isinstance(current, list):
            children = current
        else:
            continue
        if depth > maximum:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False


# -- runs -----------------------------------------------------------------------------------------


def _check_length(name: str, value: str | None, maximum: int) -> None:
    if value is not None and len(value) > maximum:
        raise InvalidArgumentsError(
            f"{name} is {len(value):,} characters long; the limit is {maximum:,}"
        )


def check_run_arguments(
    commands: Sequence[str] | None, branch: str | None, reason: str | None
) -> None:
    """Refuse a trigger whose commands, branch or reason exceed the run limits."""
    if commands is not None:
        if len(commands) > MAX_COMMANDS_PER_RUN:
            raise InvalidArgumentsError(
                f"a run takes at most {MAX_COMMANDS_PER_RUN} commands, got {len(commands):,}"
            )
        for index, command in enumerate(commands):
            _check_length(f"command {index + 1}", command, MAX_COMMAND_CHARS)
    _check_length("branch", branch, MAX_BRANCH_CHARS)
    _check_length("reason", reason, MAX_REASON_CHARS)
