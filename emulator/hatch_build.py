"""Puts the repository's schema.graphql into the emulator's wheel and sdist as a real file.

The schema lives once, at the repository root (one directory up); the emulator reads it from
there in a checkout and from the copy beside its modules in a wheel. A wheel built from the sdist
takes the copy the sdist carries at its top level.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SCHEMA = "schema.graphql"


class SchemaCopyHook(BuildHookInterface):
    """Adds schema.graphql: to the sdist's top level, to the wheel beside the package."""

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        unpacked_sdist = (root / "PKG-INFO").is_file()
        source = root / SCHEMA if unpacked_sdist else root.parent / SCHEMA
        if not source.is_file():
            raise FileNotFoundError(f"{source}: the schema the emulator serves is missing")
        target = SCHEMA if self.target_name == "sdist" else f"paradime_bolt_emulator/{SCHEMA}"
        build_data["force_include"][str(source)] = target
