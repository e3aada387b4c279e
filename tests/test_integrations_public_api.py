"""The orchestrator integrations are built on the client's public API only: no module of theirs
imports a private module of the library (`paradime_bolt._*`)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted((ROOT / "integrations").glob("*/src/**/*.py"))


def private_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        found.extend(
            name
            for name in names
            if name.split(".")[0] == "paradime_bolt"
            and any(part.startswith("_") for part in name.split(".")[1:])
        )
    return found


def test_there_are_integrations_to_check() -> None:
    members = {path.relative_to(ROOT).parts[1] for path in MODULES}
    assert members >= {"airflow", "dagster", "prefect"}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_integrations_import_only_the_public_client(path: Path) -> None:
    assert private_imports(path) == []
