"""The tables, each derived from its record: DDL, SELECT lists, INSERTs and rows read back.

A table's columns are its record's fields, in order (see ``records``), and each column's SQL
follows from the field's type: ``int``/``float``/``str``/``bytes`` are INTEGER/REAL/TEXT/BLOB,
NOT NULL unless the type admits None; ``bool`` is an INTEGER 0/1 flag (DEFAULT 0 when required);
a tuple of records is TEXT holding a JSON list of objects; a field ``id`` is the INTEGER PRIMARY
KEY AUTOINCREMENT. So adding a field to a record adds the column everywhere at once; only what a
type cannot say is written here: foreign keys and other constraints, indexes, the columns a
record does not load (a resource's bytes) and where each table's ids start.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from .records import CommandRecord, ResourceRecord, RunRecord, ScheduleRow

R = TypeVar("R")

_SQL_TYPES: dict[Any, str] = {int: "INTEGER", float: "REAL", str: "TEXT", bytes: "BLOB"}


@dataclass(frozen=True)
class Column:
    """One column: its name, its SQL definition, and how a value is stored and read back."""

    name: str
    sql: str
    dump: Callable[[Any], Any] | None = None
    load: Callable[[Any], Any] | None = None


def _flag_dump(value: Any) -> Any:
    return None if value is None else int(value)


def _flag_load(value: Any) -> Any:
    return None if value is None else bool(value)


def column_of(name: str, annotation: Any) -> Column:
    """The column a record field of this type is stored in."""
    if name == "id":
        return Column(name, "INTEGER PRIMARY KEY AUTOINCREMENT")
    args = typing.get_args(annotation)
    nullable = isinstance(annotation, types.UnionType) and type(None) in args
    if nullable:
        (annotation,) = (arg for arg in args if arg is not type(None))
    required = "" if nullable else " NOT NULL"
    if annotation is bool:
        return Column(
            name, f"INTEGER{required}{'' if nullable else ' DEFAULT 0'}", _flag_dump, _flag_load
        )
    if typing.get_origin(annotation) is tuple:
        item = typing.get_args(annotation)[0]
        return Column(
            name,
            f"TEXT{required}",
            lambda items: json.dumps([dataclasses.asdict(entry) for entry in items]),
            lambda text: tuple(item(**entry) for entry in json.loads(text)),
        )
    return Column(name, f"{_SQL_TYPES[annotation]}{required}")


@dataclass(frozen=True)
class Table(Generic[R]):
    """One table: its name, the record a row reads into, and what the record's types do not say."""

    name: str
    record: type[R]
    first_id: int  # ids start in distinct, realistic ranges: a run id is never a command's
    unloaded: tuple[
        tuple[str, type], ...
    ] = ()  # (column, type): stored, never read into the record
    constraints: tuple[str, ...] = ()
    indexes: tuple[tuple[str, str], ...] = ()  # (index name, indexed columns)

    @property
    def fields(self) -> tuple[Column, ...]:
        """The columns a row is read from: the record's fields, in order."""
        hints = typing.get_type_hints(self.record)
        return tuple(
            column_of(field.name, hints[field.name])
            for field in dataclasses.fields(self.record)  # type: ignore[arg-type]
        )

    @property
    def columns(self) -> tuple[Column, ...]:
        """Every column: the record's, then those it does not load."""
        return self.fields + tuple(column_of(name, kind) for name, kind in self.unloaded)

    def ddl(self) -> str:
        """``CREATE TABLE IF NOT EXISTS`` with every column and constraint, then its indexes."""
        body = ",\n    ".join([f"{c.name} {c.sql}" for c in self.columns] + list(self.constraints))
        text = f"CREATE TABLE IF NOT EXISTS {self.name} (\n    {body}\n);\n"
        for index, columns in self.indexes:
            text += f"CREATE INDEX IF NOT EXISTS {index} ON {self.name} ({columns});\n"
        return text

    def select(self) -> str:
        """The SELECT list of a record's columns, qualified by the table (safe in joins)."""
        return ", ".join(f"{self.name}.{column.name}" for column in self.fields)

    def load(self, row: sqlite3.Row) -> R:
        """The record of a row selected with ``select()``."""
        return self.record(
            **{
                column.name: row[column.name]
                if column.load is None
                else column.load(row[column.name])
                for column in self.fields
            }
        )

    def insert(self, values: Mapping[str, Any], suffix: str = "") -> tuple[str, tuple[Any, ...]]:
        """An ``INSERT`` of the given columns (the others take their defaults), and its params."""
        columns = {column.name: column for column in self.columns}
        unknown = sorted(set(values) - set(columns))
        if unknown:
            raise ValueError(f"{self.name} has no column {', '.join(unknown)}")
        params = tuple(
            value if columns[name].dump is None else columns[name].dump(value)  # type: ignore[misc]
            for name, value in values.items()
        )
        marks = ", ".join("?" for _ in values)
        # Names are this table's (checked above); every value is a parameter.
        sql = f"INSERT INTO {self.name} ({', '.join(values)}) VALUES ({marks}){suffix}"  # noqa: S608
        return sql, params


SCHEDULES = Table("schedules", ScheduleRow, 1000, constraints=("UNIQUE (workspace, name)",))
RUNS = Table(
    "runs",
    RunRecord,
    15000,
    constraints=("FOREIGN KEY (parent_run_id) REFERENCES runs (id)",),
    indexes=(
        ("runs_by_workspace_schedule", "workspace, schedule_name, id"),
        ("runs_by_state", "state"),
    ),
)
COMMANDS = Table(
    "commands",
    CommandRecord,
    59000,
    constraints=("UNIQUE (run_id, position)", "FOREIGN KEY (run_id) REFERENCES runs (id)"),
)
RESOURCES = Table(
    "resources",
    ResourceRecord,
    306000,
    unloaded=(("content", bytes),),
    constraints=("FOREIGN KEY (command_id) REFERENCES commands (id)",),
    indexes=(("resources_by_command", "command_id, id"),),
)
# In creation order: a table's foreign keys point at tables before it.
TABLES = (SCHEDULES, RUNS, COMMANDS, RESOURCES)
