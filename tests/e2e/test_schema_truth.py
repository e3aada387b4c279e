"""One truth: the schema the emulator serves is the committed schema.graphql."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import find_breaking_changes, find_dangerous_changes

from paradime_bolt.schema_tools import canonical_sdl, introspect, load_schema
from paradime_bolt_emulator.pytest_plugin import BoltEmulator

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def test_the_emulator_serves_the_committed_schema(shared_emulator: BoltEmulator) -> None:
    served = introspect(
        shared_emulator.endpoint, shared_emulator.api_key, shared_emulator.api_secret
    )
    committed = load_schema(ROOT / "schema.graphql")
    assert canonical_sdl(served) == canonical_sdl(committed)
    for old, new in ((committed, served), (served, committed)):
        assert find_breaking_changes(old, new) == []
        assert find_dangerous_changes(old, new) == []
