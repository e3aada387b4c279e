"""The executable schema: the project's own schema.graphql, bound to the emulator's resolvers.

The SDL is the repository's root ``schema.graphql``: read from there in a checkout, and from the
copy the build puts at the package's top in a wheel (``hatch_build.py``), so the emulator serves
exactly what the client is generated from. Every field without a resolver gets a strict default
resolver: when the parent value has no entry for the field it raises instead of returning null, so
a field nobody wired fails loudly.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ariadne import SchemaBindable, make_executable_schema
from graphql import GraphQLEnumType, GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema

from .resolvers import mutation, query

_PACKAGE = Path(__file__).resolve().parent.parent


def _schema_path() -> Path:
    """The wheel's copy at the package's top, else the checkout's root file (emulator/src/..)."""
    packaged = _PACKAGE / "schema.graphql"
    return packaged if packaged.is_file() else _PACKAGE.parents[2] / "schema.graphql"


SCHEMA_PATH = _schema_path()

_MISSING = object()


class UnwiredFieldError(LookupError):
    """A field has neither a resolver nor a value in its parent: an emulator bug."""


def strict_resolver(parent: Any, info: GraphQLResolveInfo, **_: Any) -> Any:
    """Return the parent's value for the field: a mapping key or attribute, never a silent null."""
    name = info.field_name
    if isinstance(parent, Mapping):
        value = parent.get(name, _MISSING)
    else:
        value = getattr(parent, name, _MISSING)
    if value is _MISSING:
        raise UnwiredFieldError(
            f"{info.parent_type.name}.{name} is not wired: its parent value has no {name!r} "
            "and the field has no resolver"
        )
    return value


class StrictDefaultResolvers(SchemaBindable):
    """Installs ``strict_resolver`` on every object field that has no resolver of its own."""

    def bind_to_schema(self, schema: GraphQLSchema) -> None:
        """Bind after every other bindable, so only unwired fields are touched."""
        for name, named_type in schema.type_map.items():
            if name.startswith("__") or not isinstance(named_type, GraphQLObjectType):
                continue
            for field in named_type.fields.values():
                if field.resolve is None:
                    field.resolve = strict_resolver


def load_sdl() -> str:
    """The text of schema.graphql."""
    return SCHEMA_PATH.read_text(encoding="utf-8")


def _enum_variables_parse(schema: GraphQLSchema) -> None:
    """Lets an enum arrive as a variable: ariadne 1.1's wrapper of each enum's ``parse_value``
    takes one argument, where graphql-core 3.2.7+ passes two (``hide_suggestions``)."""
    for named_type in schema.type_map.values():
        if isinstance(named_type, GraphQLEnumType) and not named_type.name.startswith("__"):
            parse = named_type.parse_value

            def parse_value(value: Any, *_: Any, parse: Any = parse) -> Any:
                return parse(value)

            named_type.parse_value = parse_value  # type: ignore[method-assign,assignment]


def build_schema() -> GraphQLSchema:
    """The executable schema the emulator serves."""
    schema = make_executable_schema(load_sdl(), query, mutation, StrictDefaultResolvers())
    _enum_variables_parse(schema)
    return schema
