"""The command line is built on the client's public API only: no CLI module imports a private
module of the library (`paradime_bolt._*`), or reaches into a client's private attributes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CLI = Path(__file__).resolve().parents[2] / "src" / "paradime_bolt" / "cli"
MODULES = sorted(CLI.glob("*.py"))


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, relative imports resolved, `import_module("...")` too."""
    package = ["paradime_bolt", "cli"]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value.startswith("paradime_bolt.")
        ):
            found.add(node.value)
    return found


def private_library_modules(modules: set[str]) -> list[str]:
    """`paradime_bolt._name`, but not `paradime_bolt.cli._name` or `paradime_bolt.__version__`."""

    def private(module: str) -> bool:
        parts = module.split(".")
        return (
            len(parts) > 1
            and parts[0] == "paradime_bolt"
            and parts[1].startswith("_")
            and not parts[1].startswith("__")
        )

    return sorted(m for m in modules if private(m))


def test_the_check_sees_the_ways_a_module_is_imported(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import paradime_bolt._version\n"
        "from paradime_bolt import _types\n"
        "from .. import _waiting\n"
        "from .._artifacts import rank_commands\n"
        "from ._render import iso\n"
        "importlib.import_module('paradime_bolt._transport')\n"
    )
    assert private_library_modules(imported_modules(sample)) == [
        "paradime_bolt._artifacts",
        "paradime_bolt._artifacts.rank_commands",
        "paradime_bolt._transport",
        "paradime_bolt._types",
        "paradime_bolt._version",
        "paradime_bolt._waiting",
    ]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_cli_module_imports_a_private_library_module(path: Path) -> None:
    assert private_library_modules(imported_modules(path)) == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_cli_module_uses_a_clients_private_attributes(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    private = [
        f"{ast.unparse(node)} (line {node.lineno})"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
        and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
    ]
    assert private == []
