"""Tests take their helpers from modules (tests/support/), never from a conftest file or from
another test module; conftest files hold fixtures only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
MODULES = sorted(TESTS.rglob("*.py"))


def imported(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            found.extend([module] + [f"{module}.{a.name}" for a in node.names])
        elif isinstance(node, ast.Import):
            found.extend(a.name for a in node.names)
    return found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(TESTS)))
def test_helpers_come_from_modules_not_conftest_files_or_tests(path: Path) -> None:
    wrong = [
        name
        for name in imported(path)
        if "conftest" in name.split(".")
        or any(part.startswith("test_") for part in name.split("."))
    ]
    assert wrong == []
