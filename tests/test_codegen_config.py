"""ariadne-codegen silently ignores keys it does not know; these tests refuse them instead."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any

import pytest
from ariadne_codegen.settings import ClientSettings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = sorted(ROOT.glob("codegen*.toml"))
KNOWN = {f.name for f in dataclasses.fields(ClientSettings)}
# Sub-tables read by ariadne-codegen's standard plugins rather than by ClientSettings.
PLUGIN_TABLES = {"extract-operations", "single-file-client"}


def unknown_keys(config: dict[str, Any]) -> list[str]:
    """Keys of [tool.ariadne-codegen] that ariadne-codegen would drop without a word."""
    section = config.get("tool", {}).get("ariadne-codegen")
    if section is None:
        return ["<no [tool.ariadne-codegen] section>"]
    return sorted(key for key in section if key not in KNOWN and key not in PLUGIN_TABLES)


def test_there_is_a_sync_and_an_async_config() -> None:
    sections = [tomllib.loads(p.read_text())["tool"]["ariadne-codegen"] for p in CONFIGS]
    assert sorted(s["async_client"] for s in sections) == [False, True]
    assert len({s["client_file_name"] for s in sections}) == len(sections)
    assert {s["target_package_path"] for s in sections} == {"src/paradime_bolt"}


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_codegen_config_holds_only_keys_ariadne_codegen_knows(path: Path) -> None:
    assert unknown_keys(tomllib.loads(path.read_text())) == []


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_codegen_config_is_deterministic(path: Path) -> None:
    section = tomllib.loads(path.read_text())["tool"]["ariadne-codegen"]
    # "timestamp" (and the legacy `true`) stamp the generation time into every file.
    assert section.get("include_comments") in ("stable", "none")
    for key in ("schema_path", "queries_path", "target_package_path", "base_client_file_path"):
        assert not Path(section[key]).is_absolute(), f"{key} must be relative to the repo root"
        assert (ROOT / section[key]).exists(), f"{key} points at a missing path"


def test_a_misspelt_key_is_caught() -> None:
    config = {"tool": {"ariadne-codegen": {"schema_path": "s", "async_clients": False}}}
    assert unknown_keys(config) == ["async_clients"]
