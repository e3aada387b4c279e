"""Writes the lazy-export section of each package's `__init__.py` from its one table: the imports
under `if TYPE_CHECKING:`.

A package whose names load on first use (PEP 562) needs three lists that must agree: the imports
mypy reads, the table `__getattr__` loads from, and `__all__`. Only the first is written by hand;
this script writes the other two (and `__getattr__`, `__dir__`) from the marker line to the end
of the file, so they cannot drift. Names imported at run time outside the block (`__version__`)
join `__all__`. `--check` fails when a section is stale; tests/test_lazy_exports.py and
`make check-generated` run it, `make generate` rewrites.

`__getattr__` and `__dir__` (`LOADER`) are the same in every package, but no package can import
them from another (the emulator may not import the client, and each is its own distribution), so
each section is generated text written from this one source, as `_client.py` is.

    python scripts/lazy_exports.py          # rewrite the sections
    python scripts/lazy_exports.py --check  # exit 1 if one is stale
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

from _written import ruff_formatted, write_or_check

ROOT = Path(__file__).resolve().parent.parent
MARKER = "# -- written by scripts/lazy_exports.py from the imports above; do not edit --"

PACKAGES = [
    ROOT / "src" / "paradime_bolt" / "__init__.py",
    ROOT / "emulator" / "src" / "paradime_bolt_emulator" / "__init__.py",
    ROOT / "integrations" / "airflow" / "src" / "paradime_bolt_airflow" / "__init__.py",
]


def _is_type_checking(node: ast.stmt) -> bool:
    return isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"


def exports(source: str) -> tuple[dict[str, str], list[str]]:
    """The lazy table (name -> relative module) and the names imported eagerly, from the part of
    `source` above the marker."""
    tree = ast.parse(source.split(MARKER, 1)[0])
    lazy: dict[str, str] = {}
    eager: list[str] = []
    for node in tree.body:
        if _is_type_checking(node):
            assert isinstance(node, ast.If)
            for statement in node.body:
                if isinstance(statement, ast.ImportFrom) and statement.level > 0:
                    module = "." * statement.level + (statement.module or "")
                    for alias in statement.names:
                        lazy[alias.asname or alias.name] = module
        elif isinstance(node, ast.ImportFrom) and (node.level or node.module == "paradime_bolt"):
            eager += [alias.asname or alias.name for alias in node.names]
    return lazy, eager


# The same in every package: the module's own `__name__` names it in the error.
LOADER = (
    "def __getattr__(name: str) -> Any:\n"
    "    module = _LAZY.get(name)\n"
    "    if module is None:\n"
    '        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")\n'
    "    value = getattr(importlib.import_module(module, __name__), name)\n"
    "    globals()[name] = value\n"
    "    return value\n\n\n"
    "def __dir__() -> list[str]:\n"
    "    return sorted(__all__)\n"
)


def section(lazy: dict[str, str], eager: list[str]) -> str:
    rows = "".join(f"    {json.dumps(n)}: {json.dumps(m)},\n" for n, m in lazy.items())
    names = sorted({*lazy, *eager})  # ruff's RUF022 order is applied after (see `rewritten`)
    listed = "".join(f"    {json.dumps(name)},\n" for name in names)
    return f"{MARKER}\n\n_LAZY = {{\n{rows}}}\n\n\n{LOADER}\n\n__all__ = [\n{listed}]\n"


def rewritten(path: Path) -> str:
    source = path.read_text(encoding="utf-8")
    if MARKER not in source:
        raise SystemExit(f"{path}: no marker line {MARKER!r}")
    lazy, eager = exports(source)
    head = source.split(MARKER, 1)[0]
    # `__all__` in ruff's order (RUF022), then ruff's formatting, as the linters expect.
    return ruff_formatted(head + section(lazy, eager), path, "RUF022")


def main(argv: list[str]) -> int:
    written = {path: rewritten(path) for path in PACKAGES}
    return write_or_check(written, argv, "scripts/lazy_exports.py")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
