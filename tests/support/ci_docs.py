"""docs/ci.md, and the GitHub Actions workflow it documents."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

DOC = Path(__file__).resolve().parents[2] / "docs" / "ci.md"


def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def workflow() -> dict[str, Any]:
    match = re.search(r"```yaml\n(# \.github/workflows/bolt\.yml\n.*?)```", doc(), re.DOTALL)
    assert match, "the GitHub Actions workflow block"
    loaded: dict[str, Any] = yaml.safe_load(match.group(1))
    return loaded
