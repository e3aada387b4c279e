"""Subcommands that are imported only when they are run.

The root group knows its subcommands from a registry of `LazyCommand` entries (name, module,
attribute, one-line help). `--help` lists them from the registry without importing anything; a
subcommand's module is imported when that subcommand is invoked (or asked for its own help).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import click

__all__ = ["LazyCommand", "LazyGroup"]


@dataclass(frozen=True)
class LazyCommand:
    """A subcommand: the click command `attribute` of `module`, listed with `help`."""

    name: str
    module: str
    attribute: str
    help: str

    def load(self) -> click.Command:
        command = getattr(importlib.import_module(self.module), self.attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.module}.{self.attribute} is not a click command")
        return command


class LazyGroup(click.Group):
    """A click group whose subcommands come from a registry of `LazyCommand`s."""

    def __init__(self, *args: Any, registry: Sequence[LazyCommand] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.registry = {entry.name: entry for entry in registry}

    def list_commands(self, ctx: click.Context) -> list[str]:
        listed = list(self.registry)
        return listed + [name for name in super().list_commands(ctx) if name not in listed]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = self.registry.get(cmd_name)
        if entry is None:
            return super().get_command(ctx, cmd_name)
        return entry.load()

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands section of --help, from the registry: imports nothing."""
        rows: list[tuple[str, str]] = []
        for name in self.list_commands(ctx):
            entry = self.registry.get(name)
            if entry is not None:
                rows.append((name, entry.help))
                continue
            command = super().get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(formatter.width)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)
