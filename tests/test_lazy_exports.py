"""Each package's public names: one table (the imports under `if TYPE_CHECKING:`), the lazy
section written from it, and every name precisely typed to mypy (none is `Any`)."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = [
    "paradime_bolt",
    "paradime_bolt_emulator",
    "paradime_bolt_airflow",
    "dagster_paradime_bolt",
    "prefect_paradime_bolt",
]


@pytest.mark.subprocess
def test_the_lazy_sections_are_written_from_their_tables() -> None:
    result = subprocess.run(
        [sys.executable, "scripts/lazy_exports.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def _installed() -> list[str]:
    found = []
    for name in PACKAGES:
        try:
            importlib.import_module(name)
        except ImportError:
            continue
        found.append(name)
    return found


@pytest.mark.subprocess
@pytest.mark.slow
def test_every_public_name_has_its_own_type_to_mypy(tmp_path: Path) -> None:
    """`from package import Name` for every name of `__all__`, and `reveal_type` of each: a
    name mypy cannot see (missing from the table) is `Any`."""
    lines: list[str] = []
    names: list[tuple[str, str]] = []
    for package in _installed():
        module = importlib.import_module(package)
        for name in module.__all__:
            alias = f"{package}__{name}"
            lines.append(f"from {package} import {name} as {alias}")
            names.append((package, name))
    for package, name in names:
        lines.append(f"reveal_type({package}__{name})")
    probe = tmp_path / "probe_public_names.py"
    probe.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--follow-imports=silent", str(probe)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    revealed = [line for line in result.stdout.splitlines() if "Revealed type is" in line]
    assert len(revealed) == len(names), result.stdout[-3000:]
    untyped = [
        f"{package}.{name}"
        for (package, name), line in zip(names, revealed, strict=True)
        if line.rstrip().endswith('"Any"')
    ]
    assert untyped == [], f"typed as Any: {untyped}"
