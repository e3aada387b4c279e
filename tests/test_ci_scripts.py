"""The CI's own scripts: finding the other declared Pythons without downloading any."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.subprocess

ROOT = Path(__file__).resolve().parent.parent
FIND = ROOT / "scripts" / "find_python.sh"


def find(version: str) -> str:
    done = subprocess.run(
        ["bash", str(FIND), version], capture_output=True, text=True, check=True, timeout=120
    )
    return done.stdout.strip()


def test_it_finds_an_interpreter_of_the_version_asked_for() -> None:
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    found = find(version)
    assert found, f"no Python {version} found, though one runs this test"
    reported = subprocess.run(
        [found, "-c", "import sys; print(*sys.version_info[:2], sep='.')"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout.strip()
    assert reported == version


def test_a_missing_version_prints_nothing_so_the_makefile_says_it_skipped() -> None:
    assert find("3.99") == ""


def test_the_makefile_reports_a_skipped_interpreter() -> None:
    done = subprocess.run(
        ["make", "-s", "pytest-pythons", "OTHER_PYTHONS=3.99"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "SKIPPED: no Python 3.99 on this machine; its suite did not run" in done.stderr
